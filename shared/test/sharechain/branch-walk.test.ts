// Relays whose chains grew apart converge (shared/src/p2p/parent-fetcher.ts): a missing parent is
// fetched as the whole branch back to our chain and added oldest first. Real shares and real ledgers on
// both sides; the "peer" is the other ledger's chain served the way the sync protocol's window does.
import { describe, expect, it, vi } from 'vitest'
import { ParentFetcher, type AncestorPage } from '../../src/p2p'
import { ShareLedger, syncDepthShares, type ShareNode } from '../../src/sharechain'
import { bytesToHex } from '../../src/primitives/bytes'
import { CHECKPOINT_HEIGHT, addShare, fakeHash, testNet, testRules, type Net } from './fixtures'

const rules = testRules({ windowShares: 20 })

function ledgerOf(net: Net): ShareLedger {
  const ledger = new ShareLedger({ rules, powLimit: (1n << 255n) - 1n, now: () => net.clock.now })
  ledger.anchor({ hash: fakeHash('checkpoint'), height: CHECKPOINT_HEIGHT })
  return ledger
}

/** `count` shares from a first share (prev all zero), all paying `payee`. */
function chainOf(payee: string, count: number): { net: Net; nodes: ShareNode[] } {
  const net = testNet(rules)
  const nodes: ShareNode[] = [addShare(net, payee, { parent: undefined })]
  for (let i = 1; i < count; i++) nodes.push(addShare(net, payee, { parent: nodes[i - 1] }))
  return { net, nodes }
}

/** The sync protocol's window from a tip (newest first), over a ledger's chain; counts requests. */
function servedBy(remote: ShareLedger): {
  fetchAncestors: (peer: string, tip: Uint8Array | undefined, skip: number, count: number) => Promise<AncestorPage>
  requests: number[]
} {
  const requests: number[] = []
  return {
    requests,
    fetchAncestors: async (_peer, tip, skip, count) => {
      requests.push(count)
      const from = tip === undefined ? remote.tip : remote.chain.getById(tip)
      if (from === undefined) throw new Error('unknown-tip')
      return { ...remote.chain.syncPage(from, skip, count), tip: from.id }
    }
  }
}

function fetcherFor(local: ShareLedger, remote: ShareLedger, byId = false) {
  const served = servedBy(remote)
  // By-id fetches whose shares are not all ingested yet. An ingest asks for the next parent before it
  // returns, and a fetch the rate limit lets through calls fetchById at once, so 0 means none can follow.
  let byIdRunning = 0
  const ingest = async (share: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> => {
    const entry = local.add(share, 'synced', 'sync')
    if (entry.verdict.kind === 'ignore' && entry.verdict.fetch !== undefined)
      fetcher.request(entry.verdict.fetch, 'remote')
    if (byId) byIdRunning--
    return entry.verdict.kind
  }
  const fetcher: ParentFetcher<string> = new ParentFetcher<string>({
    fetchById: async (_peer, ids) => {
      const found = ids.flatMap((id) => {
        const n = remote.chain.getById(id)
        return n === undefined ? [] : [n.bytes]
      })
      if (byId) byIdRunning += found.length
      return found
    },
    ingest,
    ...(byId
      ? {}
      : {
          fetchAncestors: served.fetchAncestors,
          missingAncestry: (share: Uint8Array) => local.missingAncestry(share),
          maxDepth: syncDepthShares(rules)
        })
  })
  return { fetcher, served, byIdRunning: () => byIdRunning }
}

/** A ledger holding a fixture chain (added as sync would). */
function ledgerWith(chain: { net: Net; nodes: ShareNode[] }): ShareLedger {
  const ledger = ledgerOf(chain.net)
  for (const n of chain.nodes) expect(ledger.add(n.bytes, 'synced', 'sync').verdict.kind).toBe('accept')
  return ledger
}

const WAIT = { timeout: 5_000, interval: 5 }

describe('branch walks: chains that grew apart converge', () => {
  it('a relay on a lighter chain adopts the heavier one from a single unknown parent', async () => {
    const heavy = ledgerWith(chainOf('alice', 40))
    const light = ledgerWith(chainOf('bob', 25))
    const { fetcher, served } = fetcherFor(light, heavy)
    // The heavier chain's tip arrives by gossip: its parent is unknown here.
    fetcher.request(heavy.tip!.parent!.id, 'remote')
    await vi.waitFor(() => {
      expect(light.tip?.key).toBe(heavy.tip!.parent!.key)
    }, WAIT)
    // Every share of the heavy chain below that parent is held, and the light chain is still there as a branch.
    expect(light.chain.size).toBe(25 + 39)
    // Pages grew from a small first one instead of one request per share.
    expect(served.requests.length).toBeLessThanOrEqual(3)
    expect(served.requests[0]).toBe(16)
  })

  it('a relay on the heavier chain keeps its tip and holds the lighter branch', async () => {
    const heavy = ledgerWith(chainOf('alice', 40))
    const light = ledgerWith(chainOf('bob', 25))
    const tipBefore = heavy.tip!.key
    const { fetcher } = fetcherFor(heavy, light)
    const result = await fetcher.walkBranch('remote', undefined) // linked to another relay: walk its best tip
    expect(result).toMatchObject({ fetched: 25, connected: true, accept: 25, reject: 0 })
    expect(heavy.tip!.key).toBe(tipBefore)
  })

  it('walking by id (one parent per request, nothing held early) gains one share per walk: the old failure', async () => {
    const heavy = ledgerWith(chainOf('alice', 30))
    const light = ledgerWith(chainOf('bob', 20))
    const { fetcher, byIdRunning } = fetcherFor(light, heavy, true)
    fetcher.request(heavy.tip!.parent!.id, 'remote')
    // Every fetch the rate limit allows, and its ingest, has finished: nothing runs, so nothing can start.
    await vi.waitFor(() => {
      expect(fetcher.fetched > 0 && byIdRunning() === 0).toBe(true)
    }, WAIT)
    expect(fetcher.fetched).toBeGreaterThan(10)
    expect(light.tip!.key).not.toBe(heavy.tip!.parent!.key)
    expect(light.chain.size).toBeLessThanOrEqual(20 + 1) // at most the other chain's first share joined
  })

  it('a branch that does not connect within the depth is remembered: its next child costs one short page', async () => {
    const heavy = ledgerWith(chainOf('alice', 30))
    // A chain held only from a restored root (its first 10 shares pruned away): it cannot connect anywhere.
    const source = chainOf('carol', 30)
    const rooted = ledgerOf(source.net)
    for (const n of source.nodes.slice(10)) rooted.add(n.bytes, 'synced', 'sync')
    expect(rooted.chain.size).toBe(20)
    const served = servedBy(rooted)
    const ingested: string[] = []
    const fetcher = new ParentFetcher<string>({
      fetchById: async () => [],
      ingest: async (share) => {
        ingested.push(bytesToHex(share))
        return heavy.add(share, 'synced', 'sync').verdict.kind
      },
      fetchAncestors: served.fetchAncestors,
      missingAncestry: (share) => heavy.missingAncestry(share)
    })
    const first = await fetcher.walkBranch('remote', source.nodes[28].id)
    expect(first).toMatchObject({ fetched: 19, connected: false, accept: 0 })
    expect(ingested).toHaveLength(0) // nothing from a branch that cannot join
    const requestsBefore = served.requests.length
    const second = await fetcher.walkBranch('remote', source.nodes[29].id)
    expect(second).toMatchObject({ fetched: 1, connected: false })
    expect(served.requests.length - requestsBefore).toBe(1)
    expect(fetcher.unconnected).toBe(2)
    expect(heavy.chain.size).toBe(30)
  })

  it('walks on past a share whose uncle we lack: the branch connects only when its uncles are held too', async () => {
    const net = testNet(rules)
    const root = addShare(net, 'alice', { parent: undefined })
    const winner = addShare(net, 'bob', { parent: root })
    const loser = addShare(net, 'carol', { parent: root })
    let tip = addShare(net, 'dave', { parent: winner })
    expect(tip.uncles).toEqual([loser])
    for (let i = 0; i < 3; i++) tip = addShare(net, 'erin', { parent: tip })
    const remote = ledgerOf(net)
    for (const n of [...net.chain.ancestors(tip, 100)].reverse().flatMap((n) => [...n.uncles, n]))
      remote.add(n.bytes, 'synced', 'sync')
    expect(remote.tip?.key).toBe(tip.key)
    // We hold the first two shares but never saw the loser of the race at height 1.
    const local = ledgerOf(net)
    for (const n of [root, winner]) expect(local.add(n.bytes, 'synced', 'sync').verdict.kind).toBe('accept')
    const { fetcher } = fetcherFor(local, remote)
    const result = await fetcher.walkBranch('remote', undefined)
    expect(result).toMatchObject({ connected: true, reject: 0, ignore: 0 })
    expect(result.fetched).toBe(5) // the four shares above the winner and the uncle, nothing below
    expect(local.tip?.key).toBe(tip.key)
    expect(local.chain.getById(loser.id)).toBeDefined()
  })
})
