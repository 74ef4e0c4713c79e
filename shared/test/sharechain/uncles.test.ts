// Uncles (README "Uncles"): a share that lost a close race is named by a later share and credited with
// the penalty; every uncle rule has its own rejection; live side branches are bounded.
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/primitives/bytes'
import { buildShareJob, type ShareNode } from '../../src/sharechain'
import { addShare, mineShare, payoutScriptOf, reEncodeWithInfo, testNet, testRules, type Net } from './fixtures'

/** A share on `parent` naming exactly `uncles` (bypassing the builder's own choice). */
function shareNaming(net: Net, payee: string, parent: ShareNode, uncles: ShareNode[]): Uint8Array {
  const job = buildShareJob({
    chain: net.chain,
    template: net.template,
    templateId: net.templateId,
    payoutScript: payoutScriptOf(payee),
    parent,
    now: parent.timestamp + 10
  })
  job.info.uncles = uncles.map((u) => u.id)
  return reEncodeWithInfo(net, job)
}

function verdict(net: Net, bytes: Uint8Array, mode: 'live' | 'synced' = 'live') {
  return net.validator.validate(bytes, mode).verdict
}

describe('uncles', () => {
  it('a share that lost a race is named by the next share and credited 80 %, the nephew 20 %', () => {
    const net = testNet()
    const root = addShare(net, 'alice', { parent: undefined })
    const winner = addShare(net, 'bob', { parent: root })
    const loser = addShare(net, 'carol', { parent: root })
    expect(net.chain.tip).toBe(winner)
    const nephew = addShare(net, 'dave', { parent: winner })
    expect(nephew.uncles).toEqual([loser]) // the builder names the close sibling by itself
    const w = new Map(net.chain.tipWindow().weights.map((x) => [x.key, x.weight]))
    const credit = (loser.work * 80n) / 100n
    expect(w.get(bytesToHex(payoutScriptOf('carol')))).toBe(credit)
    expect(w.get(bytesToHex(payoutScriptOf('dave')))).toBe(nephew.work + loser.work - credit)
    // fork choice counts the uncle's work too
    expect(nephew.cumulativeWork).toBe(winner.cumulativeWork + nephew.chainWork + loser.chainWork)
    expect(nephew.poolWork).toBe(nephew.work + loser.work)
  })

  it('rejects an uncle named twice along a chain, an ancestor as uncle, and one beyond the depth (uncle)', () => {
    const net = testNet()
    const root = addShare(net, 'alice', { parent: undefined })
    const a1 = addShare(net, 'bob', { parent: root })
    const b1 = addShare(net, 'carol', { parent: root })
    const a2 = addShare(net, 'dave', { parent: a1 })
    expect(a2.uncles).toEqual([b1])
    expect(verdict(net, shareNaming(net, 'erin', a2, [b1]))).toMatchObject({ kind: 'reject', reason: 'uncle' })
    expect(verdict(net, shareNaming(net, 'erin', a2, [a1]))).toMatchObject({ kind: 'reject', reason: 'uncle' })
    // an uncle whose parent is not an ancestor: a share on a side branch's own child
    const b2 = addShare(net, 'carol', { parent: b1, mode: 'synced' })
    expect(verdict(net, shareNaming(net, 'erin', a2, [b2]))).toMatchObject({ kind: 'reject', reason: 'uncle' })
    // beyond the depth: 3 more shares on the main chain, then name the old sibling
    let tip = a2
    for (let i = 0; i < 3; i++) tip = addShare(net, 'frank', { parent: tip })
    expect(net.rules.maxUncleDepth).toBe(3)
    expect(verdict(net, shareNaming(net, 'erin', tip, [b2]))).toMatchObject({ kind: 'reject', reason: 'uncle' })
  })

  it('ignores a share naming an unknown uncle and asks for it (never a rejection)', () => {
    const net = testNet()
    const other = testNet()
    const root = addShare(net, 'alice', { parent: undefined })
    const a1 = addShare(net, 'bob', { parent: root })
    // the sibling exists on another peer only
    other.chain.add(root.share, root.id, root.bytes)
    const sibling = addShare(other, 'carol', { parent: other.chain.get(root.key)! })
    other.chain.add(a1.share, a1.id, a1.bytes)
    const naming = mineShare(other, 'dave', { parent: other.chain.get(a1.key)! }).bytes
    const v = verdict(net, naming)
    expect(v).toMatchObject({ kind: 'ignore', reason: 'unknown-parent' })
    expect(v.kind === 'ignore' && v.fetch && bytesToHex(v.fetch)).toBe(sibling.key)
  })

  it('live side branches are bounded: too deep below the tip, or too many siblings at a height', () => {
    const net = testNet(testRules({ maxSiblingsPerHeight: 2 }))
    const root = addShare(net, 'alice', { parent: undefined })
    const main1 = addShare(net, 'bob', { parent: root })
    for (let i = 0; i < 2; i++) addShare(net, `sib${i}`, { parent: root })
    expect(net.chain.sharesAtHeight(1)).toBe(3)
    expect(verdict(net, mineShare(net, 'sib9', { parent: root }).bytes)).toMatchObject({
      kind: 'ignore',
      reason: 'siblings'
    })
    let tip = main1
    for (let i = 0; i < 4; i++) tip = addShare(net, 'bob', { parent: tip })
    // a share at height 2 on main1, tip at 5: the next share (6) names uncles from height 3 up, so
    // this one could never be named nor win
    expect(verdict(net, mineShare(net, 'late', { parent: main1 }).bytes)).toMatchObject({
      kind: 'ignore',
      reason: 'stale-share'
    })
    // the same share arriving by sync (a heavier branch) is taken
    expect(verdict(net, mineShare(net, 'late', { parent: main1 }).bytes, 'synced')).toEqual({ kind: 'accept' })
  })
})
