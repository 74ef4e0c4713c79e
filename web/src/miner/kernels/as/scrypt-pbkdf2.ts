// The PBKDF2-HMAC-SHA256 ends of scrypt(N=1024, r=1, p=1, dkLen=32) with password = salt = the
// 80-byte block header (RFC 7914 §6), shared by the scalar and SIMD kernels, plus the job buffers
// (header, target, results) both kernels expose to JavaScript.
//
// Per nonce this costs 16 SHA-256 compressions:
//   1  key     = SHA256(header)           (the 80-byte password exceeds the 64-byte HMAC block;
//                                          its first block is a per-job midstate, so 1 not 2)
//   2  istate/ostate = IV ∘ (key ^ ipad), IV ∘ (key ^ opad)
//   9  B = PBKDF2(header, header, 1, 128) (inner: header block 0 once + 4 tails; outer: 4)
//   4  out = PBKDF2(header, B', 1, 32)    (inner: 2 blocks of B' + tail; outer: 1)
// Word convention: see scrypt-sha256.ts. Salsa20/ROMix words are little-endian byte loads,
// so moving between the two is a bswap per word.

import { sha256Compress, SHA256_IV } from './scrypt-sha256'

export const HEADER_BYTES: usize = 80
export const HASH_BYTES: usize = 32
/** Nonces per `scan` call at most; the JS wrapper splits larger ranges. */
export const MAX_BATCH: u32 = 4096
/** scan's answer to a count it cannot take (above MAX_BATCH or not a multiple of the lanes). */
export const BAD_COUNT: u32 = 0xffffffff
/** A result record: nonce (u32 LE) then the 32-byte scrypt hash. */
export const RESULT_BYTES: usize = 4 + HASH_BYTES

export const HEADER: usize = memory.data(<i32>HEADER_BYTES, 16)
/** 256-bit share target as 8 little-endian u32 limbs, least significant first. */
export const TARGET: usize = memory.data(<i32>HASH_BYTES, 16)
export const RESULTS: usize = heap.alloc(<usize>MAX_BATCH * RESULT_BYTES)

/** The header as 20 big-endian SHA-256 words (word 19, the nonce, is replaced per nonce). */
export const HEADER_WORDS: usize = memory.data(20 * 4, 16)
export const KEY_MIDSTATE: usize = memory.data(8 * 4, 16) // SHA256 state after header bytes 0..63
const KEY: usize = memory.data(8 * 4, 16)
const INNER_MID: usize = memory.data(8 * 4, 16) // istate after header bytes 0..63
const U: usize = memory.data(8 * 4, 16)
const T: usize = memory.data(8 * 4, 16)
const BLOCK: usize = memory.data(16 * 4, 16)

export const IPAD: u32 = 0x36363636 // RFC 2104
export const OPAD: u32 = 0x5c5c5c5c
export const PAD_BIT: u32 = 0x80000000 // FIPS 180-4 §5.1.1 padding: a 1 bit after the message
export const KEY_MESSAGE_BITS: u32 = 80 * 8 // SHA256(header)
export const PBKDF2_1_INNER_BITS: u32 = (64 + 80 + 4) * 8 // ipad block + header + INT(i)
export const PBKDF2_2_INNER_BITS: u32 = (64 + 128 + 4) * 8 // ipad block + B' + INT(1)
export const OUTER_BITS: u32 = (64 + 32) * 8 // opad block + inner hash

/** Per-job work: header words and the midstate of its first 64 bytes (the same for every nonce). */
export function prepareJob(): void {
  for (let i: usize = 0; i < 20; i++) store<u32>(HEADER_WORDS + i * 4, bswap<u32>(load<u32>(HEADER + i * 4)))
  sha256Compress(KEY_MIDSTATE, SHA256_IV, HEADER_WORDS)
}

function clearBlock(from: usize): void {
  for (let i = from; i < 16; i++) store<u32>(BLOCK + i * 4, 0)
}

/** BLOCK = header bytes 64..79 (nonce replaced) followed by `word4`. */
function headerTailBlock(nonce: u32, word4: u32): void {
  store<u32>(BLOCK, load<u32>(HEADER_WORDS, 64))
  store<u32>(BLOCK, load<u32>(HEADER_WORDS, 68), 4)
  store<u32>(BLOCK, load<u32>(HEADER_WORDS, 72), 8)
  store<u32>(BLOCK, bswap<u32>(nonce), 12)
  store<u32>(BLOCK, word4, 16)
}

/** BLOCK = the 32-byte hash at `hash` + padding, the last block of an HMAC outer hash. */
function outerBlock(hash: usize): void {
  memory.copy(BLOCK, hash, 32)
  store<u32>(BLOCK, PAD_BIT, 32)
  clearBlock(9)
  store<u32>(BLOCK, OUTER_BITS, 60)
}

/**
 * First half of scrypt for one nonce: writes the HMAC states (16 words) to `hmac` and the
 * 32 ROMix input words B to `outB + k * stride` (k = 0..31), so SIMD callers can interleave lanes.
 */
export function pbkdf2Begin(nonce: u32, hmac: usize, outB: usize, stride: usize): void {
  headerTailBlock(nonce, PAD_BIT)
  clearBlock(5)
  store<u32>(BLOCK, KEY_MESSAGE_BITS, 60)
  sha256Compress(KEY, KEY_MIDSTATE, BLOCK)

  for (let i: usize = 0; i < 8; i++) store<u32>(BLOCK + i * 4, load<u32>(KEY + i * 4) ^ IPAD)
  for (let i: usize = 8; i < 16; i++) store<u32>(BLOCK + i * 4, IPAD)
  sha256Compress(hmac, SHA256_IV, BLOCK)
  for (let i: usize = 0; i < 8; i++) store<u32>(BLOCK + i * 4, load<u32>(KEY + i * 4) ^ OPAD)
  for (let i: usize = 8; i < 16; i++) store<u32>(BLOCK + i * 4, OPAD)
  sha256Compress(hmac + 32, SHA256_IV, BLOCK)

  sha256Compress(INNER_MID, hmac, HEADER_WORDS)
  for (let i: u32 = 1; i <= 4; i++) {
    headerTailBlock(nonce, i) // INT(i), RFC 8018 §5.2
    store<u32>(BLOCK, PAD_BIT, 20)
    clearBlock(6)
    store<u32>(BLOCK, PBKDF2_1_INNER_BITS, 60)
    sha256Compress(U, INNER_MID, BLOCK)
    outerBlock(U)
    sha256Compress(T, hmac + 32, BLOCK)
    const base = outB + <usize>(i - 1) * 8 * stride
    for (let k: usize = 0; k < 8; k++) store<u32>(base + k * stride, bswap<u32>(load<u32>(T + k * 4)))
  }
}

/** Second half: the scrypt hash of ROMix output words `inX + k * stride`, as 8 SHA-256 words. */
export function pbkdf2End(hmac: usize, inX: usize, stride: usize, out: usize): void {
  for (let k: usize = 0; k < 16; k++) store<u32>(BLOCK + k * 4, bswap<u32>(load<u32>(inX + k * stride)))
  sha256Compress(U, hmac, BLOCK)
  for (let k: usize = 0; k < 16; k++) store<u32>(BLOCK + k * 4, bswap<u32>(load<u32>(inX + (16 + k) * stride)))
  sha256Compress(U, U, BLOCK)
  store<u32>(BLOCK, 1) // INT(1)
  store<u32>(BLOCK, PAD_BIT, 4)
  clearBlock(2)
  store<u32>(BLOCK, PBKDF2_2_INNER_BITS, 60)
  sha256Compress(U, U, BLOCK)
  outerBlock(U)
  sha256Compress(out, hmac + 32, BLOCK)
}

/**
 * Appends (nonce, hash) to the results when the hash (8 SHA-256 words at `hash + k * stride`), read
 * as a 256-bit little-endian number, is <= TARGET. Returns the new result count.
 */
export function recordIfMeets(nonce: u32, hash: usize, stride: usize, found: u32): u32 {
  for (let i: i32 = 7; i >= 0; i--) {
    const h = bswap<u32>(load<u32>(hash + <usize>i * stride))
    const t = load<u32>(TARGET + <usize>i * 4)
    if (h < t) break
    if (h > t) return found
  }
  const rec = RESULTS + <usize>found * RESULT_BYTES
  store<u32>(rec, nonce)
  for (let i: usize = 0; i < 8; i++) store<u32>(rec + 4 + i * 4, bswap<u32>(load<u32>(hash + i * stride)))
  return found + 1
}
