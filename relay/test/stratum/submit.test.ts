// Submit checks without sockets, with a known-answer vector: Bitcoin's genesis block rebuilt through
// the Stratum path (coinb1 | extranonce1 | extranonce2 | coinb2, empty branch, header fields) must
// hash to the genesis block hash.
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import { hashToDisplayHex } from '@otedama/shared/primitives'
import { DIFF1_TARGET_SHA256D, bitsToTarget } from '@otedama/shared/primitives'
import { JobBook, stratumPrevHash } from '../../src/stratum/jobs'
import { checkSubmit, parseSubmitParams, type SessionJob, type SubmitContext } from '../../src/stratum/submit'
import { judgeSubmit } from '../../src/stratum/session-submit'
import type { SubmitView } from '../../src/stratum/session-context'
import type { SessionServices } from '../../src/stratum/session-host'
import { createStratumParams } from '../../src/stratum/params'
import type { StratumUser } from '../../src/stratum/stratum-user'
import type { StratumWork } from '../../src/stratum'

// Bitcoin block 0 (mainnet): its coinbase transaction, and header fields.
const GENESIS_COINBASE =
  '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000'
const GENESIS_HASH = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f'
const GENESIS_TIME = 1231006505
const GENESIS_NONCE = 2083236893

const tx = hexToBytes(GENESIS_COINBASE)
const XN_AT = 50 // inside the scriptSig: coinb1 = tx[0..50), extranonce1 = tx[50..54), extranonce2 = tx[54..58)

function genesisJob(): { ctx: SubmitContext; jobId: string } {
  const work: StratumWork = {
    id: 'genesis',
    height: 0,
    version: 1,
    prevHash: new Uint8Array(32),
    bits: 0x1d00ffff,
    blockTarget: bitsToTarget(0x1d00ffff),
    shareTarget: bitsToTarget(0x1d00ffff),
    shareParent: null,
    time: GENESIS_TIME,
    minTime: GENESIS_TIME,
    merkleBranch: [],
    buildCoinbase: () => ({ coinb1: tx.slice(0, XN_AT), coinb2: tx.slice(XN_AT + 8) })
  }
  const book = new JobBook()
  const { epoch } = book.advance(work)
  const job = epoch.jobFor(new Uint8Array([0x51]), false, book.nextJobId)
  const sessionJob: SessionJob = { job, difficulty: 1, target: DIFF1_TARGET_SHA256D, submits: new Set() }
  return {
    jobId: job.id,
    ctx: {
      pow: 'sha256d',
      extranonce1: tx.slice(XN_AT, XN_AT + 4),
      versionMask: 0,
      jobs: new Map([[job.id, sessionJob]]),
      difficulty: 1,
      target: DIFF1_TARGET_SHA256D,
      shareTipGraceMs: 5000,
      sameTipJobExpiryMs: 120_000,
      nowMs: Date.now()
    }
  }
}

function submit(jobId: string, nonceHex: string, extra: string[] = []): ReturnType<typeof parseSubmitParams> {
  return parseSubmitParams(
    ['w', jobId, bytesToHex(tx.slice(XN_AT + 4, XN_AT + 8)), GENESIS_TIME.toString(16), nonceHex, ...extra],
    4
  )
}

describe('submit checks', () => {
  it("rebuilds Bitcoin's genesis header through the Stratum split (known answer)", () => {
    const { ctx, jobId } = genesisJob()
    const s = submit(jobId, GENESIS_NONCE.toString(16))
    if ('error' in s) throw new Error(s.error)
    const v = checkSubmit(ctx, s)
    if (!('accept' in v)) throw new Error(v.message)
    expect(hashToDisplayHex(v.hash)).toBe(GENESIS_HASH)
    expect(bytesToHex(v.coinbaseTx)).toBe(GENESIS_COINBASE)
  })

  it('upper-case and unpadded nonces parse to the same value', () => {
    const a = submit('1', '0000abcd')
    const b = submit('1', 'ABCD')
    expect('error' in a || 'error' in b).toBe(false)
    expect((a as { nonce: number }).nonce).toBe(0xabcd)
    expect((a as { key: string }).key).toBe((b as { key: string }).key)
  })

  it('refuses malformed params before any hashing', () => {
    expect(parseSubmitParams(['w', 'j', 'zz', '00', '00'], 4)).toHaveProperty('error')
    expect(parseSubmitParams(['w', 'j', '00000000', '123456789', '00'], 4)).toHaveProperty('error')
    expect(parseSubmitParams(['w', 'j', '00000000', '0', '0', '0', 'extra'], 4)).toHaveProperty('error')
    expect(parseSubmitParams([1, 'j', '00000000', '0', '0'], 4)).toHaveProperty('error')
  })

  it('cheapest first: unknown job, duplicate, version bits, then PoW', () => {
    const { ctx, jobId } = genesisJob()
    const ok = submit(jobId, GENESIS_NONCE.toString(16)) as Exclude<
      ReturnType<typeof parseSubmitParams>,
      { error: string }
    >
    expect(checkSubmit(ctx, { ...ok, jobId: 'nope' })).toMatchObject({ reason: 'unknown-job' })
    ctx.jobs.get(jobId)!.submits.add(ok.key)
    expect(checkSubmit(ctx, ok)).toMatchObject({ reason: 'duplicate' })
    const rolled = submit(jobId, GENESIS_NONCE.toString(16), ['00002000']) as typeof ok
    expect(checkSubmit(ctx, rolled)).toMatchObject({ reason: 'bad-version-bits' })
    const wrong = submit(jobId, (GENESIS_NONCE + 1).toString(16)) as typeof ok
    expect(checkSubmit(ctx, wrong)).toMatchObject({ reason: 'low-difficulty' })
  })

  it('stratum prevhash reverses each 4-byte word', () => {
    const h = hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f')
    expect(stratumPrevHash(h)).toBe('03020100070605040b0a09080f0e0d0c13121110171615141b1a19181f1e1d1c')
  })

  it('judging a submit changes nothing: the outcome carries the find, and a second judgement of it is the same', () => {
    const { ctx, jobId } = genesisJob()
    const user: StratumUser = {
      user: 'w',
      address: 'rig-address',
      worker: 'w1',
      payoutScript: new Uint8Array([0x51]),
      payoutScriptHex: '51'
    }
    // Only what judging reads; the rest of the services belong to the session applying the outcome.
    const host = {
      params: createStratumParams(),
      chain: { pow: 'sha256d' },
      extranonce2Bytes: 4
    } as unknown as SessionServices
    const view: SubmitView = {
      host,
      subscribed: true,
      users: new Map([['w', user]]),
      payee: user,
      extranonce1: ctx.extranonce1,
      versionMask: 0,
      jobs: ctx.jobs,
      difficulty: 1,
      target: ctx.target,
      remoteAddress: '192.0.2.7'
    }
    const params = [
      'w',
      jobId,
      bytesToHex(tx.slice(XN_AT + 4, XN_AT + 8)),
      GENESIS_TIME.toString(16),
      GENESIS_NONCE.toString(16)
    ]
    const first = judgeSubmit(view, params, Date.now())
    if (first.kind !== 'accepted') throw new Error(`expected accepted, got ${first.kind}`)
    expect(first.meetsShareTarget && first.meetsBlockTarget).toBe(true)
    expect(hashToDisplayHex(first.found!.powHash)).toBe(GENESIS_HASH)
    expect(first.found!.rig).toEqual({ address: 'rig-address', worker: 'w1', remoteAddress: '192.0.2.7' })
    // The duplicate key is recorded only when the session applies the outcome.
    expect(ctx.jobs.get(jobId)!.submits.size).toBe(0)
    expect(judgeSubmit(view, params, Date.now()).kind).toBe('accepted')
    first.sessionJob.submits.add(first.key)
    expect(judgeSubmit(view, params, Date.now())).toMatchObject({ kind: 'rejected', reason: 'duplicate' })
    expect(judgeSubmit({ ...view, subscribed: false }, params, Date.now())).toMatchObject({
      kind: 'rejected',
      reason: 'not-subscribed'
    })
    expect(judgeSubmit({ ...view, users: new Map() }, params, Date.now())).toMatchObject({
      kind: 'rejected',
      reason: 'unauthorized'
    })
    expect(judgeSubmit(view, ['w', jobId], Date.now()).kind).toBe('malformed')
  })
})
