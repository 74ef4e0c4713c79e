// The PBKDF2-HMAC-SHA256 ends of scrypt for 4 nonces at once: lane h of every v128 belongs to
// nonce0 + h, the same layout as the SIMD ROMix, so B goes straight into the scratchpad's first
// entry and the ROMix output is read in place. Steps and their counts: see scrypt-pbkdf2.ts.
// Done in SIMD because the scalar version took ~8 % of a SIMD hash (Node 20); this one ~2 %.

import {
  HEADER_WORDS, KEY_MIDSTATE, IPAD, OPAD, PAD_BIT, KEY_MESSAGE_BITS, PBKDF2_1_INNER_BITS,
  PBKDF2_2_INNER_BITS, OUTER_BITS
} from './scrypt-pbkdf2'
import { SHA256_IV, SHA256_K } from './scrypt-sha256'

const WORD: usize = 16 // one SHA-256 word for 4 lanes

const W: usize = memory.data(64 * <i32>WORD, 16) // message schedule
const IV4: usize = memory.data(8 * <i32>WORD, 16)
const KEY_MID4: usize = memory.data(8 * <i32>WORD, 16) // per job: KEY_MIDSTATE in every lane
const HEADER4: usize = memory.data(16 * <i32>WORD, 16) // per job: header words 0..15 in every lane
const KEY4: usize = memory.data(8 * <i32>WORD, 16)
const INNER_MID4: usize = memory.data(8 * <i32>WORD, 16)
const U4: usize = memory.data(8 * <i32>WORD, 16)
const T4: usize = memory.data(8 * <i32>WORD, 16)
const BLOCK4: usize = memory.data(16 * <i32>WORD, 16)

for (let i: usize = 0; i < 8; i++) v128.store(IV4 + i * WORD, i32x4.splat(load<i32>(SHA256_IV + i * 4)))

// @ts-ignore: decorator
@inline function rotr4(v: v128, s: i32): v128 {
  return v128.or(i32x4.shr_u(v, s), i32x4.shl(v, 32 - s))
}

/** Byte-swaps each u32 lane: SHA-256 words are big-endian, Salsa20 words little-endian. */
// @ts-ignore: decorator
@inline function bswap4(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)
}

/** out[0..8] = compress(state[0..8], block[0..16]) in each lane; out may alias state. */
function sha256Compress4(out: usize, state: usize, block: usize): void {
  for (let t: usize = 0; t < 16; t++) v128.store(W + t * WORD, v128.load(block + t * WORD))
  for (let t: usize = 16; t < 64; t++) {
    const w15 = v128.load(W + (t - 15) * WORD)
    const w2 = v128.load(W + (t - 2) * WORD)
    const s0 = v128.xor(v128.xor(rotr4(w15, 7), rotr4(w15, 18)), i32x4.shr_u(w15, 3))
    const s1 = v128.xor(v128.xor(rotr4(w2, 17), rotr4(w2, 19)), i32x4.shr_u(w2, 10))
    const w = i32x4.add(i32x4.add(v128.load(W + (t - 16) * WORD), s0), i32x4.add(v128.load(W + (t - 7) * WORD), s1))
    v128.store(W + t * WORD, w)
  }
  let a = v128.load(state, 0)
  let b = v128.load(state, 16)
  let c = v128.load(state, 32)
  let d = v128.load(state, 48)
  let e = v128.load(state, 64)
  let f = v128.load(state, 80)
  let g = v128.load(state, 96)
  let h = v128.load(state, 112)
  for (let t: usize = 0; t < 64; t++) {
    const s1 = v128.xor(v128.xor(rotr4(e, 6), rotr4(e, 11)), rotr4(e, 25))
    const ch = v128.bitselect(f, g, e)
    const kw = i32x4.add(i32x4.splat(load<i32>(SHA256_K + t * 4)), v128.load(W + t * WORD))
    const t1 = i32x4.add(i32x4.add(h, s1), i32x4.add(ch, kw))
    const s0 = v128.xor(v128.xor(rotr4(a, 2), rotr4(a, 13)), rotr4(a, 22))
    const maj = v128.bitselect(a, b, v128.xor(b, c)) // (a & (b ^ c)) | (b & ~(b ^ c))
    h = g
    g = f
    f = e
    e = i32x4.add(d, t1)
    d = c
    c = b
    b = a
    a = i32x4.add(t1, i32x4.add(s0, maj))
  }
  v128.store(out, i32x4.add(v128.load(state, 0), a), 0)
  v128.store(out, i32x4.add(v128.load(state, 16), b), 16)
  v128.store(out, i32x4.add(v128.load(state, 32), c), 32)
  v128.store(out, i32x4.add(v128.load(state, 48), d), 48)
  v128.store(out, i32x4.add(v128.load(state, 64), e), 64)
  v128.store(out, i32x4.add(v128.load(state, 80), f), 80)
  v128.store(out, i32x4.add(v128.load(state, 96), g), 96)
  v128.store(out, i32x4.add(v128.load(state, 112), h), 112)
}

/** Per job, after prepareJob(): the header-only SHA-256 inputs in every lane. */
export function prepareJob4(): void {
  for (let i: usize = 0; i < 8; i++) v128.store(KEY_MID4 + i * WORD, i32x4.splat(load<i32>(KEY_MIDSTATE + i * 4)))
  for (let i: usize = 0; i < 16; i++) v128.store(HEADER4 + i * WORD, i32x4.splat(load<i32>(HEADER_WORDS + i * 4)))
}

// @ts-ignore: decorator
@inline function setWord(i: usize, v: v128): void {
  v128.store(BLOCK4 + i * WORD, v)
}

function clearBlock(from: usize): void {
  for (let i = from; i < 16; i++) setWord(i, i32x4.splat(0))
}

/** BLOCK4 = header bytes 64..79 with each lane's nonce, then `word4`. */
function headerTailBlock(nonces: v128, word4: u32): void {
  setWord(0, i32x4.splat(load<i32>(HEADER_WORDS, 64)))
  setWord(1, i32x4.splat(load<i32>(HEADER_WORDS, 68)))
  setWord(2, i32x4.splat(load<i32>(HEADER_WORDS, 72)))
  setWord(3, bswap4(nonces))
  setWord(4, i32x4.splat(word4))
}

/** BLOCK4 = the 8-word hash at `hash` + padding: the last block of an HMAC outer hash. */
function outerBlock(hash: usize): void {
  memory.copy(BLOCK4, hash, 8 * WORD)
  setWord(8, i32x4.splat(PAD_BIT))
  clearBlock(9)
  setWord(15, i32x4.splat(OUTER_BITS))
}

/**
 * First half of scrypt for nonces nonce0 .. nonce0+3: HMAC states (16 words x 4 lanes) to `hmac`,
 * the 32 ROMix input words to `outB + k * 16` (k = 0..31, lane h = nonce0 + h).
 */
export function pbkdf2Begin4(nonce0: u32, hmac: usize, outB: usize): void {
  const nonces = i32x4.add(i32x4.splat(nonce0), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0))
  headerTailBlock(nonces, PAD_BIT)
  clearBlock(5)
  setWord(15, i32x4.splat(KEY_MESSAGE_BITS))
  sha256Compress4(KEY4, KEY_MID4, BLOCK4)

  for (let i: usize = 0; i < 8; i++) setWord(i, v128.xor(v128.load(KEY4 + i * WORD), i32x4.splat(IPAD)))
  for (let i: usize = 8; i < 16; i++) setWord(i, i32x4.splat(IPAD))
  sha256Compress4(hmac, IV4, BLOCK4)
  for (let i: usize = 0; i < 8; i++) setWord(i, v128.xor(v128.load(KEY4 + i * WORD), i32x4.splat(OPAD)))
  for (let i: usize = 8; i < 16; i++) setWord(i, i32x4.splat(OPAD))
  sha256Compress4(hmac + 8 * WORD, IV4, BLOCK4)

  sha256Compress4(INNER_MID4, hmac, HEADER4)
  for (let i: u32 = 1; i <= 4; i++) {
    headerTailBlock(nonces, i) // INT(i), RFC 8018 §5.2
    setWord(5, i32x4.splat(PAD_BIT))
    clearBlock(6)
    setWord(15, i32x4.splat(PBKDF2_1_INNER_BITS))
    sha256Compress4(U4, INNER_MID4, BLOCK4)
    outerBlock(U4)
    sha256Compress4(T4, hmac + 8 * WORD, BLOCK4)
    const base = outB + <usize>(i - 1) * 8 * WORD
    for (let k: usize = 0; k < 8; k++) v128.store(base + k * WORD, bswap4(v128.load(T4 + k * WORD)))
  }
}

/** Second half: the scrypt hashes of ROMix output `inX` (32 v128 words) as 8 SHA-256 words x 4 lanes. */
export function pbkdf2End4(hmac: usize, inX: usize, out: usize): void {
  for (let k: usize = 0; k < 16; k++) setWord(k, bswap4(v128.load(inX + k * WORD)))
  sha256Compress4(U4, hmac, BLOCK4)
  for (let k: usize = 0; k < 16; k++) setWord(k, bswap4(v128.load(inX + (16 + k) * WORD)))
  sha256Compress4(U4, U4, BLOCK4)
  setWord(0, i32x4.splat(1)) // INT(1)
  setWord(1, i32x4.splat(PAD_BIT))
  clearBlock(2)
  setWord(15, i32x4.splat(PBKDF2_2_INNER_BITS))
  sha256Compress4(U4, U4, BLOCK4)
  outerBlock(U4)
  sha256Compress4(out, hmac + 8 * WORD, BLOCK4)
}
