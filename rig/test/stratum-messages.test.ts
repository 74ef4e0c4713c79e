// Parsing what pools send: every message the rig acts on, the reply shapes pools use, and bad lines
// (each refused with its reason, never half-read).
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import { encodeRequest, parsePoolLine, parseSubscribeResult, type PoolMessage } from '../src/stratum-messages'

const PREV = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'
const BRANCH = 'ff'.repeat(32)

function message(line: string): PoolMessage {
  const parsed = parsePoolLine(line)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.message
}

function reason(line: string): string {
  const parsed = parsePoolLine(line)
  if (parsed.ok) throw new Error(`accepted: ${line}`)
  return parsed.reason
}

const notify = (params: unknown[]): string => JSON.stringify({ id: null, method: 'mining.notify', params })
const goodParams = (): unknown[] => ['1f', PREV, '0100', 'ffff', [BRANCH], '20000000', '1d00ffff', '6553f100', true]

describe('mining.notify', () => {
  it('parses every field: word-swapped prevhash, raw coinbase halves and branch, BE hex u32s, clean_jobs', () => {
    const m = message(notify(goodParams()))
    if (m.kind !== 'notify') throw new Error(m.kind)
    expect(m.job.jobId).toBe('1f')
    expect(bytesToHex(m.job.prevHash)).toBe('3322110077665544bbaa9988ffeeddcc'.repeat(2))
    expect(bytesToHex(m.job.coinb1)).toBe('0100')
    expect(bytesToHex(m.job.coinb2)).toBe('ffff')
    expect(m.job.merkleBranch.map(bytesToHex)).toEqual([BRANCH])
    expect(m.job.version).toBe(0x20000000)
    expect(m.job.nbits).toBe(0x1d00ffff)
    expect(m.job.ntime).toBe(0x6553f100)
    expect(m.job.clean).toBe(true)
  })

  it('refuses each malformed field with its name', () => {
    const with_ = (i: number, v: unknown): string => {
      const p = goodParams()
      p[i] = v
      return notify(p)
    }
    expect(reason(notify(goodParams().slice(0, 8)))).toMatch(/9 params/)
    expect(reason(with_(0, ''))).toMatch(/job_id/)
    expect(reason(with_(1, PREV.slice(2)))).toMatch(/prevhash/)
    expect(reason(with_(2, '0g'))).toMatch(/coinb1/)
    expect(reason(with_(3, 'abc'))).toMatch(/coinb2/)
    expect(reason(with_(4, ['00']))).toMatch(/merkle branch/)
    expect(reason(with_(4, 'x'))).toMatch(/merkle branch/)
    expect(reason(with_(5, '2000000'))).toMatch(/version/)
    expect(reason(with_(6, 0x1d00ffff))).toMatch(/nbits/)
    expect(reason(with_(7, '6553f10z'))).toMatch(/ntime/)
    expect(reason(with_(8, 'true'))).toMatch(/clean_jobs/)
  })
})

describe('other pool messages', () => {
  it('set_difficulty below 1 is fine; zero, negative or non-numbers are refused', () => {
    expect(message('{"id":null,"method":"mining.set_difficulty","params":[0.00015]}')).toEqual({
      kind: 'set-difficulty',
      difficulty: 0.00015
    })
    expect(message('{"id":null,"method":"mining.set_difficulty","params":[5.960464477539063e-8]}')).toEqual({
      kind: 'set-difficulty',
      difficulty: 2 ** -24
    })
    for (const bad of ['0', '-1', '"1"', 'null'])
      expect(reason(`{"id":null,"method":"mining.set_difficulty","params":[${bad}]}`)).toMatch(/difficulty/)
  })

  it('set_extranonce, client.reconnect (with and without host, port, wait), show_message, ping, get_version', () => {
    const x = message('{"id":null,"method":"mining.set_extranonce","params":["a1b2c3d4",4]}')
    expect(x.kind === 'set-extranonce' && bytesToHex(x.extranonce1) === 'a1b2c3d4' && x.extranonce2Size === 4).toBe(
      true
    )
    expect(message('{"id":null,"method":"client.reconnect","params":["relay2.example",3334,5]}')).toEqual({
      kind: 'reconnect',
      host: 'relay2.example',
      port: 3334,
      waitSeconds: 5
    })
    expect(message('{"id":null,"method":"client.reconnect","params":["", "3334", "0"]}')).toEqual({
      kind: 'reconnect',
      host: undefined,
      port: 3334,
      waitSeconds: 0
    })
    expect(message('{"id":null,"method":"client.reconnect","params":[]}')).toEqual({
      kind: 'reconnect',
      host: undefined,
      port: undefined,
      waitSeconds: 0
    })
    expect(reason('{"id":null,"method":"client.reconnect","params":["h",70000]}')).toMatch(/port/)
    expect(message('{"id":null,"method":"client.show_message","params":["fee 1 %"]}')).toEqual({
      kind: 'show-message',
      text: 'fee 1 %'
    })
    expect(message('{"id":"s1","method":"mining.ping","params":[]}')).toEqual({ kind: 'ping', id: 's1' })
    expect(message('{"id":7,"method":"client.get_version"}')).toEqual({ kind: 'get-version', id: 7 })
    expect(message('{"id":3,"method":"mining.set_version_mask","params":["1fffe000"]}')).toEqual({
      kind: 'other',
      id: 3,
      method: 'mining.set_version_mask'
    })
  })

  it('replies: result, and errors as [code, msg, data], {code, message} or a bare string', () => {
    expect(message('{"id":4,"result":true,"error":null}')).toEqual({
      kind: 'response',
      id: 4,
      result: true,
      error: null
    })
    expect(message('{"id":4,"result":null,"error":[23,"Low difficulty share",null]}')).toEqual({
      kind: 'response',
      id: 4,
      result: null,
      error: { code: 23, message: 'Low difficulty share' }
    })
    expect(message('{"id":4,"result":false,"error":{"code":21,"message":"Job not found"}}')).toEqual({
      kind: 'response',
      id: 4,
      result: false,
      error: { code: 21, message: 'Job not found' }
    })
    expect(message('{"id":4,"result":false,"error":"stale"}')).toEqual({
      kind: 'response',
      id: 4,
      result: false,
      error: { code: undefined, message: 'stale' }
    })
  })

  it('bad lines get a reason: not JSON, not an object, odd ids, params not an array, no method and no result', () => {
    expect(reason('{"id":1,')).toMatch(/JSON/)
    expect(reason('[1,2]')).toMatch(/object/)
    expect(reason('{"id":{},"result":true}')).toMatch(/id/)
    expect(reason('{"id":null,"method":"mining.notify","params":{}}')).toMatch(/array/)
    expect(reason('{"id":5}')).toMatch(/neither/)
  })
})

describe('subscribe reply and requests', () => {
  it('takes the notify subscription id from a list of pairs or from one pair', () => {
    const r = parseSubscribeResult([
      [
        ['mining.set_difficulty', 'd1'],
        ['mining.notify', 'ae6812eb4cd7735a302a8a9dd95cf71f']
      ],
      '08000002',
      4
    ])
    if (typeof r === 'string') throw new Error(r)
    expect(r.sessionId).toBe('ae6812eb4cd7735a302a8a9dd95cf71f')
    expect(bytesToHex(r.extranonce1)).toBe('08000002')
    expect(r.extranonce2Size).toBe(4)
    const single = parseSubscribeResult([['mining.notify', 'abc'], '01', 8])
    expect(typeof single !== 'string' && single.sessionId === 'abc').toBe(true)
    expect(parseSubscribeResult([[], 'zz', 4])).toMatch(/extranonce1/)
    expect(parseSubscribeResult([[], '00', '4'])).toMatch(/extranonce2_size/)
    expect(parseSubscribeResult(null)).toMatch(/subscribe result/)
  })

  it('requests are one JSON object per line', () => {
    expect(encodeRequest(4, 'mining.submit', ['u', 'j', '00000000', '6553f100', '00001a2b'])).toBe(
      '{"id":4,"method":"mining.submit","params":["u","j","00000000","6553f100","00001a2b"]}\n'
    )
  })
})
