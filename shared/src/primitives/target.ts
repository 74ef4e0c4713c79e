// Compact "bits" <-> 256-bit target <-> difficulty, and exact integer PoW comparisons.
// Targets and work are bigint; only difficulty (a human/Stratum figure) is a float.
import { DecodeError } from './bytes'

/** Largest 256-bit value. */
export const MAX_TARGET = (1n << 256n) - 1n

/**
 * Bitcoin difficulty 1 (the genesis target, bits 0x1d00ffff): 0x00000000ffff0000...0000 = 0xffff * 2^208.
 * Stratum sha256d difficulty is measured against this.
 */
export const DIFF1_TARGET_SHA256D = 0xffffn << 208n

/**
 * Scrypt Stratum scale: miners and pools (cgminer, every scrypt pool) read difficulty 2^16 easier,
 * difficulty 1 = 0x0000ffff0000...0000 = 0xffff * 2^224.
 */
export const DIFF1_TARGET_SCRYPT = DIFF1_TARGET_SHA256D << 16n

const COMPACT_MANTISSA_MASK = 0x007fffff
const COMPACT_SIGN_BIT = 0x00800000

/**
 * Decodes compact bits (Bitcoin Core arith_uint256::SetCompact). Negative, overflowing (> 256 bits)
 * and zero targets are rejected: no valid header can carry them (Core's CheckProofOfWork).
 */
export function bitsToTarget(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) {
    throw new DecodeError('bits-range', `compact bits must be a uint32, got ${bits}`)
  }
  const exponent = bits >>> 24
  // As Core: small exponents shift the mantissa right first; sign and overflow look at what remains.
  const word = exponent <= 3 ? (bits & COMPACT_MANTISSA_MASK) >>> (8 * (3 - exponent)) : bits & COMPACT_MANTISSA_MASK
  if (word !== 0 && (bits & COMPACT_SIGN_BIT) !== 0) {
    throw new DecodeError('bits-negative', `compact bits 0x${hex8(bits)} encode a negative target`)
  }
  if (word !== 0 && (exponent > 34 || (word > 0xff && exponent > 33) || (word > 0xffff && exponent > 32))) {
    throw new DecodeError('bits-overflow', `compact bits 0x${hex8(bits)} overflow 256 bits`)
  }
  const target = exponent <= 3 ? BigInt(word) : BigInt(word) << BigInt(8 * (exponent - 3))
  if (target === 0n) throw new DecodeError('bits-zero', `compact bits 0x${hex8(bits)} encode a zero target`)
  return target
}

/** Canonical compact encoding (Bitcoin Core arith_uint256::GetCompact); lossy below the top 3 bytes. */
export function targetToBits(target: bigint): number {
  if (target <= 0n || target > MAX_TARGET) throw new RangeError(`target out of range (1..2^256-1): ${target}`)
  let size = byteLength(target)
  let compact = size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)))
  // The mantissa's top bit is a sign bit: move to a larger exponent rather than set it.
  if (compact & COMPACT_SIGN_BIT) {
    compact >>>= 8
    size++
  }
  return ((size << 24) | compact) >>> 0
}

/** A 32-byte hash read as a little-endian 256-bit number (how Bitcoin compares hashes with targets). */
export function hashToBigInt(hash32: Uint8Array): bigint {
  if (hash32.length !== 32) throw new RangeError(`hash must be 32 bytes, got ${hash32.length}`)
  const v = new DataView(hash32.buffer, hash32.byteOffset, 32)
  return (
    (v.getBigUint64(24, true) << 192n) |
    (v.getBigUint64(16, true) << 128n) |
    (v.getBigUint64(8, true) << 64n) |
    v.getBigUint64(0, true)
  )
}

/** Inverse of hashToBigInt: a 256-bit number as 32 little-endian bytes. */
export function bigIntToHash(n: bigint): Uint8Array {
  if (n < 0n || n > MAX_TARGET) throw new RangeError(`value out of 256-bit range: ${n}`)
  const out = new Uint8Array(32)
  const v = new DataView(out.buffer)
  const mask = (1n << 64n) - 1n
  for (let i = 0; i < 4; i++) v.setBigUint64(8 * i, (n >> BigInt(64 * i)) & mask, true)
  return out
}

/** Exact PoW check: the hash, as a number, is at most the target (equal passes). */
export function meetsTarget(hash32: Uint8Array, target: bigint): boolean {
  return hashToBigInt(hash32) <= target
}

/** Expected hashes to find a hash <= target: floor(2^256 / (target + 1)), as Bitcoin Core's GetBlockProof. */
export function targetToWork(target: bigint): bigint {
  if (target < 0n || target > MAX_TARGET) throw new RangeError(`target out of range: ${target}`)
  return (1n << 256n) / (target + 1n)
}

/**
 * target = floor(diff1Target / difficulty), computed exactly from the float's binary value
 * (difficulty = m * 2^e, m an integer), so powers of two and difficulties below 1 are exact.
 * Results above 2^256-1 clamp to MAX_TARGET (every hash passes).
 */
export function difficultyToTarget(difficulty: number, diff1Target: bigint): bigint {
  if (!Number.isFinite(difficulty) || difficulty <= 0) {
    throw new RangeError(`difficulty must be a finite number > 0, got ${difficulty}`)
  }
  const { mantissa, exponent } = decomposeDouble(difficulty)
  const target =
    exponent >= 0 ? diff1Target / (mantissa << BigInt(exponent)) : (diff1Target << BigInt(-exponent)) / mantissa
  if (target === 0n) throw new RangeError(`difficulty ${difficulty} is too high: target would be 0`)
  return target > MAX_TARGET ? MAX_TARGET : target
}

/** diff1Target / target as a float (for display and Stratum; never for consensus). */
export function targetToDifficulty(target: bigint, diff1Target: bigint): number {
  if (target <= 0n) throw new RangeError(`target must be > 0, got ${target}`)
  // Both fit a double's range (< 2^1024); each conversion rounds to 53 significant bits.
  return Number(diff1Target) / Number(target)
}

function byteLength(n: bigint): number {
  return n === 0n ? 0 : Math.ceil(n.toString(16).length / 2)
}

/** Exact binary decomposition of a positive finite double: value = mantissa * 2^exponent. */
function decomposeDouble(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  const biased = (hi >>> 20) & 0x7ff
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  // IEEE 754 binary64: normal numbers have an implicit leading 1; bias 1023, 52 fraction bits.
  if (biased === 0) return { mantissa: fraction, exponent: -1074 }
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0')
}
