import type { ChainParams } from '../../../shared/src/chain/params'
import { bitsToTarget, targetToBits } from '../../../shared/src/primitives/target'

/** What the retarget and the median-time rule read from an ancestor. */
export interface TimedBlock {
  height: number
  time: number
  bits: number
}

/** Blocks whose median time a new block's time must exceed (Core's BIP113 span). */
export const MEDIAN_TIME_BLOCKS = 11

/**
 * devnet's block retarget (chain params `devnetBlockRetarget`), every block: over the last
 * min(windowBlocks, tip height) blocks, next target = tip target × actualSpan / expectedSpan, with
 * actualSpan clamped so the target moves by at most maxStepPercent per block, and never easier than
 * powLimit. `ancestors` lists the tip first, then its parents (at least window + 1 entries or down to genesis).
 */
export function nextDevnetBits (params: ChainParams, ancestors: TimedBlock[]): number {
  const rule = params.devnetBlockRetarget
  if (rule === undefined) throw new TypeError(`${params.name} has no devnet block retarget`)
  const tip = ancestors[0]
  const span = Math.min(rule.windowBlocks, tip.height, ancestors.length - 1)
  if (span === 0) return tip.bits
  const first = ancestors[span]
  const expected = BigInt(span * params.targetBlockSeconds)
  let actual = BigInt(Math.max(0, tip.time - first.time))
  const step = BigInt(100 + rule.maxStepPercent)
  const lowest = (expected * 100n) / step
  const highest = (expected * step) / 100n
  if (actual < lowest) actual = lowest
  if (actual > highest) actual = highest
  let target = (bitsToTarget(tip.bits) * actual) / expected
  if (target > params.powLimit) target = params.powLimit
  if (target < 1n) target = 1n
  return targetToBits(target)
}

/** Median of the times of up to MEDIAN_TIME_BLOCKS ancestors (tip first). */
export function medianTimePast (ancestors: TimedBlock[]): number {
  const times = ancestors.slice(0, MEDIAN_TIME_BLOCKS).map((b) => b.time).sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}
