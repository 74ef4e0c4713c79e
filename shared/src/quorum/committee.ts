// Committees nobody can pick (sharechain/README.md, Quorums). The committee of a subject is k relay keys
// drawn from the weighted roster (keys with work in the window, weights.ts) by weighted sampling without
// replacement, seeded by something the subject's publisher cannot choose: a template's parent block
// hash (every template on one parent gets the same committee, so grinding curtime or transactions moves
// nothing), a block's own hash (choosing it means redoing the block's PoW).
//
// Draw (Efraimidis-Spirakis, "exponential clocks", in integers): for each key K with weight w,
//   h = sha256(seed || K) as a 256-bit big-endian number, E = -log2((h + 1) / 2^256) in fixed point,
//   score = E / w; the k smallest scores win (ties: smaller key). A key is first with probability
// w / total, and splitting work over many keys does not raise the chance of a seat per unit of work.
// Small weight changes only swap keys whose scores nearly tie, so committees are stable as shares come.
import { bytesToHex, concatBytes, hexToBytes } from '../primitives/bytes'
import { sha256 } from '../primitives/hash'
import { asciiBytes } from '../sharechain/constants'
import type { SubjectKind } from './attestation'
import { DEFAULT_COMMITTEE_SIZE, MIN_COMMITTEE_SIZE } from './constants'

/** Domain separator of committee seeds. */
export const COMMITTEE_DOMAIN = asciiBytes('otedama/committee/1')
/** Fractional bits of the fixed-point log2 (ties below 2^-32 of a bit fall to the key order). */
export const LOG2_FRACTION_BITS = 32
const LOG2_PRECISION_BITS = 64n
const SUBJECT_CODES: Record<SubjectKind, number> = { template: 1, block: 2 }

/** The seed of a subject's committee: a template's prev block hash, a block's hash. */
export function committeeSeed(kind: SubjectKind, seedHash: Uint8Array): Uint8Array {
  if (seedHash.length !== 32) throw new RangeError('committee seed hash must be 32 bytes')
  return sha256(concatBytes(COMMITTEE_DOMAIN, Uint8Array.of(SUBJECT_CODES[kind]), seedHash))
}

/** floor(log2(x) * 2^LOG2_FRACTION_BITS) for x >= 1, integers only (the same on every engine). */
export function log2Fixed(x: bigint): bigint {
  if (x < 1n) throw new RangeError('log2 of a number below 1')
  const n = x.toString(2).length - 1
  const p = LOG2_PRECISION_BITS
  // y = x / 2^n in [1, 2), p fractional bits.
  let y = BigInt(n) >= p ? x >> (BigInt(n) - p) : x << (p - BigInt(n))
  const two = 2n << p
  let result = BigInt(n) << BigInt(LOG2_FRACTION_BITS)
  for (let bit = LOG2_FRACTION_BITS - 1; bit >= 0; bit--) {
    y = (y * y) >> p
    if (y >= two) {
      y >>= 1n
      result |= 1n << BigInt(bit)
    }
  }
  return result
}

const LOG2_2_256 = 256n << BigInt(LOG2_FRACTION_BITS)

function clock(seed: Uint8Array, keyHex: string): bigint {
  const h = BigInt('0x' + bytesToHex(sha256(concatBytes(seed, hexToBytes(keyHex)))))
  return LOG2_2_256 - log2Fixed(h + 1n)
}

/**
 * The committee (relay keys, hex, first drawn first) for `seed` among `weights` (key hex -> work);
 * every key with work when there are at most k. Keys without work are never drawn. `clocks`: a cache of
 * this seed's per-key clocks (they do not depend on the weights, so a redraw after the weights moved
 * only sorts again).
 */
export function selectCommittee(
  weights: ReadonlyMap<string, bigint>,
  seed: Uint8Array,
  k = DEFAULT_COMMITTEE_SIZE,
  clocks?: Map<string, bigint>
): string[] {
  if (!Number.isInteger(k) || k < MIN_COMMITTEE_SIZE)
    throw new RangeError(`committee size must be an integer >= ${MIN_COMMITTEE_SIZE}, got ${k}`)
  if (seed.length !== 32) throw new RangeError('committee seed must be 32 bytes')
  const ranked: Array<{ key: string; clock: bigint; weight: bigint }> = []
  for (const [key, weight] of weights) {
    if (weight <= 0n) continue
    let c = clocks?.get(key)
    if (c === undefined) {
      c = clock(seed, key)
      clocks?.set(key, c)
    }
    ranked.push({ key, clock: c, weight })
  }
  // Keys that left the window leave the cache too, so it stays bounded by the weighted roster.
  if (clocks !== undefined && clocks.size > ranked.length)
    for (const key of clocks.keys()) if (!weights.has(key)) clocks.delete(key)
  // score a < score b  <=>  clock_a / w_a < clock_b / w_b  <=>  clock_a * w_b < clock_b * w_a
  ranked.sort((a, b) => {
    const l = a.clock * b.weight
    const r = b.clock * a.weight
    return l < r ? -1 : l > r ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0
  })
  return ranked.slice(0, k).map((r) => r.key)
}
