// Share chain: fork choice, reorgs and the incremental PPLNS window, retarget, median time, pruning.
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/primitives/bytes'
import { bitsToTarget, targetToWork } from '../../src/primitives/target'
import { OrphanPool, type ShareNode } from '../../src/sharechain'
import { START_TIME, addShare, mineShare, payoutScriptOf, testNet, testRules } from './fixtures'

/** The window ending at `tip` recomputed from scratch (what the incremental window must equal): each
 *  share its own work, each uncle it names 80 % of the uncle's work, the naming share the other 20 %. */
function rescanWeights(tip: ShareNode | undefined, windowShares: number, penaltyPercent = 20): Map<string, bigint> {
  const m = new Map<string, bigint>()
  const add = (key: string, w: bigint) => {
    const v = (m.get(key) ?? 0n) + w
    if (v === 0n) m.delete(key)
    else m.set(key, v)
  }
  let n = tip
  for (let i = 0; i < windowShares && n; i++, n = n.parent) {
    add(n.payoutKey, n.work)
    for (const u of n.uncles) {
      const credit = (u.work * BigInt(100 - penaltyPercent)) / 100n
      add(u.payoutKey, credit)
      add(n.payoutKey, u.work - credit)
    }
  }
  return m
}

function basisWeights(net: ReturnType<typeof testNet>, parent: ShareNode): Map<string, bigint> {
  return new Map(net.chain.payoutBasis(parent).weights.map((w) => [w.key, w.weight]))
}

describe('share chain', () => {
  it('fork choice: the branch with most cumulative work wins; ties go to the first seen', () => {
    const net = testNet()
    const root = addShare(net, 'alice', { parent: undefined })
    const a1 = addShare(net, 'alice', { parent: root })
    const b1 = addShare(net, 'bob', { parent: root })
    expect(net.chain.tip).toBe(a1) // equal work: first seen stays
    const b2 = addShare(net, 'bob', { parent: b1 })
    expect(net.chain.tip).toBe(b2) // more work
    expect(b2.cumulativeWork).toBeGreaterThan(a1.cumulativeWork)
  })

  it('a reorg moves payouts: the window follows the new best branch exactly', () => {
    const net = testNet(testRules({ windowShares: 5, maxUnclesPerShare: 0 }))
    const root = addShare(net, 'alice', { parent: undefined })
    let a = root
    for (let i = 0; i < 4; i++) a = addShare(net, 'alice', { parent: a })
    const before = net.chain.tipWindow()
    expect(before.weights.map((w) => w.key)).toEqual([bytesToHex(payoutScriptOf('alice'))])
    let b = root
    for (let i = 0; i < 5; i++) b = addShare(net, 'bob', { parent: b, mode: 'synced' })
    expect(net.chain.tip).toBe(b)
    const after = net.chain.tipWindow()
    const weights = new Map(after.weights.map((w) => [w.key, w.weight]))
    expect(weights).toEqual(rescanWeights(b, 5))
    expect(weights.get(bytesToHex(payoutScriptOf('bob')))).toBe(b.work * 5n)
    expect(weights.has(bytesToHex(payoutScriptOf('alice')))).toBe(false)
    // payouts for a coinbase on the new tip pay bob (the finder gets bonus and remainder), on the old tip alice
    const onB = net.chain.payouts(b, 1_000_000_000n, payoutScriptOf('carol')).outputs.map((o) => bytesToHex(o.script))
    expect(onB).toContain(bytesToHex(payoutScriptOf('bob')))
    expect(onB).not.toContain(bytesToHex(payoutScriptOf('alice')))
    const onA = net.chain.payouts(a, 1_000_000_000n, payoutScriptOf('carol')).outputs.map((o) => bytesToHex(o.script))
    expect(onA).toContain(bytesToHex(payoutScriptOf('alice')))
    expect(net.chain.tip).toBe(b) // computing payouts on a side branch leaves the tip window alone
    expect(new Map(net.chain.tipWindow().weights.map((w) => [w.key, w.weight]))).toEqual(rescanWeights(b, 5))
  })

  it('the incremental window equals a full rescan after random adds and reorgs', () => {
    const net = testNet(testRules({ windowShares: 7 }), { pruneMarginShares: 1000 })
    const nodes: ShareNode[] = [addShare(net, 'p0', { parent: undefined })]
    let seed = 7
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 60; i++) {
      const parent = rnd() < 0.7 ? net.chain.tip! : nodes[Math.floor(rnd() * nodes.length)]
      nodes.push(addShare(net, `p${Math.floor(rnd() * 4)}`, { parent, mode: 'synced' }))
      expect(new Map(net.chain.tipWindow().weights.map((w) => [w.key, w.weight]))).toEqual(
        rescanWeights(net.chain.tip, 7)
      )
    }
    for (const n of nodes.slice(-10)) expect(basisWeights(net, n)).toEqual(rescanWeights(n, 7))
  })

  it('retarget: faster shares make the target harder, by at most the step clamp, never easier than the minimum', () => {
    const net = testNet()
    let n = addShare(net, 'alice', { parent: undefined, timestamp: START_TIME })
    const maxTarget = net.rules.maxShareTarget
    expect(bitsToTarget(n.bits)).toBeLessThanOrEqual(maxTarget)
    // shares every second instead of every 10 s: the next target must shrink, by at most a quarter per share
    for (let i = 1; i <= 5; i++) {
      const next = bitsToTarget(net.chain.nextShareBits(n))
      if (i > 1) {
        expect(next).toBeLessThan(n.requiredTarget)
        expect(next).toBeGreaterThanOrEqual(n.requiredTarget / 4n - (n.requiredTarget >> 16n)) // compact rounding slack
      }
      n = addShare(net, 'alice', { parent: n, timestamp: START_TIME + i })
    }
    // slow shares (1000 s apart): the target relaxes but is capped at the network minimum difficulty
    for (let i = 0; i < 40; i++) n = addShare(net, 'alice', { parent: n, timestamp: n.timestamp + 1000 })
    expect(bitsToTarget(net.chain.nextShareBits(n))).toBeLessThanOrEqual(maxTarget)
    expect(bitsToTarget(net.chain.nextShareBits(n))).toBeGreaterThan((maxTarget * 9n) / 10n)
  })

  it('cumulative work adds each share’s required target work, not its own harder one', () => {
    const net = testNet()
    const a = addShare(net, 'alice', { parent: undefined })
    const b = addShare(net, 'bob', { ownShareTarget: net.rules.maxShareTarget / 16n })
    expect(b.target).toBeLessThan(b.requiredTarget)
    expect(b.cumulativeWork).toBe(targetToWork(a.requiredTarget) + targetToWork(b.requiredTarget))
  })

  it('prunes shares far behind the window and keeps the window exact', () => {
    const net = testNet(testRules({ windowShares: 5 }), { pruneMarginShares: 3 })
    let n = addShare(net, 'alice', { parent: undefined })
    for (let i = 0; i < 30; i++) n = addShare(net, i % 2 ? 'alice' : 'bob', { parent: n })
    expect(net.chain.size).toBeLessThanOrEqual(5 + 3 + 1)
    expect(new Map(net.chain.tipWindow().weights.map((w) => [w.key, w.weight]))).toEqual(rescanWeights(n, 5))
  })

  it('orphan pool: bounded, hands children back when the parent arrives', () => {
    const pool = new OrphanPool(2)
    pool.add({ key: 'a', parentKey: 'p', bytes: new Uint8Array(1) })
    pool.add({ key: 'b', parentKey: 'p', bytes: new Uint8Array(1) })
    pool.add({ key: 'c', parentKey: 'q', bytes: new Uint8Array(1) })
    expect(pool.size).toBe(2)
    expect(pool.takeChildren('p').map((o) => o.key)).toEqual(['b'])
    expect(pool.missingParents()).toEqual(['q'])
  })

  it('a share on a parent deep in a side branch still gets its exact window', () => {
    const net = testNet(testRules({ windowShares: 4 }))
    const root = addShare(net, 'alice', { parent: undefined })
    let side = root
    for (let i = 0; i < 3; i++) side = addShare(net, 'carol', { parent: side })
    let main = root
    for (let i = 0; i < 6; i++) main = addShare(net, 'bob', { parent: main })
    const { bytes } = mineShare(net, 'dave', { parent: side })
    expect(net.validator.validate(bytes).verdict).toEqual({ kind: 'accept' })
    expect(basisWeights(net, side)).toEqual(rescanWeights(side, 4))
  })
})
