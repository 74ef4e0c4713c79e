// Share target retarget and the median-time rule, from ShareInfo timestamps only (DESIGN.md).
//
// Retarget for a child of P, integers only:
//   look back n = min(retargetWindowShares, P.height) intervals to ancestor A;
//   rate (work per second) = (P.cumulativeWork - A.cumulativeWork) / max(1, P.timestamp - A.timestamp);
//   wanted work per share  = rate * shareIntervalSeconds;  target = floor(2^256 / wanted) - 1;
//   clamped to [P.target * 100 / (100 + step), P.target * (100 + step) / 100], then to at most the
//   network's easiest share target (maxShareTarget), at least 1; encoded as canonical compact bits.
// A first share (no parent) and the child of a first share use the easiest target / P's bits.
import { targetToBits } from '../primitives/target'
import type { ShareNode } from './node'
import type { ShareChainRules } from './rules'

const TWO_256 = 1n << 256n

export type RetargetRules = Pick<ShareChainRules, 'retargetWindowShares' | 'shareIntervalSeconds' | 'maxRetargetStepPercent' | 'maxShareTarget'>

/** Walks `steps` parents back (stops early where the chain ends or was pruned). */
export function ancestor(node: ShareNode, steps: number): ShareNode {
  let n = node
  for (let i = 0; i < steps && n.parent; i++) n = n.parent
  return n
}

export function nextShareBits(parent: ShareNode | undefined, rules: RetargetRules): number {
  if (!parent) return targetToBits(rules.maxShareTarget)
  if (parent.childBits !== undefined) return parent.childBits
  const bits = computeNextBits(parent, rules)
  parent.childBits = bits
  return bits
}

function computeNextBits(parent: ShareNode, rules: RetargetRules): number {
  const first = ancestor(parent, Math.min(rules.retargetWindowShares, parent.height))
  const intervals = parent.height - first.height
  if (intervals <= 0) return parent.bits
  const workDone = parent.cumulativeWork - first.cumulativeWork
  const spanSeconds = BigInt(Math.max(1, parent.timestamp - first.timestamp))
  let wantedWork = (workDone * BigInt(rules.shareIntervalSeconds)) / spanSeconds
  if (wantedWork < 1n) wantedWork = 1n
  let target = TWO_256 / wantedWork - 1n
  // Per-step clamp in integer percent (e.g. step 10: between P/1.1 and P*1.1).
  const step = BigInt(Math.round(rules.maxRetargetStepPercent))
  const hardest = (parent.target * 100n) / (100n + step)
  const easiest = (parent.target * (100n + step)) / 100n
  if (target < hardest) target = hardest
  if (target > easiest) target = easiest
  if (target > rules.maxShareTarget) target = rules.maxShareTarget
  if (target < 1n) target = 1n
  return targetToBits(target)
}

/** Median of the timestamps of P and up to span-1 of its ancestors; a child must be strictly above it. */
export function medianTimePast(parent: ShareNode, span: number): number {
  if (parent.childMedianTime !== undefined) return parent.childMedianTime
  const times: number[] = []
  let n: ShareNode | undefined = parent
  for (let i = 0; i < span && n; i++, n = n.parent) times.push(n.timestamp)
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]
  parent.childMedianTime = median
  return median
}
