// Payouts of a coinbase built on parent P with value V (DESIGN.md, Share-chain rules), all in bigint:
//  1. bonus = floor(V * finderBonusPpm / 1e6) to the finder's script;
//  2. rest = V - bonus split over P's PPLNS window by target work: floor(rest * w / W) per script;
//  3. the rounding remainder to the finder; with no parent (first share) the finder gets all of V;
//  4. payees below the dust limit, and the smallest payees beyond the output cap, are pooled and the
//     pool is paid to ONE of them, drawn with probability proportional to amount, seeded by P's id;
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

export function computePayouts(basis: PayoutBasis, value: bigint, finderScript: Uint8Array, policy: PayoutPolicy): PayoutOutput[] {
  if (value < 0n) throw new RangeError(`coinbase value must be >= 0, got ${value}`)
  if (basis.parentId === undefined || basis.totalWeight === 0n) return [{ script: finderScript, value }]
  const bonus = (value * BigInt(policy.finderBonusPpm)) / PPM
  const rest = value - bonus
  const finderKey = bytesToHex(finderScript)
  const payees: Payee[] = []
  let distributed = 0n
  let finder: Payee | undefined
  for (const w of basis.weights) {
    const amount = (rest * w.weight) / basis.totalWeight
    distributed += amount
    const payee = { script: w.script, key: w.key, amount }
    if (w.key === finderKey) finder = payee
    payees.push(payee)
  }
  const finderExtra = bonus + (rest - distributed)
  if (finder) finder.amount += finderExtra
  else payees.push({ script: finderScript, key: finderKey, amount: finderExtra })
  return settleDustAndCap(payees, basis.parentId, policy)
}

function byAmountDescThenKey(a: Payee, b: Payee): number {
  if (a.amount !== b.amount) return a.amount > b.amount ? -1 : 1
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

function byKeyThenAmount(a: Payee, b: Payee): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0
}

function settleDustAndCap(payees: Payee[], parentId: Uint8Array, policy: PayoutPolicy): PayoutOutput[] {
  const kept: Payee[] = []
  const pooled: Payee[] = []
  for (const p of payees) {
    if (p.amount === 0n) continue
    if (p.amount < policy.dustLimit) pooled.push(p)
    else kept.push(p)
  }
  const cap = policy.maxPayoutOutputs
  if (kept.length > cap || (pooled.length > 0 && kept.length >= cap)) {
    // The pool's winner takes one output slot, so keep cap - 1 of the largest payees.
    kept.sort(byAmountDescThenKey)
    pooled.push(...kept.splice(cap - 1))
  }
  const outputs: Payee[] = kept
  if (pooled.length > 0) {
    pooled.sort(byKeyThenAmount)
    const { winner, total } = drawLotteryWinner(pooled, parentId)
    outputs.push({ script: winner.script, key: winner.key, amount: total })
  }
  outputs.sort(byKeyThenAmount)
  return outputs.map((p) => ({ script: p.script, value: p.amount }))
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
export function drawLotteryWinner<T extends { amount: bigint }>(pooled: T[], parentId: Uint8Array): { winner: T; total: bigint } {
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
