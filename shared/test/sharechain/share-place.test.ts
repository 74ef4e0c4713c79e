// Where a share stands (share-place.ts): on the best chain, credited as an uncle, or on a side branch.
import { describe, expect, it } from 'vitest'
import { sharePlace } from '../../src/sharechain'
import { addShare, testNet } from './fixtures'

describe('sharePlace', () => {
  it('tells a best-chain share, a raced share named as uncle, and a side branch no one named', () => {
    const net = testNet()
    const root = addShare(net, 'alice', { parent: undefined })
    const winner = addShare(net, 'bob', { parent: root })
    const loser = addShare(net, 'carol', { parent: root })
    const nephew = addShare(net, 'dave', { parent: winner })
    expect(nephew.uncles).toEqual([loser])
    // a side branch two deep: its child cannot be an uncle (its parent is not a best-chain ancestor)
    const sideChild = addShare(net, 'erin', { parent: loser, mode: 'synced' })
    let tip = nephew
    for (let i = 0; i < 3; i++) tip = addShare(net, 'frank', { parent: tip })
    expect(net.chain.tip).toBe(tip)

    expect(sharePlace(net.chain, winner, 100)).toEqual({ place: 'main' })
    expect(sharePlace(net.chain, root, 100)).toEqual({ place: 'main' })
    expect(sharePlace(net.chain, tip, 100)).toEqual({ place: 'main' })
    expect(sharePlace(net.chain, loser, 100)).toEqual({ place: 'uncle', nephew })
    expect(sharePlace(net.chain, sideChild, 100)).toEqual({ place: 'side' })
    // the walk is bounded: root is 6 below the tip's height + 1
    expect(sharePlace(net.chain, root, tip.height - root.height)).toEqual({ place: 'too-deep' })
    expect(sharePlace(net.chain, root, tip.height - root.height + 1)).toEqual({ place: 'main' })
  })
})
