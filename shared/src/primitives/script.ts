// Output-script templates and minimal pushes (Bitcoin Core script/script.h semantics).
import { concatBytes } from './bytes'

/** Bitcoin Core MAX_SCRIPT_SIZE (script/script.h): 10 000 bytes. */
export const MAX_SCRIPT_BYTES = 10_000
/** Largest payload a single push opcode may carry here (OP_PUSHDATA4 is never needed below the script limit). */
export const MAX_PUSH_BYTES = MAX_SCRIPT_BYTES

export const OP_0 = 0x00
export const OP_PUSHDATA1 = 0x4c
export const OP_PUSHDATA2 = 0x4d
export const OP_1NEGATE = 0x4f
export const OP_1 = 0x51
export const OP_16 = 0x60
export const OP_RETURN = 0x6a
export const OP_DUP = 0x76
export const OP_EQUAL = 0x87
export const OP_EQUALVERIFY = 0x88
export const OP_HASH160 = 0xa9
export const OP_CHECKSIG = 0xac

/** BIP141/BIP341 witness programs are 2..40 bytes; version 0 only 20 (P2WPKH) or 32 (P2WSH). */
const WITNESS_PROGRAM_MIN_BYTES = 2
const WITNESS_PROGRAM_MAX_BYTES = 40

/**
 * The shortest push of `data` (Core's CheckMinimalPush): empty -> OP_0, one byte 1..16 -> OP_1..OP_16,
 * 0x81 -> OP_1NEGATE, up to 75 bytes a direct length, then OP_PUSHDATA1/2.
 */
export function pushData(data: Uint8Array): Uint8Array {
  const n = data.length
  if (n > MAX_PUSH_BYTES) throw new RangeError(`push of ${n} bytes exceeds ${MAX_PUSH_BYTES}`)
  if (n === 0) return Uint8Array.of(OP_0)
  if (n === 1 && data[0] >= 1 && data[0] <= 16) return Uint8Array.of(OP_1 + data[0] - 1)
  if (n === 1 && data[0] === 0x81) return Uint8Array.of(OP_1NEGATE)
  if (n <= 75) return concatBytes(Uint8Array.of(n), data)
  if (n <= 0xff) return concatBytes(Uint8Array.of(OP_PUSHDATA1, n), data)
  return concatBytes(Uint8Array.of(OP_PUSHDATA2, n & 0xff, n >> 8), data)
}

/** Minimal CScriptNum encoding (little-endian sign-magnitude; 0 is empty). Not a push: wrap with pushData. */
export function scriptNumber(n: number | bigint): Uint8Array {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`script number must be an integer: ${n}`)
  let v = BigInt(n)
  if (v === 0n) return new Uint8Array(0)
  const negative = v < 0n
  if (negative) v = -v
  const out: number[] = []
  while (v > 0n) {
    out.push(Number(v & 0xffn))
    v >>= 8n
  }
  // The top bit of the last byte is the sign: add a byte when the magnitude already uses it.
  if (out[out.length - 1] & 0x80) out.push(negative ? 0x80 : 0x00)
  else if (negative) out[out.length - 1] |= 0x80
  return Uint8Array.from(out)
}

function expectLength(b: Uint8Array, n: number, what: string): void {
  if (b.length !== n) throw new RangeError(`${what} must be ${n} bytes, got ${b.length}`)
}

/** OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG */
export function p2pkhScript(hash20: Uint8Array): Uint8Array {
  expectLength(hash20, 20, 'P2PKH key hash')
  return concatBytes(Uint8Array.of(OP_DUP, OP_HASH160, 20), hash20, Uint8Array.of(OP_EQUALVERIFY, OP_CHECKSIG))
}

/** OP_HASH160 <20> OP_EQUAL (BIP16) */
export function p2shScript(hash20: Uint8Array): Uint8Array {
  expectLength(hash20, 20, 'P2SH script hash')
  return concatBytes(Uint8Array.of(OP_HASH160, 20), hash20, Uint8Array.of(OP_EQUAL))
}

/** OP_<version> <program> (BIP141). */
export function witnessProgramScript(version: number, program: Uint8Array): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > 16) {
    throw new RangeError(`witness version must be 0..16, got ${version}`)
  }
  const n = program.length
  if (n < WITNESS_PROGRAM_MIN_BYTES || n > WITNESS_PROGRAM_MAX_BYTES) {
    throw new RangeError(
      `witness program must be ${WITNESS_PROGRAM_MIN_BYTES}..${WITNESS_PROGRAM_MAX_BYTES} bytes, got ${n}`
    )
  }
  if (version === 0 && n !== 20 && n !== 32) throw new RangeError(`witness v0 program must be 20 or 32 bytes, got ${n}`)
  return concatBytes(Uint8Array.of(version === 0 ? OP_0 : OP_1 + version - 1, n), program)
}

/** OP_0 <20> (BIP141 P2WPKH) */
export function p2wpkhScript(hash20: Uint8Array): Uint8Array {
  expectLength(hash20, 20, 'P2WPKH key hash')
  return witnessProgramScript(0, hash20)
}

/** OP_0 <32> (BIP141 P2WSH) */
export function p2wshScript(hash32: Uint8Array): Uint8Array {
  expectLength(hash32, 32, 'P2WSH script hash')
  return witnessProgramScript(0, hash32)
}

/** OP_1 <32> (BIP341 P2TR, x-only output key) */
export function p2trScript(xonly32: Uint8Array): Uint8Array {
  expectLength(xonly32, 32, 'P2TR output key')
  return witnessProgramScript(1, xonly32)
}

/** OP_RETURN <data>: a provably unspendable data carrier. */
export function opReturnScript(data: Uint8Array): Uint8Array {
  const script = concatBytes(Uint8Array.of(OP_RETURN), pushData(data))
  if (script.length > MAX_SCRIPT_BYTES) throw new RangeError(`OP_RETURN script exceeds ${MAX_SCRIPT_BYTES} bytes`)
  return script
}
