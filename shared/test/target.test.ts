import { describe, expect, it } from 'vitest'
import { DecodeError } from '../src/primitives/bytes'
import {
  DIFF1_TARGET_SCRYPT,
  DIFF1_TARGET_SHA256D,
  MAX_TARGET,
  bigIntToHash,
  bitsToTarget,
  difficultyToTarget,
  hashToBigInt,
  meetsTarget,
  targetToBits,
  targetToDifficulty,
  targetToWork
} from '../src/primitives/target'

const hex64 = (n: bigint) => n.toString(16).padStart(64, '0')

function decodeErrorCode(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof DecodeError) return e.code
    throw e
  }
  throw new Error('expected a DecodeError')
}

describe('compact bits -> target', () => {
  it('decodes chain targets', () => {
    // Bitcoin genesis / difficulty 1.
    expect(hex64(bitsToTarget(0x1d00ffff))).toBe('00000000ffff0000000000000000000000000000000000000000000000000000')
    expect(bitsToTarget(0x1d00ffff)).toBe(DIFF1_TARGET_SHA256D)
    // Litecoin genesis bits.
    expect(hex64(bitsToTarget(0x1e0ffff0))).toBe('00000ffff0000000000000000000000000000000000000000000000000000000')
    // Regtest powLimit bits.
    expect(hex64(bitsToTarget(0x207fffff))).toBe('7fffff0000000000000000000000000000000000000000000000000000000000')
    expect(hex64(bitsToTarget(0x1b0404cb))).toBe('00000000000404cb000000000000000000000000000000000000000000000000')
  })

  it('matches Bitcoin Core arith_uint256 SetCompact/GetCompact vectors', () => {
    const vectors: Array<[number, bigint, number]> = [
      [0x01123456, 0x12n, 0x01120000],
      [0x02123456, 0x1234n, 0x02123400],
      [0x03123456, 0x123456n, 0x03123456],
      [0x04123456, 0x12345600n, 0x04123456],
      [0x05009234, 0x92340000n, 0x05009234],
      [0x20123456, 0x123456n << 232n, 0x20123456]
    ]
    for (const [bits, target, compact] of vectors) {
      expect(bitsToTarget(bits)).toBe(target)
      expect(targetToBits(target)).toBe(compact)
    }
    // A mantissa with its top (sign) bit set moves up one exponent.
    expect(targetToBits(0x80n)).toBe(0x02008000)
  })

  it('rejects negative targets', () => {
    expect(decodeErrorCode(() => bitsToTarget(0x04923456))).toBe('bits-negative')
    expect(decodeErrorCode(() => bitsToTarget(0x01fedcba))).toBe('bits-negative')
    expect(decodeErrorCode(() => bitsToTarget(0x1d80ffff))).toBe('bits-negative')
  })

  it('rejects targets overflowing 256 bits, accepting the largest that fit', () => {
    for (const bits of [0xff123456, 0x23000001, 0x22000100, 0x21010000]) {
      expect(decodeErrorCode(() => bitsToTarget(bits))).toBe('bits-overflow')
    }
    expect(bitsToTarget(0x22000001)).toBe(1n << 248n)
    expect(bitsToTarget(0x2100ffff)).toBe(0xffffn << 240n)
    expect(bitsToTarget(0x207fffff) < MAX_TARGET).toBe(true)
  })

  it('rejects zero targets and non-uint32 input', () => {
    for (const bits of [0, 0x00123456, 0x01003456, 0x02000056, 0x03000000, 0x04000000, 0x01803456]) {
      expect(decodeErrorCode(() => bitsToTarget(bits))).toBe('bits-zero')
    }
    for (const bits of [-1, 2 ** 32, 1.5]) expect(decodeErrorCode(() => bitsToTarget(bits))).toBe('bits-range')
  })

  it('round-trips canonical bits', () => {
    for (const bits of [
      0x1d00ffff, 0x1e0ffff0, 0x207fffff, 0x1a44b9f2, 0x1b04864c, 0x17053894, 0x2100ffff, 0x03008000
    ]) {
      expect(targetToBits(bitsToTarget(bits))).toBe(bits)
    }
    expect(targetToBits(MAX_TARGET)).toBe(0x2100ffff)
    expect(() => targetToBits(0n)).toThrow(RangeError)
    expect(() => targetToBits(MAX_TARGET + 1n)).toThrow(RangeError)
  })
})

describe('hash as a number, exact comparisons', () => {
  it('reads hashes little-endian', () => {
    const one = new Uint8Array(32)
    one[0] = 1
    expect(hashToBigInt(one)).toBe(1n)
    const top = new Uint8Array(32)
    top[31] = 0x80
    expect(hashToBigInt(top)).toBe(1n << 255n)
    const n = 0x0123456789abcdef_fedcba9876543210_0011223344556677_8899aabbccddeeffn
    expect(hashToBigInt(bigIntToHash(n))).toBe(n)
  })

  it('a hash equal to the target passes; target + 1 fails', () => {
    for (const target of [DIFF1_TARGET_SHA256D, DIFF1_TARGET_SCRYPT, bitsToTarget(0x1a44b9f2), 1n, MAX_TARGET - 1n]) {
      expect(meetsTarget(bigIntToHash(target), target)).toBe(true)
      expect(meetsTarget(bigIntToHash(target + 1n), target)).toBe(false)
      expect(meetsTarget(bigIntToHash(target - 1n), target)).toBe(true)
    }
    expect(meetsTarget(bigIntToHash(MAX_TARGET), MAX_TARGET)).toBe(true)
  })
})

describe('work', () => {
  it('difficulty-1 work is 0x100010001 (Bitcoin genesis chainwork)', () => {
    expect(targetToWork(DIFF1_TARGET_SHA256D)).toBe(0x100010001n)
    expect(targetToWork(MAX_TARGET)).toBe(1n)
    expect(targetToWork(0n)).toBe(1n << 256n)
  })
})

describe('difficulty', () => {
  it('difficulty 1 on both Stratum scales', () => {
    expect(difficultyToTarget(1, DIFF1_TARGET_SHA256D)).toBe(0xffffn << 208n)
    expect(hex64(difficultyToTarget(1, DIFF1_TARGET_SCRYPT))).toBe(
      '0000ffff00000000000000000000000000000000000000000000000000000000'
    )
    // The scrypt scale is 2^16 easier: scrypt difficulty 1 is sha256d-scale difficulty 1/65536.
    expect(difficultyToTarget(1 / 65536, DIFF1_TARGET_SHA256D)).toBe(DIFF1_TARGET_SCRYPT)
    expect(targetToDifficulty(DIFF1_TARGET_SCRYPT, DIFF1_TARGET_SHA256D)).toBe(1 / 65536)
  })

  it('is exact for powers of two, above and below 1, both ways', () => {
    // 2^-32 is the easiest power of two whose sha256d-scale target (0xffff << 240) still fits 256 bits.
    for (let k = -32; k <= 40; k++) {
      const difficulty = 2 ** k
      const expected = k >= 0 ? DIFF1_TARGET_SHA256D >> BigInt(k) : DIFF1_TARGET_SHA256D << BigInt(-k)
      expect(difficultyToTarget(difficulty, DIFF1_TARGET_SHA256D)).toBe(expected)
      expect(targetToDifficulty(expected, DIFF1_TARGET_SHA256D)).toBe(difficulty)
    }
  })

  it('handles difficulties below 1 such as 0.001', () => {
    const target = difficultyToTarget(0.001, DIFF1_TARGET_SHA256D)
    const ideal = DIFF1_TARGET_SHA256D * 1000n
    // 0.001 is not exact in binary: the target is floor(diff1 / double(0.001)), within 1e-15 of diff1 * 1000.
    const relativeError = Number(target > ideal ? target - ideal : ideal - target) / Number(ideal)
    expect(relativeError).toBeLessThan(1e-15)
    expect(targetToDifficulty(target, DIFF1_TARGET_SHA256D)).toBeCloseTo(0.001, 15)
  })

  it('matches published block difficulties', () => {
    // Bitcoin block 100000 (bits 0x1b04864c) and 125552 (bits 0x1a44b9f2).
    expect(targetToDifficulty(bitsToTarget(0x1b04864c), DIFF1_TARGET_SHA256D)).toBeCloseTo(14484.1623612254, 6)
    expect(targetToDifficulty(bitsToTarget(0x1a44b9f2), DIFF1_TARGET_SHA256D)).toBeCloseTo(244112.48777434, 5)
  })

  it('round-trips arbitrary difficulties closely', () => {
    for (const d of [3.7, 1234.5, 0.25, 0.0371, 65536.5, 1e9, 1e-4]) {
      const back = targetToDifficulty(difficultyToTarget(d, DIFF1_TARGET_SCRYPT), DIFF1_TARGET_SCRYPT)
      expect(Math.abs(back - d) / d).toBeLessThan(1e-12)
    }
  })

  it('clamps tiny difficulties to the maximum target and rejects nonsense', () => {
    expect(difficultyToTarget(1e-80, DIFF1_TARGET_SHA256D)).toBe(MAX_TARGET)
    for (const d of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => difficultyToTarget(d, DIFF1_TARGET_SHA256D)).toThrow(RangeError)
    }
    expect(() => difficultyToTarget(1e300, DIFF1_TARGET_SHA256D)).toThrow(RangeError)
    expect(() => targetToDifficulty(0n, DIFF1_TARGET_SHA256D)).toThrow(RangeError)
  })
})
