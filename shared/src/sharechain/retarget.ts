// The required share target (retarget) and the median-time rule, from share timestamps (header
// times, set when a share is found) and the work the shares stand for (docs/design.md, Share-chain rules).
//
// Required target for a child of P, integers only (README "Share target"):
//   S = P and its ancestors, n = min(retargetWindowShares, what the chain holds) main-chain shares,
//   sorted by timestamp (ties: chain order, older first); k = floor(n * retargetTrimPercent / 100)
//   trimmed from each end; span = t[n-1-k] - t[k] (at least 1 s);
//   work = sum of poolWork over the kept shares after the first, ranks k+1 .. n-1-k (the work done
//   within the span; poolWork: own target work plus uncles'), so a trimmed share's work goes with it;
//   wanted work per share = work * shareIntervalSeconds / span;
//   target = floor(2^256 / wanted) - 1, clamped to [P.required * 100 / (100 + step),
//   P.required * (100 + step) / 100], then to at most the network's easiest share target, at least 1.
// With n < 2 (a first share or a restored root) the child keeps P's required target.
import { targetToBits } from '../primitives/target'
import { targetOfBits, workOfBits } from './bits-memo'
import type { ShareNode } from './node'
import type { ShareChainRules } from './rules'

const TWO_256 = 1n << 256n

export type RetargetRules = Pick<
  ShareChainRules,
  'retargetWindowShares' | 'retargetTrimPercent' | 'shareIntervalSeconds' | 'maxRetargetStepPercent' | 'maxShareTarget'
>

/** Walks `steps` parents back (stops early where the chain ends or was pruned). */
export function ancestor(node: ShareNode, steps: number): ShareNode {
  let n = node
  for (let i = 0; i < steps && n.parent; i++) n = n.parent
  return n
}

/** The compact bits of the required target for a child of `parent` (undefined: a first share). */
export function nextShareBits(parent: ShareNode | undefined, rules: RetargetRules): number {
  if (!parent) return targetToBits(rules.maxShareTarget)
  if (parent.childBits !== undefined) return parent.childBits
  const bits = targetToBits(computeRequiredTarget(parent, rules))
  parent.childBits = bits
  return bits
}

/** The required target for a child of `parent`, as a number (exactly what nextShareBits encodes); cached on the parent. */
export function requiredShareTarget(parent: ShareNode | undefined, rules: RetargetRules): bigint {
  if (!parent) return targetOfBits(nextShareBits(undefined, rules))
  if (parent.childRequiredTarget === undefined) parent.childRequiredTarget = targetOfBits(nextShareBits(parent, rules))
  return parent.childRequiredTarget
}

/** Work of the required target for a child of `parent` (what a child counts for in fork choice); cached on the parent. */
export function requiredShareWork(parent: ShareNode | undefined, rules: RetargetRules): bigint {
  // The work of the required target, which is targetOfBits(nextShareBits(parent)).
  if (!parent) return workOfBits(nextShareBits(undefined, rules))
  if (parent.childChainWork === undefined) parent.childChainWork = workOfBits(nextShareBits(parent, rules))
  return parent.childChainWork
}

function computeRequiredTarget(parent: ShareNode, rules: RetargetRules): bigint {
  const shares: ShareNode[] = []
  for (let n: ShareNode | undefined = parent; n && shares.length < rules.retargetWindowShares; n = n.parent)
    shares.push(n)
  const count = shares.length
  if (count < 2) return parent.requiredTarget
  // Oldest first, then a stable sort by timestamp: equal timestamps keep chain order.
  shares.reverse()
  shares.sort((a, b) => a.timestamp - b.timestamp)
  const trim = Math.floor((count * rules.retargetTrimPercent) / 100)
  if (count - 1 - 2 * trim < 1) return parent.requiredTarget
  const spanSeconds = Math.max(1, shares[count - 1 - trim].timestamp - shares[trim].timestamp)
  let work = 0n
  for (let i = trim + 1; i <= count - 1 - trim; i++) work += shares[i].poolWork
  let wantedWork = (work * BigInt(rules.shareIntervalSeconds)) / BigInt(spanSeconds)
  if (wantedWork < 1n) wantedWork = 1n
  let target = TWO_256 / wantedWork - 1n
  // Per-step clamp in integer percent (step 100: between P/2 and P*2).
  const step = BigInt(Math.round(rules.maxRetargetStepPercent))
  const hardest = (parent.requiredTarget * 100n) / (100n + step)
  const easiest = (parent.requiredTarget * (100n + step)) / 100n
  if (target < hardest) target = hardest
  if (target > easiest) target = easiest
  if (target > rules.maxShareTarget) target = rules.maxShareTarget
  if (target < 1n) target = 1n
  return target
}

/** Median of the timestamps of P and up to span-1 of its ancestors; a child's timestamp must be at least this. */
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
