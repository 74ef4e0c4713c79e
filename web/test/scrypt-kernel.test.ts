// The scrypt(1024, 1, 1) WASM kernels (SIMD and scalar builds) against the shared reference
// (@noble/hashes scrypt via @otedama/shared src/primitives/hash.ts) and Litecoin's genesis block.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { scryptPow } from '@otedama/shared/primitives'
import { blockHash, hashToDisplayHex, displayHexToHash } from '@otedama/shared/primitives'
import { bitsToTarget, meetsTarget } from '@otedama/shared/primitives'
import { SCRYPT_KERNEL_IMPORTS, SCRYPT_KERNEL_SCALAR, SCRYPT_KERNEL_SIMD } from '../src/miner/kernels/scrypt'
import { loadScryptScanner } from '../src/miner/kernels/scrypt.node'
import { KernelInputError, NONCE_OFFSET } from '../src/miner/kernels/types'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUILD_TIMEOUT_MS = 120_000

// Litecoin main-net genesis block (Litecoin Core chainparams.cpp). The merkle root is the
// double-SHA256 of the genesis coinbase; the block hash below proves these bytes are right.
const LTC_GENESIS = {
  version: 1,
  merkleRootDisplay: '97ddfbbae6be97fd6cdf3e7ca13232a3afff2353e29badfab7f73011edd4ced9',
  time: 0x4e8eaab9, // 1317972665
  bits: 0x1e0ffff0,
  nonce: 2084524493,
  blockHashDisplay: '12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2'
}

function litecoinGenesisHeader(): Uint8Array {
  const header = new Uint8Array(80)
  const view = new DataView(header.buffer)
  view.setUint32(0, LTC_GENESIS.version, true)
  header.set(displayHexToHash(LTC_GENESIS.merkleRootDisplay), 36) // prev hash (4..35) is all zero
  view.setUint32(68, LTC_GENESIS.time, true)
  view.setUint32(72, LTC_GENESIS.bits, true)
  view.setUint32(NONCE_OFFSET, LTC_GENESIS.nonce, true)
  return header
}

/** Deterministic bytes (xorshift32) so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let s = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    out[i] = s & 0xff
  }
  return out
}

function withNonce(header: Uint8Array, nonce: number): Uint8Array {
  const copy = header.slice()
  new DataView(copy.buffer).setUint32(NONCE_OFFSET, nonce, true)
  return copy
}

/** Every nonce in the range whose reference scrypt hash meets the target, with that hash. */
function referenceScan(header: Uint8Array, target: bigint, start: number, count: number) {
  const found: Array<{ nonce: number; hash: Uint8Array }> = []
  for (let nonce = start; nonce < start + count; nonce++) {
    const hash = scryptPow(withNonce(header, nonce))
    if (meetsTarget(hash, target)) found.push({ nonce, hash })
  }
  return found
}

beforeAll(() => {
  // Skips itself when the kernels are newer than their sources.
  execFileSync(process.execPath, [`${ROOT}/scripts/build-kernels.mjs`], { stdio: 'inherit' })
}, BUILD_TIMEOUT_MS)

describe.each([
  { name: SCRYPT_KERNEL_SIMD, simd: true },
  { name: SCRYPT_KERNEL_SCALAR, simd: false }
])('$name kernel', ({ simd }) => {
  it('finds the same nonces and hashes as the reference for random headers', async () => {
    const scanner = await loadScryptScanner({ simd })
    expect(scanner.algorithm).toBe('scrypt')
    expect(scanner.simd).toBe(simd)
    const target = 1n << 254n // about 1 hash in 4 meets it
    for (let h = 0; h < 3; h++) {
      const header = pseudoRandomBytes(80, 0x5eed + h)
      const start = (pseudoRandomBytes(4, h + 7)[0] << 20) + h * 1000
      const count = 8 * scanner.lanes
      scanner.setJob(header, target)
      const expected = referenceScan(header, target, start, count)
      expect(expected.length).toBeGreaterThan(0)
      expect(expected.length).toBeLessThan(count)
      expect(scanner.scan(start, count)).toEqual(expected)
    }
  })

  it('returns every nonce with its exact hash at the maximum target, up to the last nonce', async () => {
    const scanner = await loadScryptScanner({ simd })
    const header = pseudoRandomBytes(80, 0xabc)
    scanner.setJob(header, (1n << 256n) - 1n)
    const start = 2 ** 32 - 2 * scanner.lanes
    expect(scanner.scan(start, 2 * scanner.lanes)).toEqual(
      referenceScan(header, (1n << 256n) - 1n, start, 2 * scanner.lanes)
    )
  })

  it('finds the Litecoin genesis nonce at its real target', async () => {
    const header = litecoinGenesisHeader()
    expect(hashToDisplayHex(blockHash(header))).toBe(LTC_GENESIS.blockHashDisplay)
    const target = bitsToTarget(LTC_GENESIS.bits)
    const scanner = await loadScryptScanner({ simd })
    const start = LTC_GENESIS.nonce - 5 // the genesis nonce is not lane-aligned in this range
    const count = 12 // a multiple of 1 and 4 lanes
    scanner.setJob(header, target)
    const found = scanner.scan(start, count)
    expect(found.map((f) => f.nonce)).toContain(LTC_GENESIS.nonce)
    expect(found).toEqual(referenceScan(header, target, start, count))
  })

  it('rejects bad input with KernelInputError', async () => {
    const scanner = await loadScryptScanner({ simd })
    expect(() => scanner.scan(0, scanner.lanes)).toThrow(KernelInputError) // before setJob
    expect(() => scanner.setJob(new Uint8Array(79), 1n)).toThrow(KernelInputError)
    expect(() => scanner.setJob(new Uint8Array(80), 1n << 256n)).toThrow(KernelInputError)
    scanner.setJob(new Uint8Array(80), 1n)
    if (scanner.lanes > 1) expect(() => scanner.scan(0, scanner.lanes + 1)).toThrow(/multiple of/)
    expect(() => scanner.scan(2 ** 32 - scanner.lanes, 2 * scanner.lanes)).toThrow(KernelInputError)
    expect(() => scanner.scan(-1, scanner.lanes)).toThrow(KernelInputError)
  })
})

describe('scrypt SIMD kernel, long ranges', () => {
  it('splits a range longer than one kernel batch without losing or repeating nonces', async () => {
    const scanner = await loadScryptScanner({ simd: true })
    const header = pseudoRandomBytes(80, 0xb16)
    scanner.setJob(header, (1n << 256n) - 1n)
    const count = 4096 + 8 // one more kernel batch (MAX_BATCH in as/scrypt-pbkdf2.ts) plus 2 lane groups
    const found = scanner.scan(1000, count)
    expect(found.map((f) => f.nonce)).toEqual(Array.from({ length: count }, (_, i) => 1000 + i))
    for (const i of [0, 4095, 4096, count - 1]) expect(found[i].hash).toEqual(scryptPow(withNonce(header, 1000 + i)))
  })

  it('refuses, inside the kernel, a count that is not a whole number of lane groups', async () => {
    // The wrapper never sends one; the kernel must still not hash past the range or its result buffer.
    const bytes = readFileSync(`${ROOT}/web/src/miner/kernels/build/${SCRYPT_KERNEL_SIMD}.wasm`)
    const { instance } = await WebAssembly.instantiate(bytes, SCRYPT_KERNEL_IMPORTS)
    const scan = instance.exports.scan as (start: number, count: number) => number
    expect(scan(0, 6) >>> 0).toBe(0xffffffff)
    expect(scan(0, 4096 + 4) >>> 0).toBe(0xffffffff)
  })
})
