// Pure policies of the Stratum server: JSON-RPC parsing, job states, vardiff, operator fee, bans,
// and the authorize user conventions.
import { describe, expect, it } from 'vitest'
import { BanList } from '../../src/stratum/ban-list'
import { JobBook, jobState } from '../../src/stratum/jobs'
import { parseLine } from '../../src/stratum/json-rpc'
import { OperatorFee } from '../../src/stratum/operator-fee'
import { passwordDifficulty, parseStratumUser } from '../../src/stratum/stratum-user'
import { Vardiff } from '../../src/stratum/vardiff'
import { createStratumParams } from '../../src/stratum/params'
import { testAddress } from './harness'
import { devnet, makeTestWork, nextBlock, nextShareTip } from './work'

describe('json-rpc parsing', () => {
  it('accepts null, number and string ids; missing params mean []', () => {
    expect(parseLine('{"id":null,"method":"mining.suggest_target","params":["ff"]}')).toMatchObject({
      ok: true,
      message: { id: null }
    })
    expect(parseLine('{"id":"xnsub","method":"mining.extranonce.subscribe"}')).toMatchObject({
      ok: true,
      message: { id: 'xnsub', params: [] }
    })
    expect(parseLine('{"id":4,"result":"pong","error":null}')).toMatchObject({
      ok: true,
      message: { kind: 'response' }
    })
  })
  it('refuses non-objects, bad ids, bad methods, non-array params', () => {
    for (const bad of [
      'x',
      '[]',
      '{"id":[1],"method":"a"}',
      '{"id":1,"method":7}',
      '{"id":1,"method":"a","params":{}}',
      '{"id":1}'
    ]) {
      expect(parseLine(bad).ok).toBe(false)
    }
  })
})

describe('job states', () => {
  it('share-tip change: valid within the grace; block change: stale at once; refresh: valid until expiry', () => {
    let now = 1_000_000
    const book = new JobBook(() => now)
    const w = makeTestWork()
    const a = book.advance(w).epoch.jobFor(new Uint8Array([0x51]), false, book.nextJobId)
    expect(book.advance(w).replacedBy).toBe('refresh')
    expect(jobState(a, now + 100_000, 5000, 120_000)).toBe('current')
    expect(jobState(a, now + 130_000, 5000, 120_000)).toBe('stale')
    const tip = nextShareTip(w)
    const r = book.advance(tip)
    expect(r.replacedBy).toBe('share-tip')
    const b = r.epoch.jobFor(new Uint8Array([0x51]), false, book.nextJobId)
    expect(a.id).not.toBe(b.id)
    expect(jobState(a, now + 4000, 5000, 120_000)).toBe('stale-tip')
    expect(jobState(a, now + 6000, 5000, 120_000)).toBe('stale')
    now += 1000
    expect(book.advance(nextBlock(tip)).replacedBy).toBe('block')
    expect(jobState(b, now, 5000, 120_000)).toBe('stale')
  })
})

describe('vardiff', () => {
  const bounds = (): { min: number; max: number; targetShareSeconds: number } => ({
    min: 2 ** -30,
    max: 2 ** 40,
    targetShareSeconds: 10
  })
  it('a rig 100x too fast is retargeted after 16 shares, toward one share per 10 s, in powers of two', () => {
    const v = new Vardiff(bounds, 0)
    let next: number | undefined
    for (let i = 1; i <= 16 && next === undefined; i++) next = v.onShare(1, 1, i * 100) // one share per 0.1 s
    expect(next).toBe(128) // 1 share/0.1 s at diff 1 = 10 diff/s -> 100 per 10 s -> nearest power of two
  })
  it('no shares for a whole interval steps down; a rate within 2x is left alone', () => {
    const v = new Vardiff(bounds, 0)
    expect(v.onTick(64, 61_000)).toBe(8)
    const w = new Vardiff(bounds, 0)
    for (let i = 1; i <= 6; i++) w.onShare(1, 1, i * 10_000)
    expect(w.onTick(1, 61_000)).toBeUndefined()
  })
})

describe('operator fee', () => {
  it('converges to the fee fraction of work, per payout script, within one job', () => {
    const fee = new OperatorFee(0.02, new Uint8Array([0x51]))
    let operatorJobs = 0
    for (let job = 0; job < 1000; job++) {
      const op = fee.chooseOperator('rig')
      if (op) operatorJobs++
      fee.credit('rig', 1 + (job % 7), op) // uneven work per job
    }
    expect(fee.paidFraction('rig')).toBeGreaterThan(0.019)
    expect(fee.paidFraction('rig')).toBeLessThan(0.03)
    expect(operatorJobs).toBeGreaterThan(10)
    expect(new OperatorFee(0, undefined).chooseOperator('rig')).toBe(false)
  })
})

describe('bans', () => {
  it('strikes within the window ban the IP; bans expire', () => {
    let now = 0
    const bans = new BanList({ strikesBeforeBan: 3, strikeWindowMs: 1000, banDurationMs: 5000, now: () => now })
    expect(bans.strike('10.0.0.1', 'a')).toBeUndefined()
    now = 2000 // first strike left the window
    expect(bans.strike('10.0.0.1', 'b')).toBeUndefined()
    expect(bans.strike('10.0.0.1', 'c')).toBeUndefined()
    const ban = bans.strike('10.0.0.1', 'd')
    expect(ban?.reason).toMatch(/3 drops.*last: d/)
    expect(bans.banOf('10.0.0.1')).toBeDefined()
    now = 7001
    expect(bans.banOf('10.0.0.1')).toBeUndefined()
  })
})

describe('authorize user and params', () => {
  it('address[.worker] of the relay network; other networks and junk get an actionable error', () => {
    const u = parseStratumUser(`${testAddress(3)}.bitaxe-1`, devnet.addresses, 'devnet')
    expect(u).toMatchObject({ address: testAddress(3), worker: 'bitaxe-1' })
    const other = parseStratumUser('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', devnet.addresses, 'devnet')
    expect(other).toHaveProperty('error')
    expect((other as { error: string }).error).toMatch(/devnet payout address.*bitcoin/)
    expect(parseStratumUser(`${testAddress(3)}.bad worker`, devnet.addresses, 'devnet')).toHaveProperty('error')
  })
  it('password d=<difficulty>', () => {
    expect(passwordDifficulty('d=0.001')).toBe(0.001)
    expect(passwordDifficulty('x,d=512')).toBe(512)
    expect(passwordDifficulty('x')).toBeUndefined()
  })
  it('params validation says what to fix', () => {
    expect(() => createStratumParams({ operatorFee: 0.01 })).toThrow(/operatorAddress/)
    expect(() => createStratumParams({ minDifficulty: 10, maxDifficulty: 1 })).toThrow(/minDifficulty/)
    expect(() => createStratumParams({ operatorFee: 1.5 })).toThrow(/fraction/)
  })
})
