// The 80-byte block header (Bitcoin and Litecoin share the layout).
import { ByteReader, ByteWriter, DecodeError, bytesToHex, hexToBytes, reverseBytes } from './bytes'
import { sha256d } from './hash'

export const HEADER_BYTES = 80
export const HASH_BYTES = 32

/** Hashes (prevHash, merkleRoot) are in internal byte order, as sha256d outputs them. */
export interface BlockHeader {
  /** int32 in consensus; version-rolling miners set high bits, so it is kept as a signed 32-bit number. */
  version: number
  prevHash: Uint8Array
  merkleRoot: Uint8Array
  /** Unix seconds, uint32. */
  time: number
  /** Compact target, uint32. */
  bits: number
  /** uint32. */
  nonce: number
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  if (h.prevHash.length !== HASH_BYTES) throw new RangeError(`prevHash must be ${HASH_BYTES} bytes`)
  if (h.merkleRoot.length !== HASH_BYTES) throw new RangeError(`merkleRoot must be ${HASH_BYTES} bytes`)
  const w = new ByteWriter(HEADER_BYTES)
  // Accept the version as either signed or unsigned 32-bit; it serializes to the same 4 bytes.
  w.i32le(h.version | 0)
  w.bytes(h.prevHash).bytes(h.merkleRoot).u32le(h.time).u32le(h.bits).u32le(h.nonce)
  return w.finish()
}

/** Decodes exactly 80 bytes; any other length is a DecodeError. */
export function decodeHeader(b: Uint8Array): BlockHeader {
  if (b.length !== HEADER_BYTES) {
    throw new DecodeError('header-length', `block header must be ${HEADER_BYTES} bytes, got ${b.length}`)
  }
  const r = new ByteReader(b)
  const header: BlockHeader = {
    version: r.i32le(),
    prevHash: r.bytes(HASH_BYTES),
    merkleRoot: r.bytes(HASH_BYTES),
    time: r.u32le(),
    bits: r.u32le(),
    nonce: r.u32le()
  }
  r.expectEnd()
  return header
}

/** Block hash (= share id) in internal byte order. */
export function blockHash(header80: Uint8Array): Uint8Array {
  if (header80.length !== HEADER_BYTES) {
    throw new DecodeError('header-length', `block header must be ${HEADER_BYTES} bytes, got ${header80.length}`)
  }
  return sha256d(header80)
}

/** Reversed hex, as block explorers and RPCs display hashes. */
export function hashToDisplayHex(hash32: Uint8Array): string {
  return bytesToHex(reverseBytes(hash32))
}

/** Parses explorer/RPC display hex (64 hex chars) into internal byte order. */
export function displayHexToHash(hex: string): Uint8Array {
  if (hex.length !== HASH_BYTES * 2) {
    throw new DecodeError('hash-length', `hash hex must be ${HASH_BYTES * 2} characters, got ${hex.length}`)
  }
  return reverseBytes(hexToBytes(hex))
}
