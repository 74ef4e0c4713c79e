// Header assembly from a notify, extranonce1/2, ntime and nonce, in the byte order pools expect:
// checked against a real block (Bitcoin 881 423, mined through Stratum), against the relay's own
// Stratum job and submit code, and field by field on Bitcoin block 125 552.
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { blockHash, decodeHeader, displayHexToHash, hashToDisplayHex } from '@otedama/shared/primitives'
import { DIFF1_TARGET_SCRYPT, DIFF1_TARGET_SHA256D, MAX_TARGET } from '@otedama/shared/primitives'
import { Job, WorkEpoch, stratumPrevHash } from '../../relay/src/stratum/jobs'
import { checkSubmit, parseSubmitParams } from '../../relay/src/stratum/submit'
import { makeTestWork } from '../../relay/test/stratum/work'
import { parsePoolLine, type NotifyParams } from '../src/stratum-messages'
import {
  extranonce2Bytes,
  extranonce2Space,
  headerOf,
  hex32,
  merkleRootOf,
  rigJob,
  stratumDiff1Target,
  submitParams,
  type RigJob
} from '../src/work'

/**
 * Bitcoin block 881 423 (0000…6cdd, 2025-01-30), found through a Stratum pool: its coinbase in the
 * non-witness form Stratum hashes, split around 4 + 4 extranonce bytes at scriptSig offset 9, its
 * 11-step coinbase merkle branch, and its header fields, all read from the block itself.
 */
const BLOCK_881423 = {
  hash: '0000000000000000000269d52c24ea451225613aab095d90d771d4e29aa96cdd',
  merkleRoot: '2d62cfdf6b3470f7c870e8a4be8fbf58dfbbeee2ccb03e6d01b5b8f1353af676', // display order
  prevHash: '00000000000000000001543bc4d2b5e1434cb64af8995e21fe15ca708a6ac9e3', // display order
  coinb1: '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff3d030f730d000469c19a67',
  extranonce1: '04830cee',
  extranonce2: '220cf1ad',
  coinb2:
    '9a67b6600000000000000a41706f6c6c6f192f6d696e65642062792032353620466f756e646174696f6e2fffffffff0275aac01200000000160014c64b1b9283ba1ea86bb9e7b696b0c8f68dad04000000000000000000266a24aa21a9edb395560ab72068c2afb1d7e6c7db26b813482089d2c4d2471b9036c5e826140600000000',
  coinbaseTxid: 'c43ad0446d8d30d10023e0bfa26fb8f383d61b6bf04bdecf8d164a767d51d234',
  branch: [
    '4282357ab0a2f4e8e562c8c5eae1d63b559068f9072374b72e26b88ac841908f',
    'c2bbae90d06f8025ade3516ca2e42d79318b6e56fccb9609df85a654a8341068',
    'cbb30084acbcb5ce6d5436e853bc612466df0c00702be6f51d47072f1a5d0480',
    'bb092e533f70b79246fc9e4bdc9b81ac8332e56f2651e3b237a150d6d807b081',
    '0d32959988733447cb340326a1fe4d3c2cff5d636e32a4e08c3fc5a234f6f6bc',
    '8ba3477940924a90067cff3dd30bc46916cf4c2f73fb6229b8f8197b83b6ddb9',
    '3fe97cc5dec1cddd66c9d3780888c145c12418590cd983c4871b1bf03fabbf9e',
    'bd1c6a3bcd0ebaa0eca54d9c802540f312c7705435601d776b4f59bb52cff67d',
    '8638c10190b8f4f558bafdbb57f46226c349a83f229f431143ae75e425fb5cbd',
    '6d6f4eae41cccb21a7c97ac496d9f89b8a4f772389b76f7691519dda38264221',
    '82dad7a1e2613af0e61f77f03d6208c83e72f917dade4235cc35e37ee3ad6e3f'
  ],
  version: 0x2e596000,
  nbits: 0x17029a8a,
  ntime: 0x679ac169,
  nonce: 0xff05fb02
}

/** The notify a pool sends for a job: prevhash with each 4-byte word byte-reversed, u32s as BE hex. */
function notifyLine(jobId: string, b: typeof BLOCK_881423, clean = true): string {
  const prevWords = stratumPrevHash(displayHexToHash(b.prevHash))
  return JSON.stringify({
    id: null,
    method: 'mining.notify',
    params: [jobId, prevWords, b.coinb1, b.coinb2, b.branch, hex32(b.version), hex32(b.nbits), hex32(b.ntime), clean]
  })
}

function parseNotify(line: string): NotifyParams {
  const parsed = parsePoolLine(line)
  if (!parsed.ok || parsed.message.kind !== 'notify') throw new Error(`not a notify: ${JSON.stringify(parsed)}`)
  return parsed.message.job
}

/** The extranonce2 counter value whose little-endian bytes are `hex`. */
function counterOf(hex: string): number {
  return new DataView(hexToBytes(hex).buffer).getUint32(0, true)
}

describe('header assembly against Bitcoin block 881423', () => {
  const job = rigJob(
    1,
    parseNotify(notifyLine('b881423', BLOCK_881423)),
    { extranonce1: hexToBytes(BLOCK_881423.extranonce1), extranonce2Size: 4 },
    1,
    'sha256d'
  )
  const xn2 = extranonce2Bytes(counterOf(BLOCK_881423.extranonce2), 4)

  it('rebuilds the coinbase txid and the merkle root from coinb1 + extranonce1 + extranonce2 + coinb2 and the branch', () => {
    expect(bytesToHex(xn2)).toBe(BLOCK_881423.extranonce2)
    const coinbase = hexToBytes(
      BLOCK_881423.coinb1 + BLOCK_881423.extranonce1 + BLOCK_881423.extranonce2 + BLOCK_881423.coinb2
    )
    expect(hashToDisplayHex(sha256d(coinbase))).toBe(BLOCK_881423.coinbaseTxid)
    expect(hashToDisplayHex(merkleRootOf(job, xn2))).toBe(BLOCK_881423.merkleRoot)
  })

  it('builds the block header that hashes to the published block hash', () => {
    const header = headerOf(job, xn2, BLOCK_881423.nonce)
    expect(hashToDisplayHex(blockHash(header))).toBe(BLOCK_881423.hash)
    const fields = decodeHeader(header)
    expect(fields.version).toBe(BLOCK_881423.version)
    expect(hashToDisplayHex(fields.prevHash)).toBe(BLOCK_881423.prevHash)
    expect(fields.time).toBe(BLOCK_881423.ntime)
    expect(fields.bits).toBe(BLOCK_881423.nbits)
    expect(fields.nonce).toBe(BLOCK_881423.nonce)
  })

  it('submits the 5 standard params with big-endian hex ntime and nonce', () => {
    expect(submitParams('addr.worker', job, xn2, BLOCK_881423.nonce)).toEqual([
      'addr.worker',
      'b881423',
      '220cf1ad',
      '679ac169',
      'ff05fb02'
    ])
  })

  it('a different extranonce2 or nonce gives another header (the nonce sits at bytes 76..79, little-endian)', () => {
    const other = headerOf(job, extranonce2Bytes(counterOf(BLOCK_881423.extranonce2) + 1, 4), BLOCK_881423.nonce)
    expect(hashToDisplayHex(blockHash(other))).not.toBe(BLOCK_881423.hash)
    const header = headerOf(job, xn2, 0x04030201)
    expect([...header.subarray(76)]).toEqual([1, 2, 3, 4])
  })
})

describe('header fields against Bitcoin block 125552', () => {
  // Fields as in shared/test/header.test.ts; its coinbase is not needed for the field order.
  const fields = {
    version: 1,
    prevHash: '00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81',
    time: 1305998791,
    bits: 0x1a44b9f2,
    nonce: 2504433986
  }

  it('reads version, nbits and ntime as big-endian hex and undoes the prevhash word swap', () => {
    const notify = parseNotify(
      JSON.stringify({
        id: null,
        method: 'mining.notify',
        params: [
          'j',
          stratumPrevHash(displayHexToHash(fields.prevHash)),
          '',
          '',
          [],
          '00000001',
          '1a44b9f2',
          hex32(fields.time),
          false
        ]
      })
    )
    expect(notify.version).toBe(1)
    expect(notify.nbits).toBe(fields.bits)
    expect(notify.ntime).toBe(fields.time)
    expect(hashToDisplayHex(notify.prevHash)).toBe(fields.prevHash)
    expect(notify.clean).toBe(false)
    const job = rigJob(1, notify, { extranonce1: new Uint8Array(4), extranonce2Size: 4 }, 1, 'sha256d')
    const header = headerOf(job, new Uint8Array(4), fields.nonce)
    // The raw header of block 125552 starts 01000000 81cd02ab… and ends c7f5d74d f2b9441a 42a14695.
    expect(bytesToHex(header.subarray(0, 8))).toBe('0100000081cd02ab')
    expect(bytesToHex(header.subarray(68))).toBe('c7f5d74df2b9441a42a14695')
    expect(submitParams('u', job, new Uint8Array(4), fields.nonce).slice(3)).toEqual(['4dd7f5c7', '9546a142'])
  })
})

describe("against the relay's own Stratum job and submit code", () => {
  it('the relay rebuilds exactly our header from our submit, for several extranonce2 and nonce values', () => {
    const work = makeTestWork({ txCount: 7 })
    const epoch = new WorkEpoch(1, work, Date.now(), work.time)
    const job: Job = epoch.jobFor(new Uint8Array(22).fill(7), false, () => 'abc123')
    const extranonce1 = hexToBytes('0a0b0c0d')
    const rig: RigJob = rigJob(
      5,
      parseNotify(job.notifyLine(true).trim()),
      { extranonce1, extranonce2Size: 4 },
      1,
      'sha256d'
    )
    for (const [counter, nonce] of [
      [0, 0],
      [1, 0x12345678],
      [0x01020304, 0xffffffff],
      [77, 5]
    ]) {
      const xn2 = extranonce2Bytes(counter, 4)
      const params = submitParams('u', rig, xn2, nonce)
      const parsed = parseSubmitParams(params, 4)
      if ('error' in parsed) throw new Error(parsed.error)
      const verdict = checkSubmit(
        {
          pow: 'sha256d',
          extranonce1,
          versionMask: 0,
          difficulty: 1,
          target: MAX_TARGET,
          jobs: new Map([[job.id, { job, difficulty: 1, target: MAX_TARGET, submits: new Set() }]]),
          shareTipGraceMs: 5000,
          sameTipJobExpiryMs: 120_000,
          nowMs: Date.now()
        },
        parsed
      )
      if ('reject' in verdict) throw new Error(verdict.message)
      expect(bytesToHex(verdict.header)).toBe(bytesToHex(headerOf(rig, xn2, nonce)))
    }
  })
})

describe('extranonce2, difficulty and hex helpers', () => {
  it('extranonce2 is a little-endian counter padded to its size, refused when it does not fit', () => {
    expect(bytesToHex(extranonce2Bytes(1, 4))).toBe('01000000')
    expect(bytesToHex(extranonce2Bytes(0x0102, 2))).toBe('0201')
    expect(bytesToHex(extranonce2Bytes(0xdeadbeef, 8))).toBe('efbeadde00000000')
    expect(extranonce2Space(2)).toBe(65_536)
    expect(extranonce2Space(8)).toBe(2 ** 32)
    expect(() => extranonce2Bytes(65_536, 2)).toThrow(RangeError)
  })

  it('difficulty 1 is 0xffff << 208 for sha256d and 2^16 easier for scrypt; below 1 is easier still', () => {
    expect(stratumDiff1Target('sha256d')).toBe(DIFF1_TARGET_SHA256D)
    expect(stratumDiff1Target('scrypt')).toBe(DIFF1_TARGET_SCRYPT)
    const notify = parseNotify(notifyLine('d', BLOCK_881423))
    const session = { extranonce1: new Uint8Array(4), extranonce2Size: 4 }
    expect(rigJob(1, notify, session, 1, 'sha256d').target).toBe(0xffffn << 208n)
    expect(rigJob(1, notify, session, 1, 'scrypt').target).toBe(0xffffn << 224n)
    expect(rigJob(1, notify, session, 2 ** -10, 'sha256d').target).toBe(0xffffn << 218n)
  })

  it('u32s are 8 lowercase big-endian hex digits, zero-padded', () => {
    expect(hex32(0x1a2b)).toBe('00001a2b')
    expect(hex32(0xffffffff)).toBe('ffffffff')
  })
})
