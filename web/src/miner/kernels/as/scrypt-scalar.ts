// scrypt(1024, 1, 1) nonce scan, scalar: the fallback for engines without WebAssembly SIMD.
// One hash at a time; ROMix (RFC 7914 §5) with an unrolled Salsa20/8 core (§3) on 16 locals.

import {
  HEADER, TARGET, RESULTS, MAX_BATCH, BAD_COUNT, prepareJob, pbkdf2Begin, pbkdf2End, recordIfMeets
} from './scrypt-pbkdf2'

const N: usize = 1024 // scrypt cost parameter
const BLOCK_BYTES: usize = 128 // 2 * r * 64
const LANES: u32 = 1

const V: usize = heap.alloc(N * BLOCK_BYTES)
const X: usize = memory.data(<i32>BLOCK_BYTES, 16)
const HMAC: usize = memory.data(64, 16)
const HASH: usize = memory.data(32, 16)

// @ts-ignore: decorator
@inline function qr(a: u32, b: u32, s: u32): u32 {
  return rotl<u32>(a + b, s)
}

/** b[0..16] = Salsa20/8(b ^ c), words at byte addresses b and c. */
function salsaXor(b: usize, c: usize): void {
  let x0 = load<u32>(b, 0) ^ load<u32>(c, 0)
  let x1 = load<u32>(b, 4) ^ load<u32>(c, 4)
  let x2 = load<u32>(b, 8) ^ load<u32>(c, 8)
  let x3 = load<u32>(b, 12) ^ load<u32>(c, 12)
  let x4 = load<u32>(b, 16) ^ load<u32>(c, 16)
  let x5 = load<u32>(b, 20) ^ load<u32>(c, 20)
  let x6 = load<u32>(b, 24) ^ load<u32>(c, 24)
  let x7 = load<u32>(b, 28) ^ load<u32>(c, 28)
  let x8 = load<u32>(b, 32) ^ load<u32>(c, 32)
  let x9 = load<u32>(b, 36) ^ load<u32>(c, 36)
  let x10 = load<u32>(b, 40) ^ load<u32>(c, 40)
  let x11 = load<u32>(b, 44) ^ load<u32>(c, 44)
  let x12 = load<u32>(b, 48) ^ load<u32>(c, 48)
  let x13 = load<u32>(b, 52) ^ load<u32>(c, 52)
  let x14 = load<u32>(b, 56) ^ load<u32>(c, 56)
  let x15 = load<u32>(b, 60) ^ load<u32>(c, 60)
  for (let round = 0; round < 4; round++) { // 4 double rounds = Salsa20/8
    // columns
    x4 ^= qr(x0, x12, 7); x8 ^= qr(x4, x0, 9); x12 ^= qr(x8, x4, 13); x0 ^= qr(x12, x8, 18)
    x9 ^= qr(x5, x1, 7); x13 ^= qr(x9, x5, 9); x1 ^= qr(x13, x9, 13); x5 ^= qr(x1, x13, 18)
    x14 ^= qr(x10, x6, 7); x2 ^= qr(x14, x10, 9); x6 ^= qr(x2, x14, 13); x10 ^= qr(x6, x2, 18)
    x3 ^= qr(x15, x11, 7); x7 ^= qr(x3, x15, 9); x11 ^= qr(x7, x3, 13); x15 ^= qr(x11, x7, 18)
    // rows
    x1 ^= qr(x0, x3, 7); x2 ^= qr(x1, x0, 9); x3 ^= qr(x2, x1, 13); x0 ^= qr(x3, x2, 18)
    x6 ^= qr(x5, x4, 7); x7 ^= qr(x6, x5, 9); x4 ^= qr(x7, x6, 13); x5 ^= qr(x4, x7, 18)
    x11 ^= qr(x10, x9, 7); x8 ^= qr(x11, x10, 9); x9 ^= qr(x8, x11, 13); x10 ^= qr(x9, x8, 18)
    x12 ^= qr(x15, x14, 7); x13 ^= qr(x12, x15, 9); x14 ^= qr(x13, x12, 13); x15 ^= qr(x14, x13, 18)
  }
  // Salsa20 adds the input back; reloading it frees 16 registers.
  store<u32>(b, x0 + (load<u32>(b, 0) ^ load<u32>(c, 0)), 0)
  store<u32>(b, x1 + (load<u32>(b, 4) ^ load<u32>(c, 4)), 4)
  store<u32>(b, x2 + (load<u32>(b, 8) ^ load<u32>(c, 8)), 8)
  store<u32>(b, x3 + (load<u32>(b, 12) ^ load<u32>(c, 12)), 12)
  store<u32>(b, x4 + (load<u32>(b, 16) ^ load<u32>(c, 16)), 16)
  store<u32>(b, x5 + (load<u32>(b, 20) ^ load<u32>(c, 20)), 20)
  store<u32>(b, x6 + (load<u32>(b, 24) ^ load<u32>(c, 24)), 24)
  store<u32>(b, x7 + (load<u32>(b, 28) ^ load<u32>(c, 28)), 28)
  store<u32>(b, x8 + (load<u32>(b, 32) ^ load<u32>(c, 32)), 32)
  store<u32>(b, x9 + (load<u32>(b, 36) ^ load<u32>(c, 36)), 36)
  store<u32>(b, x10 + (load<u32>(b, 40) ^ load<u32>(c, 40)), 40)
  store<u32>(b, x11 + (load<u32>(b, 44) ^ load<u32>(c, 44)), 44)
  store<u32>(b, x12 + (load<u32>(b, 48) ^ load<u32>(c, 48)), 48)
  store<u32>(b, x13 + (load<u32>(b, 52) ^ load<u32>(c, 52)), 52)
  store<u32>(b, x14 + (load<u32>(b, 56) ^ load<u32>(c, 56)), 56)
  store<u32>(b, x15 + (load<u32>(b, 60) ^ load<u32>(c, 60)), 60)
}

/** BlockMix_{Salsa20/8, r=1} in place (RFC 7914 §4): X0 = S(X0 ^ X1); X1 = S(X1 ^ X0). */
// @ts-ignore: decorator
@inline function blockMix(x: usize): void {
  salsaXor(x, x + 64)
  salsaXor(x + 64, x)
}

function roMix(): void {
  for (let i: usize = 0; i < N; i++) {
    memory.copy(V + i * BLOCK_BYTES, X, BLOCK_BYTES)
    blockMix(X)
  }
  for (let i: usize = 0; i < N; i++) {
    const vj = V + (<usize>load<u32>(X, 64) & (N - 1)) * BLOCK_BYTES // Integerify: word 16
    for (let k: usize = 0; k < BLOCK_BYTES; k += 8) store<u64>(X + k, load<u64>(X + k) ^ load<u64>(vj + k))
    blockMix(X)
  }
}

export function headerPtr(): usize { return HEADER }
export function targetPtr(): usize { return TARGET }
export function resultsPtr(): usize { return RESULTS }
export function maxBatch(): u32 { return MAX_BATCH }
export function lanes(): u32 { return LANES }
export function setJob(): void { prepareJob() }

/** Hashes nonces start .. start+count-1 (count <= MAX_BATCH); returns how many met the target, or BAD_COUNT. */
export function scan(start: u32, count: u32): u32 {
  if (count > MAX_BATCH || count % LANES != 0) return BAD_COUNT // a partial lane group would overrun
  let found: u32 = 0
  for (let i: u32 = 0; i < count; i++) {
    const nonce = start + i
    pbkdf2Begin(nonce, HMAC, X, 4)
    roMix()
    pbkdf2End(HMAC, X, 4, HASH)
    found = recordIfMeets(nonce, HASH, 4, found)
  }
  return found
}
