// The sha256d kernels (SIMD and scalar) against an independent reference: @noble/hashes via shared/,
// on random headers, and on real Bitcoin headers whose nonces are known.
import { describe, expect, it } from 'vitest'
import { hexToBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { bitsToTarget, hashToBigInt, meetsTarget } from '@otedama/shared/primitives'
import { loadSha256dScanner } from '../src/miner/kernels/sha256d.node'
import { wasmSimdSupported } from '../src/miner/kernels/simd'
import { KernelInputError, NONCE_SPACE } from '../src/miner/kernels/types'

const RANDOM_HEADERS = 12
const NONCES_PER_HEADER = 2048
const KNOWN_NONCE_WINDOW = 1 << 14 // nonces scanned around a known one

// Bitcoin block 125552 (the worked example of the Bitcoin wiki's "Block hashing algorithm").
const BLOCK_125552 = hexToBytes(
  '01000000' +
    '81cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000' +
    'e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122b' +
    'c7f5d74d' +
    'f2b9441a' +
    '42a14695'
)
const BLOCK_125552_NONCE = 2504433986
const BLOCK_125552_BITS = 0x1a44b9f2
// Bitcoin genesis block.
const GENESIS = hexToBytes(
  '01000000' +
    '00'.repeat(32) +
    '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a' +
    '29ab5f49' +
    'ffff001d' +
    '1dac2b7c'
)
const GENESIS_NONCE = 2083236893
const GENESIS_BITS = 0x1d00ffff

function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n)
  crypto.getRandomValues(b)
  return b
}

function withNonce(header: Uint8Array, nonce: number): Uint8Array {
  const h = header.slice()
  new DataView(h.buffer).setUint32(76, nonce, true)
  return h
}

/** Brute force with the reference hash: every nonce in the range that meets the target. */
function referenceScan(header: Uint8Array, target: bigint, start: number, count: number): number[] {
  const out: number[] = []
  for (let n = start; n < start + count; n++) if (meetsTarget(sha256d(withNonce(header, n)), target)) out.push(n)
  return out
}

function randomStart(lanes: number, count: number): number {
  const r = new DataView(randomBytes(4).buffer).getUint32(0)
  return Math.min(r - (r % lanes), NONCE_SPACE - count)
}

describe.each([true, false])('sha256d kernel, simd=%s', (simd) => {
  it('finds the same nonces as a brute-force reference on random headers', async () => {
    const scanner = await loadSha256dScanner({ simd })
    for (let i = 0; i < RANDOM_HEADERS; i++) {
      const header = randomBytes(80)
      // Top word 2^28: about 1 nonce in 16 passes the kernel's check; random low words make the full
      // 256-bit compare in TypeScript reject some of those whose top word equals the target's.
      const target = (0x0fffffffn << 224n) | (hashToBigInt(randomBytes(32)) >> 32n)
      const start = i === 0 ? NONCE_SPACE - NONCES_PER_HEADER : randomStart(scanner.lanes, NONCES_PER_HEADER)
      scanner.setJob(header, target)
      const found = scanner.scan(start, NONCES_PER_HEADER)
      const expected = referenceScan(header, target, start, NONCES_PER_HEADER)
      expect(found.map((f) => f.nonce)).toEqual(expected)
      expect(expected.length).toBeGreaterThan(NONCES_PER_HEADER / 32)
      for (const f of found) expect(f.hash).toEqual(sha256d(withNonce(header, f.nonce)))
    }
  })

  it('compares the whole hash: a target equal to a hash passes, one less does not', async () => {
    const scanner = await loadSha256dScanner({ simd })
    const header = randomBytes(80)
    const nonce = 1000
    const hash = hashToBigInt(sha256d(withNonce(header, nonce)))
    scanner.setJob(header, hash)
    expect(scanner.scan(nonce, 8).map((f) => f.nonce)).toContain(nonce)
    scanner.setJob(header, hash - 1n)
    expect(scanner.scan(nonce, 8).map((f) => f.nonce)).not.toContain(nonce)
  })

  it.each([
    ['block 125552', BLOCK_125552, BLOCK_125552_NONCE, BLOCK_125552_BITS],
    ['genesis', GENESIS, GENESIS_NONCE, GENESIS_BITS]
  ])('finds the nonce of Bitcoin %s at its real target', async (_name, header, nonce, bits) => {
    const scanner = await loadSha256dScanner({ simd })
    const start = nonce - (nonce % KNOWN_NONCE_WINDOW)
    scanner.setJob(withNonce(header, 0), bitsToTarget(bits))
    const found = scanner.scan(start, KNOWN_NONCE_WINDOW)
    expect(found.map((f) => f.nonce)).toEqual([nonce])
    expect(found[0].hash).toEqual(sha256d(header))
  })

  it('rejects counts that are not a multiple of the lanes, ranges past 2^32 and scans before setJob', async () => {
    const scanner = await loadSha256dScanner({ simd })
    expect(() => scanner.scan(0, 4)).toThrow(KernelInputError)
    scanner.setJob(randomBytes(80), 1n << 250n)
    if (scanner.lanes > 1) expect(() => scanner.scan(0, scanner.lanes + 1)).toThrow(KernelInputError)
    expect(() => scanner.scan(NONCE_SPACE - 4, 8)).toThrow(KernelInputError)
    expect(() => scanner.setJob(new Uint8Array(79), 1n)).toThrow(KernelInputError)
  })
})

describe('SIMD detection', () => {
  it('reports SIMD on Node 20 (V8 has had it since 9.1) and loads the 4-lane kernel', async () => {
    expect(wasmSimdSupported()).toBe(true)
    const scanner = await loadSha256dScanner()
    expect(scanner.simd).toBe(true)
    expect(scanner.lanes).toBe(4)
  })
})
