// Sync that never rejects valid history (README "Sync"): a late joiner that holds only part of the
// chain takes every valid synced share, judges only what its history reaches, and never punishes
// a sender for a rule it could not check; one that syncs syncDepthShares judges live shares in full.
import { describe, expect, it } from 'vitest'
import { ShareLedger, syncDepthShares, type ShareNode } from '../../src/sharechain'
import { concatBytes } from '../../src/primitives/bytes'
import { sha256d } from '../../src/primitives/hash'
import { meetsTarget } from '../../src/primitives/target'
import { serializePayouts, serializeShareCoinbase } from '../../src/sharechain'
import {
  CHECKPOINT_HEIGHT,
  addShare,
  fakeHash,
  mineShare,
  nextExtranonce,
  shareWithCoinbase,
  testNet,
  testRules,
  type Net
} from './fixtures'

function joiner(net: Net): ShareLedger {
  const ledger = new ShareLedger({ rules: net.rules, powLimit: (1n << 255n) - 1n, now: () => net.clock.now })
  ledger.anchor({ hash: fakeHash('checkpoint'), height: CHECKPOINT_HEIGHT })
  return ledger
}

/** A chain of `count` shares whose spacing (and so whose required bits) keeps changing. */
function varyingChain(net: Net, count: number): ShareNode[] {
  const nodes: ShareNode[] = [addShare(net, 'p0', { parent: undefined })]
  for (let i = 1; i < count; i++) {
    const gap = [4, 6, 5, 7, 3, 9][i % 6]
    nodes.push(addShare(net, `p${i % 3}`, { parent: nodes[i - 1], timestamp: nodes[i - 1].timestamp + gap }))
  }
  return nodes
}

describe('ledger sync', () => {
  it('a late joiner holding the last 10 of 40 shares with varying bits takes them all and rejects nothing', () => {
    const net = testNet(testRules({ windowShares: 20 }))
    const nodes = varyingChain(net, 40)
    expect(new Set(nodes.map((n) => n.bits)).size).toBeGreaterThan(3) // the bits really vary
    const late = joiner(net)
    const verdicts = nodes.slice(-10).map((n) => late.add(n.bytes, 'synced', 'sync').verdict)
    expect(verdicts.every((v) => v.kind === 'accept')).toBe(true)
    expect(late.tip?.key).toBe(nodes[39].key)
    // a live share on that tip cannot be judged yet (payouts need the window): ignored, never rejected
    const live = mineShare(net, 'p1', { parent: nodes[39] }).bytes
    expect(late.add(live, 'live', 'gossip').verdict).toMatchObject({ kind: 'ignore', reason: 'incomplete-history' })
  })

  it('a joiner far behind that syncs syncDepthShares judges the next live share in full', () => {
    const rules = testRules({ windowShares: 8 })
    const net = testNet(rules)
    const depth = syncDepthShares(rules)
    const nodes = varyingChain(net, depth + 30)
    const late = joiner(net)
    for (const n of nodes.slice(-depth)) expect(late.add(n.bytes, 'synced', 'sync').verdict).toEqual({ kind: 'accept' })
    expect(late.chain.historyComplete(late.tip)).toBe(true)
    const live = mineShare(net, 'p2', { parent: nodes[nodes.length - 1] }).bytes
    expect(late.add(live, 'live', 'gossip').verdict).toEqual({ kind: 'accept' })
    // and it catches a wrong payout now: a share on the same parent paying only its finder
    const { job } = mineShare(net, 'p3', { parent: nodes[nodes.length - 1] })
    const greedyPayouts = serializePayouts([{ script: job.info.payoutScript, value: job.info.coinbaseValue }])
    const scriptSig = concatBytes(job.scriptSigPrefix, nextExtranonce())
    const coinbase = serializeShareCoinbase({
      version: job.coinbaseVersion,
      scriptSig,
      payouts: greedyPayouts,
      networkTag: net.rules.networkTag,
      shareInfoBytes: job.infoBytes,
      witnessCommitment: job.template.witnessCommitment,
      locktime: job.locktime
    })
    expect(late.add(shareWithCoinbase(net, job, coinbase, scriptSig), 'live', 'gossip').verdict).toMatchObject({
      kind: 'reject',
      reason: 'merkle-root'
    })
  })

  it('synced history is still PoW-checked: a share above its own target is rejected even there', () => {
    const net = testNet(testRules({ windowShares: 20 }))
    const nodes = varyingChain(net, 15)
    const late = joiner(net)
    for (const n of nodes.slice(-5, -1)) late.add(n.bytes, 'synced', 'sync')
    // the last share with another nonce whose hash misses the share's own target
    const last = nodes[nodes.length - 1]
    const bad = last.bytes.slice()
    const nonceAt = 1 + 8 + 76
    for (let n = 0; meetsTarget(sha256d(bad.subarray(9, 89)), last.target); n++)
      new DataView(bad.buffer).setUint32(nonceAt, n, true)
    const v = late.add(bad, 'synced', 'sync').verdict
    expect(v).toMatchObject({ kind: 'reject', reason: 'pow' })
  })

  it('a window with uncles syncs whole: each uncle comes with the share that names it (ShareChain.syncPage)', () => {
    const net = testNet(testRules({ windowShares: 20 }))
    const root = addShare(net, 'p0', { parent: undefined })
    const winner = addShare(net, 'p1', { parent: root })
    const loser = addShare(net, 'p2', { parent: root }) // lost the race at height 1
    let tip = addShare(net, 'p0', { parent: winner })
    expect(tip.uncles).toEqual([loser])
    for (let i = 0; i < 5; i++) tip = addShare(net, `p${i % 3}`, { parent: tip })
    // The main chain alone (what a window of ancestors held): the share naming the uncle cannot join.
    const mainOnly = joiner(net)
    const ancestorsOnly = [...net.chain.ancestors(tip, 100)].reverse()
    const verdicts = ancestorsOnly.map((n) => mainOnly.add(n.bytes, 'synced', 'sync').verdict)
    expect(verdicts[2]).toMatchObject({ kind: 'ignore', reason: 'unknown-parent' }) // names the uncle it lacks
    // Pages with the uncles, fetched in pieces of 3 as a joiner pages through a reply.
    const late = joiner(net)
    const page: Uint8Array[] = []
    for (let skip = 0, more = true; more; skip += 3) {
      const reply = net.chain.syncPage(tip, skip, 3)
      page.push(...reply.shares)
      more = reply.more
    }
    expect(page).toHaveLength(ancestorsOnly.length + 1)
    for (const bytes of page.reverse()) expect(late.add(bytes, 'synced', 'sync').verdict).toEqual({ kind: 'accept' })
    expect(late.tip?.key).toBe(tip.key)
    expect(late.chain.getById(loser.id)).toBeDefined()
    expect(late.chain.tipWindow().totalWeight).toBe(net.chain.tipWindow().totalWeight)
  })
})
