// Payouts of a coinbase built on parent P with value V (docs/design.md, Share-chain rules), all in bigint:
//  1. bonus = floor(V * finderBonusPpm / 1e6) to the finder's script;
//  2. rest = V - bonus split over P's PPLNS window by target work: floor(rest * w / W) per script;
//  3. window payees below the dust limit, and the smallest beyond the output cap less one, are pooled
//     and the pool is paid to ONE of them, drawn with probability proportional to amount, seeded by
//     P's id: all of it from the window alone;
//  4. the bonus and the rounding remainder to the finder (its window output, or the slot kept for it);
//     with no parent (first share) the finder gets all of V;
//  5. outputs sorted by script bytes, then amount.
import { bytesToHex } from '../primitives/bytes'
import { sha256d } from '../primitives/hash'
import { hashToBigInt } from '../primitives/target'
import { LOTTERY_DOMAIN, PPM } from './constants'

/** One payee of a window: its script and the sum of its shares' target work. */
export interface PayoutWeight {
  script: Uint8Array
  /** Lowercase hex of script: hex order equals byte order, so it doubles as the sort key. */
  key: string
  weight: bigint
}

/** Everything about a parent that payouts depend on; a pure function of P's ancestry, so cacheable forever. */
export interface PayoutBasis {
  /** Id of P; undefined for the first share of a chain (no parent). */
  parentId: Uint8Array | undefined
  /** Payees of the window ending at P, sorted by key. */
  weights: PayoutWeight[]
  totalWeight: bigint
}

/** Structurally a TxOut (primitives/tx.ts). */
export interface PayoutOutput {
  script: Uint8Array
  value: bigint
}

export interface PayoutPolicy {
  finderBonusPpm: number
  dustLimit: bigint
  maxPayoutOutputs: number
}

interface Payee {
  script: Uint8Array
  key: string
  amount: bigint
}

export function computePayouts(
  basis: PayoutBasis,
  value: bigint,
  finderScript: Uint8Array,
  policy: PayoutPolicy
): PayoutOutput[] {
  if (value < 0n) throw new RangeError(`coinbase value must be >= 0, got ${value}`)
  if (basis.parentId === undefined || basis.totalWeight === 0n) return [{ script: finderScript, value }]
  const bonus = (value * BigInt(policy.finderBonusPpm)) / PPM
  const rest = value - bonus
  const payees: Payee[] = []
  let distributed = 0n
  for (const w of basis.weights) {
    const amount = (rest * w.weight) / basis.totalWeight
    distributed += amount
    payees.push({ script: w.script, key: w.key, amount })
  }
  // The window's payees, its dust pool and the pool's draw depend on the window alone; the finder's
  // bonus and the rounding remainder are added afterwards, into a slot kept free for them, so naming
  // one script or another as finder cannot move the draw (README "How payouts are computed").
  const outputs = settleDustAndCap(payees, basis.parentId, policy.dustLimit, policy.maxPayoutOutputs - 1)
  const finderExtra = bonus + (rest - distributed)
  if (finderExtra > 0n) {
    const finderKey = bytesToHex(finderScript)
    const finder = outputs.find((p) => p.key === finderKey)
    if (finder) finder.amount += finderExtra
    else outputs.push({ script: finderScript, key: finderKey, amount: finderExtra })
  }
  outputs.sort(byKeyThenAmount)
  return outputs.map((p) => ({ script: p.script, value: p.amount }))
}

function byAmountDescThenKey(a: Payee, b: Payee): number {
  if (a.amount !== b.amount) return a.amount > b.amount ? -1 : 1
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

function byKeyThenAmount(a: Payee, b: Payee): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0
}

/** Payees at or above dust within `cap` outputs; the rest pooled and paid whole to one drawn payee. */
function settleDustAndCap(payees: Payee[], parentId: Uint8Array, dustLimit: bigint, cap: number): Payee[] {
  const kept: Payee[] = []
  const pooled: Payee[] = []
  for (const p of payees) {
    if (p.amount === 0n) continue
    if (p.amount < dustLimit) pooled.push(p)
    else kept.push(p)
  }
  if (kept.length > cap || (pooled.length > 0 && kept.length >= cap)) {
    // The pool's winner takes one output slot, so keep cap - 1 of the largest payees.
    kept.sort(byAmountDescThenKey)
    pooled.push(...kept.splice(Math.max(0, cap - 1)))
  }
  if (pooled.length > 0) {
    pooled.sort(byKeyThenAmount)
    const { winner, total } = drawLotteryWinner(pooled, parentId)
    kept.push({ script: winner.script, key: winner.key, amount: total })
  }
  return kept
}

/** The lottery's random number in [0, 2^256): sha256d(domain || parent id) read little-endian. */
export function lotterySeed(parentId: Uint8Array): bigint {
  const msg = new Uint8Array(LOTTERY_DOMAIN.length + parentId.length)
  msg.set(LOTTERY_DOMAIN)
  msg.set(parentId, LOTTERY_DOMAIN.length)
  return hashToBigInt(sha256d(msg))
}

/**
 * Picks one pooled payee with probability amount / total (payees sorted by key, amounts > 0).
 * Bias from `seed mod total` is below 2^-190 for any total under 2^64.
 */
export function drawLotteryWinner<T extends { amount: bigint }>(
  pooled: T[],
  parentId: Uint8Array
): { winner: T; total: bigint } {
  let total = 0n
  for (const p of pooled) total += p.amount
  const draw = lotterySeed(parentId) % total
  let acc = 0n
  for (const p of pooled) {
    acc += p.amount
    if (draw < acc) return { winner: p, total }
  }
  throw new Error('unreachable: lottery draw beyond the pool total')
}
