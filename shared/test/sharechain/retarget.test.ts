// The retarget (README "Share target"): converges from a cold start in a stated number of shares,
// measures the work shares stand for (own targets, uncles), and shrugs off outlier timestamps.
import { describe, expect, it } from 'vitest'
import { targetToWork } from '../../src/primitives/target'
import { FULL_HISTORY, type ShareNode } from '../../src/sharechain/node'
import { requiredShareTarget } from '../../src/sharechain/retarget'
import { shareTargetForHashrate } from '../../src/sharechain'
import { testRules } from './fixtures'

const rules = testRules({ minShareTarget: 0xffffn << 228n })

/** A main-chain node with just what the retarget reads. */
function node(parent: ShareNode | undefined, timestamp: number, ownTarget: bigint): ShareNode {
  const requiredTarget = requiredShareTarget(parent, rules)
  const target = ownTarget < requiredTarget ? ownTarget : requiredTarget
  const work = targetToWork(target)
  return {
    id: new Uint8Array(32),
    key: '',
    parent,
    parentKey: undefined,
    height: parent ? parent.height + 1 : 0,
    timestamp,
    bits: 0,
    target,
    work,
    requiredTarget,
    chainWork: targetToWork(requiredTarget),
    cumulativeWork: 0n,
    uncles: [],
    poolWork: work,
    historyDepth: FULL_HISTORY,
    payoutScript: new Uint8Array(1),
    payoutKey: '',
    seenOrder: 0,
    share: undefined as never,
    bytes: new Uint8Array(0)
  }
}

/** Mines `count` shares at the expected pace of a miner of `hashrate` H/s using its own share target. */
function mine(hashrate: number, count: number, start?: ShareNode): ShareNode {
  let tip = start
  let time = start?.timestamp ?? 1_700_000_000
  const own = shareTargetForHashrate(hashrate, rules.shareIntervalSeconds)!
  for (let i = 0; i < count; i++) {
    const n = node(tip, time, own)
    time += Math.max(1, Math.round(Number(n.work) / hashrate))
    n.timestamp = time
    tip = n
  }
  return tip!
}

function requiredWork(tip: ShareNode): number {
  return Number(targetToWork(requiredShareTarget(tip, rules)))
}

describe('retarget', () => {
  it('converges from the minimum difficulty to a 1 TH/s rig within 24 shares, then holds', () => {
    const hashrate = 1e12
    const wanted = hashrate * rules.shareIntervalSeconds
    let tip = mine(hashrate, 1)
    let shares = 1
    while (Math.abs(requiredWork(tip) / wanted - 1) > 0.1 && shares < 200) {
      tip = mine(hashrate, 1, tip)
      shares++
    }
    // 2^12 -> 2^43 hashes a share at x4 a share: 16 steps, plus the estimator catching up
    expect(shares).toBeLessThanOrEqual(24)
    tip = mine(hashrate, 60, tip)
    expect(Math.abs(requiredWork(tip) / wanted - 1)).toBeLessThan(0.1)
  })

  it('follows a hashrate drop by a quarter per share at most, down to the floor', () => {
    let tip = mine(1e9, 80)
    const before = requiredWork(tip)
    tip = mine(1e6, 1, tip)
    expect(requiredWork(tip)).toBeGreaterThanOrEqual(before / 4 - 1)
    tip = mine(1e6, 80, tip)
    expect(Math.abs(requiredWork(tip) / (1e6 * rules.shareIntervalSeconds) - 1)).toBeLessThan(0.1)
  })

  it('an outlier timestamp moves the required target by under 5 % (trimmed), not by the span it claims', () => {
    const tip = mine(1e9, 60)
    const honest = requiredWork(tip)
    // one share stamped 110 s ahead (inside the 120 s future bound), then honest shares again
    const liar = node(tip, tip.timestamp + 110, shareTargetForHashrate(1e9, 10)!)
    const after = node(liar, tip.timestamp + 10, shareTargetForHashrate(1e9, 10)!)
    expect(Math.abs(requiredWork(after) / honest - 1)).toBeLessThan(0.05)
  })
})
