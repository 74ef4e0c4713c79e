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
import type { Share } from './share-codec'

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
  // A node built without its share (tests of the arithmetic alone) is computed, not remembered.
  const share = typeof parent.share === 'object' && parent.share !== null ? parent.share : undefined
  const last = share && lastRetarget.get(share)
  if (last !== undefined && last.rules === rules && sameRetargetInputs(parent, last, rules.retargetWindowShares)) {
    parent.childBits = last.bits
    return last.bits
  }
  const bits = targetToBits(computeRequiredTarget(parent, rules))
  parent.childBits = bits
  if (share) {
    const walked = walkLength(parent, rules.retargetWindowShares)
    lastRetarget.set(share, {
      rules,
      bits,
      requiredTarget: parent.requiredTarget,
      walked,
      node: parent,
      inputs: undefined
    })
  }
  return bits
}

/**
 * The last retarget computed for a child of each share, for another chain holding the same share
 * object (a process with many chains, as the simulator's peers, computes the same retarget in each).
 * The result is a pure function of the rules, the parent's requiredTarget and the (timestamp, poolWork)
 * of each node the walk visits, in order; it is reused only when all of those are equal, else
 * recomputed (and remembered in place of the old one).
 */
interface LastRetarget {
  rules: RetargetRules
  bits: number
  requiredTarget: bigint
  /** Nodes the walk visited. */
  walked: number
  /**
   * The parent it was computed at, until a second chain matched it; then the walk's inputs, copied
   * (so later checks read one chain's nodes, and a chain with a single view never pays for the copy).
   */
  node: ShareNode | undefined
  inputs: { timestamps: Float64Array; poolWork: bigint[] } | undefined
}

const lastRetarget = new WeakMap<Share, LastRetarget>()

/** Nodes the retarget's walk from `parent` visits: at most `span`, fewer where the chain ends or was pruned. */
function walkLength(parent: ShareNode, span: number): number {
  let count = 0
  for (let n: ShareNode | undefined = parent; n && count < span; n = n.parent) count++
  return count
}

/**
 * Whether the walk from `parent` gives the retarget the same inputs as `last` had: equal required
 * targets at the parents, then `last.walked` nodes with equal timestamps and poolWork, and the walk
 * stopping there too (at the span, or where the chain ends). Before the inputs are copied they are
 * read from `last.node`'s walk: a node's parent link only ever changes to undefined (pruning), so a
 * walk from it that still visits `last.walked` nodes is the walk it had when computed.
 */
function sameRetargetInputs(parent: ShareNode, last: LastRetarget, span: number): boolean {
  if (parent.requiredTarget !== last.requiredTarget) return false
  const n = last.walked
  let a: ShareNode | undefined = parent
  const inputs = last.inputs
  if (inputs !== undefined) {
    for (let i = 0; i < n; i++) {
      if (!a || a.timestamp !== inputs.timestamps[i] || a.poolWork !== inputs.poolWork[i]) return false
      a = a.parent
    }
    return n === span || a === undefined
  }
  let b: ShareNode | undefined = last.node
  for (let i = 0; i < n; i++) {
    if (!a || !b || a.timestamp !== b.timestamp || a.poolWork !== b.poolWork) return false
    a = a.parent
    b = b.parent
  }
  if (n !== span && (a !== undefined || b !== undefined)) return false
  // A second chain matched: keep the inputs, not the node (nor the chain behind it).
  const timestamps = new Float64Array(n)
  const poolWork: bigint[] = []
  let c: ShareNode | undefined = parent
  for (let i = 0; i < n && c; i++, c = c.parent) {
    timestamps[i] = c.timestamp
    poolWork.push(c.poolWork)
  }
  last.inputs = { timestamps, poolWork }
  last.node = undefined
  return true
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
