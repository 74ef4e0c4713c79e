// scrypt(1024, 1, 1) nonce scan with WebAssembly SIMD: 4 nonces in the 4 u32 lanes of each v128
// ("cross-hash" layout: v128 number k holds ROMix word k of all 4 hashes), so Salsa20/8 runs as
// plain lane-wise adds, xors and shift-rotates with no shuffles.
//
// Scratchpad V is lane-interleaved too: entry i is 32 v128 (512 bytes), written with whole-vector
// stores in ROMix's first loop. In the second loop each lane reads its own random entry, gathered
// with v128.load32_lane.
//
// Measured (bench/scrypt*.bench.ts, this 2-vCPU machine under load from other jobs, so as ratios to
// hash-wasm's scrypt in the same run): x6.8 in Chromium 156, x7.3 in Node 20 (a throwaway 4-lane probe
// did x4.2 and x5.2). What moved it, each vs the previous step (Node, paired medians):
// reloading Salsa20's input for the final add instead of keeping 16 more v128 live, plus the 4 double
// rounds written out: +12 %; PBKDF2 in 4-lane SIMD (scrypt-pbkdf2-simd.ts): +3 %. Tried and dropped:
// gathering with 64-bit scalar loads (-9 %), scalar xors (-8 %), load32_zero + 2 shuffles (-2 %),
// rotate as two xors instead of or + xor (+-0). The gather costs ~12 % (a layout-uniform read was
// that much faster), the PBKDF2 ends ~2 %; the rest is Salsa20/8.

import { HEADER, TARGET, RESULTS, MAX_BATCH, BAD_COUNT, prepareJob, recordIfMeets } from './scrypt-pbkdf2'
import { prepareJob4, pbkdf2Begin4, pbkdf2End4 } from './scrypt-pbkdf2-simd'

const N: usize = 1024 // scrypt cost parameter
const LANES: u32 = 4
const LANE_BYTES: usize = 4
const WORD_BYTES: usize = 16 // one ROMix word for 4 lanes
const ENTRY_BYTES: usize = 32 * WORD_BYTES // 128-byte ROMix block x 4 lanes

const V: usize = heap.alloc(N * ENTRY_BYTES)
const X: usize = memory.data(<i32>ENTRY_BYTES, 16)
const HMAC: usize = memory.data(16 * <i32>WORD_BYTES, 16) // istate, ostate: 8 words each x 4 lanes
const HASH: usize = memory.data(8 * <i32>WORD_BYTES, 16)

// @ts-ignore: decorator
@inline function rotl4(v: v128, s: i32): v128 {
  return v128.or(i32x4.shl(v, s), i32x4.shr_u(v, 32 - s))
}

/**
 * out[0..16] = Salsa20/8(a ^ b) (RFC 7914 §3), 16 v128 words each; out may alias a or b.
 * The 4 double rounds are written out: unrolled measured +5 % over a loop (Node 20).
 */
function salsa4(out: usize, a: usize, b: usize): void {
  let x0 = v128.xor(v128.load(a, 0), v128.load(b, 0))
  let x1 = v128.xor(v128.load(a, 16), v128.load(b, 16))
  let x2 = v128.xor(v128.load(a, 32), v128.load(b, 32))
  let x3 = v128.xor(v128.load(a, 48), v128.load(b, 48))
  let x4 = v128.xor(v128.load(a, 64), v128.load(b, 64))
  let x5 = v128.xor(v128.load(a, 80), v128.load(b, 80))
  let x6 = v128.xor(v128.load(a, 96), v128.load(b, 96))
  let x7 = v128.xor(v128.load(a, 112), v128.load(b, 112))
  let x8 = v128.xor(v128.load(a, 128), v128.load(b, 128))
  let x9 = v128.xor(v128.load(a, 144), v128.load(b, 144))
  let x10 = v128.xor(v128.load(a, 160), v128.load(b, 160))
  let x11 = v128.xor(v128.load(a, 176), v128.load(b, 176))
  let x12 = v128.xor(v128.load(a, 192), v128.load(b, 192))
  let x13 = v128.xor(v128.load(a, 208), v128.load(b, 208))
  let x14 = v128.xor(v128.load(a, 224), v128.load(b, 224))
  let x15 = v128.xor(v128.load(a, 240), v128.load(b, 240))
  // double round 1 of 4: columns
  x4 = v128.xor(x4, rotl4(i32x4.add(x0, x12), 7))
  x9 = v128.xor(x9, rotl4(i32x4.add(x5, x1), 7))
  x14 = v128.xor(x14, rotl4(i32x4.add(x10, x6), 7))
  x3 = v128.xor(x3, rotl4(i32x4.add(x15, x11), 7))
  x8 = v128.xor(x8, rotl4(i32x4.add(x4, x0), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x9, x5), 9))
  x2 = v128.xor(x2, rotl4(i32x4.add(x14, x10), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x3, x15), 9))
  x12 = v128.xor(x12, rotl4(i32x4.add(x8, x4), 13))
  x1 = v128.xor(x1, rotl4(i32x4.add(x13, x9), 13))
  x6 = v128.xor(x6, rotl4(i32x4.add(x2, x14), 13))
  x11 = v128.xor(x11, rotl4(i32x4.add(x7, x3), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x12, x8), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x1, x13), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x6, x2), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x11, x7), 18))
  // rows
  x1 = v128.xor(x1, rotl4(i32x4.add(x0, x3), 7))
  x6 = v128.xor(x6, rotl4(i32x4.add(x5, x4), 7))
  x11 = v128.xor(x11, rotl4(i32x4.add(x10, x9), 7))
  x12 = v128.xor(x12, rotl4(i32x4.add(x15, x14), 7))
  x2 = v128.xor(x2, rotl4(i32x4.add(x1, x0), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x6, x5), 9))
  x8 = v128.xor(x8, rotl4(i32x4.add(x11, x10), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x12, x15), 9))
  x3 = v128.xor(x3, rotl4(i32x4.add(x2, x1), 13))
  x4 = v128.xor(x4, rotl4(i32x4.add(x7, x6), 13))
  x9 = v128.xor(x9, rotl4(i32x4.add(x8, x11), 13))
  x14 = v128.xor(x14, rotl4(i32x4.add(x13, x12), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x3, x2), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x4, x7), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x9, x8), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x14, x13), 18))
  // double round 2 of 4: columns
  x4 = v128.xor(x4, rotl4(i32x4.add(x0, x12), 7))
  x9 = v128.xor(x9, rotl4(i32x4.add(x5, x1), 7))
  x14 = v128.xor(x14, rotl4(i32x4.add(x10, x6), 7))
  x3 = v128.xor(x3, rotl4(i32x4.add(x15, x11), 7))
  x8 = v128.xor(x8, rotl4(i32x4.add(x4, x0), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x9, x5), 9))
  x2 = v128.xor(x2, rotl4(i32x4.add(x14, x10), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x3, x15), 9))
  x12 = v128.xor(x12, rotl4(i32x4.add(x8, x4), 13))
  x1 = v128.xor(x1, rotl4(i32x4.add(x13, x9), 13))
  x6 = v128.xor(x6, rotl4(i32x4.add(x2, x14), 13))
  x11 = v128.xor(x11, rotl4(i32x4.add(x7, x3), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x12, x8), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x1, x13), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x6, x2), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x11, x7), 18))
  // rows
  x1 = v128.xor(x1, rotl4(i32x4.add(x0, x3), 7))
  x6 = v128.xor(x6, rotl4(i32x4.add(x5, x4), 7))
  x11 = v128.xor(x11, rotl4(i32x4.add(x10, x9), 7))
  x12 = v128.xor(x12, rotl4(i32x4.add(x15, x14), 7))
  x2 = v128.xor(x2, rotl4(i32x4.add(x1, x0), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x6, x5), 9))
  x8 = v128.xor(x8, rotl4(i32x4.add(x11, x10), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x12, x15), 9))
  x3 = v128.xor(x3, rotl4(i32x4.add(x2, x1), 13))
  x4 = v128.xor(x4, rotl4(i32x4.add(x7, x6), 13))
  x9 = v128.xor(x9, rotl4(i32x4.add(x8, x11), 13))
  x14 = v128.xor(x14, rotl4(i32x4.add(x13, x12), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x3, x2), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x4, x7), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x9, x8), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x14, x13), 18))
  // double round 3 of 4: columns
  x4 = v128.xor(x4, rotl4(i32x4.add(x0, x12), 7))
  x9 = v128.xor(x9, rotl4(i32x4.add(x5, x1), 7))
  x14 = v128.xor(x14, rotl4(i32x4.add(x10, x6), 7))
  x3 = v128.xor(x3, rotl4(i32x4.add(x15, x11), 7))
  x8 = v128.xor(x8, rotl4(i32x4.add(x4, x0), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x9, x5), 9))
  x2 = v128.xor(x2, rotl4(i32x4.add(x14, x10), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x3, x15), 9))
  x12 = v128.xor(x12, rotl4(i32x4.add(x8, x4), 13))
  x1 = v128.xor(x1, rotl4(i32x4.add(x13, x9), 13))
  x6 = v128.xor(x6, rotl4(i32x4.add(x2, x14), 13))
  x11 = v128.xor(x11, rotl4(i32x4.add(x7, x3), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x12, x8), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x1, x13), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x6, x2), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x11, x7), 18))
  // rows
  x1 = v128.xor(x1, rotl4(i32x4.add(x0, x3), 7))
  x6 = v128.xor(x6, rotl4(i32x4.add(x5, x4), 7))
  x11 = v128.xor(x11, rotl4(i32x4.add(x10, x9), 7))
  x12 = v128.xor(x12, rotl4(i32x4.add(x15, x14), 7))
  x2 = v128.xor(x2, rotl4(i32x4.add(x1, x0), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x6, x5), 9))
  x8 = v128.xor(x8, rotl4(i32x4.add(x11, x10), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x12, x15), 9))
  x3 = v128.xor(x3, rotl4(i32x4.add(x2, x1), 13))
  x4 = v128.xor(x4, rotl4(i32x4.add(x7, x6), 13))
  x9 = v128.xor(x9, rotl4(i32x4.add(x8, x11), 13))
  x14 = v128.xor(x14, rotl4(i32x4.add(x13, x12), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x3, x2), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x4, x7), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x9, x8), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x14, x13), 18))
  // double round 4 of 4: columns
  x4 = v128.xor(x4, rotl4(i32x4.add(x0, x12), 7))
  x9 = v128.xor(x9, rotl4(i32x4.add(x5, x1), 7))
  x14 = v128.xor(x14, rotl4(i32x4.add(x10, x6), 7))
  x3 = v128.xor(x3, rotl4(i32x4.add(x15, x11), 7))
  x8 = v128.xor(x8, rotl4(i32x4.add(x4, x0), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x9, x5), 9))
  x2 = v128.xor(x2, rotl4(i32x4.add(x14, x10), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x3, x15), 9))
  x12 = v128.xor(x12, rotl4(i32x4.add(x8, x4), 13))
  x1 = v128.xor(x1, rotl4(i32x4.add(x13, x9), 13))
  x6 = v128.xor(x6, rotl4(i32x4.add(x2, x14), 13))
  x11 = v128.xor(x11, rotl4(i32x4.add(x7, x3), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x12, x8), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x1, x13), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x6, x2), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x11, x7), 18))
  // rows
  x1 = v128.xor(x1, rotl4(i32x4.add(x0, x3), 7))
  x6 = v128.xor(x6, rotl4(i32x4.add(x5, x4), 7))
  x11 = v128.xor(x11, rotl4(i32x4.add(x10, x9), 7))
  x12 = v128.xor(x12, rotl4(i32x4.add(x15, x14), 7))
  x2 = v128.xor(x2, rotl4(i32x4.add(x1, x0), 9))
  x7 = v128.xor(x7, rotl4(i32x4.add(x6, x5), 9))
  x8 = v128.xor(x8, rotl4(i32x4.add(x11, x10), 9))
  x13 = v128.xor(x13, rotl4(i32x4.add(x12, x15), 9))
  x3 = v128.xor(x3, rotl4(i32x4.add(x2, x1), 13))
  x4 = v128.xor(x4, rotl4(i32x4.add(x7, x6), 13))
  x9 = v128.xor(x9, rotl4(i32x4.add(x8, x11), 13))
  x14 = v128.xor(x14, rotl4(i32x4.add(x13, x12), 13))
  x0 = v128.xor(x0, rotl4(i32x4.add(x3, x2), 18))
  x5 = v128.xor(x5, rotl4(i32x4.add(x4, x7), 18))
  x10 = v128.xor(x10, rotl4(i32x4.add(x9, x8), 18))
  x15 = v128.xor(x15, rotl4(i32x4.add(x14, x13), 18))
  // Salsa20 adds the input back; reloading it costs loads, not registers.
  v128.store(out, i32x4.add(x0, v128.xor(v128.load(a, 0), v128.load(b, 0))), 0)
  v128.store(out, i32x4.add(x1, v128.xor(v128.load(a, 16), v128.load(b, 16))), 16)
  v128.store(out, i32x4.add(x2, v128.xor(v128.load(a, 32), v128.load(b, 32))), 32)
  v128.store(out, i32x4.add(x3, v128.xor(v128.load(a, 48), v128.load(b, 48))), 48)
  v128.store(out, i32x4.add(x4, v128.xor(v128.load(a, 64), v128.load(b, 64))), 64)
  v128.store(out, i32x4.add(x5, v128.xor(v128.load(a, 80), v128.load(b, 80))), 80)
  v128.store(out, i32x4.add(x6, v128.xor(v128.load(a, 96), v128.load(b, 96))), 96)
  v128.store(out, i32x4.add(x7, v128.xor(v128.load(a, 112), v128.load(b, 112))), 112)
  v128.store(out, i32x4.add(x8, v128.xor(v128.load(a, 128), v128.load(b, 128))), 128)
  v128.store(out, i32x4.add(x9, v128.xor(v128.load(a, 144), v128.load(b, 144))), 144)
  v128.store(out, i32x4.add(x10, v128.xor(v128.load(a, 160), v128.load(b, 160))), 160)
  v128.store(out, i32x4.add(x11, v128.xor(v128.load(a, 176), v128.load(b, 176))), 176)
  v128.store(out, i32x4.add(x12, v128.xor(v128.load(a, 192), v128.load(b, 192))), 192)
  v128.store(out, i32x4.add(x13, v128.xor(v128.load(a, 208), v128.load(b, 208))), 208)
  v128.store(out, i32x4.add(x14, v128.xor(v128.load(a, 224), v128.load(b, 224))), 224)
  v128.store(out, i32x4.add(x15, v128.xor(v128.load(a, 240), v128.load(b, 240))), 240)
}

/** dst = BlockMix_{Salsa20/8, r=1}(src) (RFC 7914 §4); dst may equal src. */
// @ts-ignore: decorator
@inline function blockMix4(dst: usize, src: usize): void {
  salsa4(dst, src, src + 256)
  salsa4(dst + 256, src + 256, dst)
}

function roMix4(): void {
  // Loop 1 hashes in place along V: V[i + 1] = BlockMix(V[i]); X = BlockMix(V[N - 1]).
  for (let i: usize = 0; i < N - 1; i++) blockMix4(V + (i + 1) * ENTRY_BYTES, V + i * ENTRY_BYTES)
  blockMix4(X, V + (N - 1) * ENTRY_BYTES)
  for (let i: usize = 0; i < N; i++) {
    const j = v128.and(v128.load(X, 16 * WORD_BYTES), i32x4.splat(<i32>N - 1)) // Integerify: word 16
    const p0 = V + <usize>i32x4.extract_lane(j, 0) * ENTRY_BYTES
    const p1 = V + <usize>i32x4.extract_lane(j, 1) * ENTRY_BYTES + LANE_BYTES
    const p2 = V + <usize>i32x4.extract_lane(j, 2) * ENTRY_BYTES + 2 * LANE_BYTES
    const p3 = V + <usize>i32x4.extract_lane(j, 3) * ENTRY_BYTES + 3 * LANE_BYTES
    for (let w: usize = 0; w < ENTRY_BYTES; w += WORD_BYTES) {
      let g = v128.load32_zero(p0 + w)
      g = v128.load32_lane(p1 + w, g, 1)
      g = v128.load32_lane(p2 + w, g, 2)
      g = v128.load32_lane(p3 + w, g, 3)
      v128.store(X + w, v128.xor(v128.load(X + w), g))
    }
    blockMix4(X, X)
  }
}

export function headerPtr(): usize { return HEADER }
export function targetPtr(): usize { return TARGET }
export function resultsPtr(): usize { return RESULTS }
export function maxBatch(): u32 { return MAX_BATCH }
export function lanes(): u32 { return LANES }
export function setJob(): void {
  prepareJob()
  prepareJob4()
}

/**
 * Hashes nonces start .. start+count-1 (count a multiple of 4, <= MAX_BATCH); returns how many met
 * the target (records at RESULTS), or BAD_COUNT.
 */
export function scan(start: u32, count: u32): u32 {
  if (count > MAX_BATCH || count % LANES != 0) return BAD_COUNT // a partial lane group would overrun
  let found: u32 = 0
  for (let i: u32 = 0; i < count; i += LANES) {
    pbkdf2Begin4(start + i, HMAC, V)
    roMix4()
    pbkdf2End4(HMAC, X, HASH)
    for (let lane: usize = 0; lane < LANES; lane++) {
      found = recordIfMeets(start + i + <u32>lane, HASH + lane * LANE_BYTES, WORD_BYTES, found)
    }
  }
  return found
}
