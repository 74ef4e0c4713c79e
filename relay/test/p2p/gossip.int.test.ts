// Three relays and Node peers on loopback, real libp2p: propagation, rejection at the first hop with
// score falling to the graylist, late-joiner sync, parent fetch, and a relay restart keeping its peer id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import { networkTopics, defaultGossipScorePolicy } from '@otedama/shared/p2p'
import {
  forgedShare,
  mineTestShare,
  publishOwnShare,
  shareIdOf,
  startTestNode,
  stopTestNodes,
  tcpAddr,
  waitFor,
  wsAddr,
  type TestNode
} from './fixtures'

const topics = networkTopics('devnet')

function meshSize(n: TestNode): number {
  const pubsub = n.node.libp2p.services.pubsub as unknown as { mesh: Map<string, Set<string>> }
  return pubsub.mesh.get(topics.share)?.size ?? 0
}

function meshOf(n: TestNode): Set<string> {
  const pubsub = n.node.libp2p.services.pubsub as unknown as { mesh: Map<string, Set<string>> }
  return pubsub.mesh.get(topics.share) ?? new Set()
}

/**
 * The share mesh has settled: every mesh link is held from both ends (each GRAFT was answered) and the
 * links join all nodes into one graph. Before that a share published at once can miss a node that is
 * still grafting: nobody has it in their mesh yet, and by the time it joins, the share has left the
 * message cache that IHAVE gossip draws from (what a late joiner's window sync is for).
 */
function meshSettled(nodes: TestNode[]): boolean {
  const ids = nodes.map((n) => n.node.peerId.toString())
  const meshes = new Map(nodes.map((n, i) => [ids[i], meshOf(n)]))
  for (const [id, mesh] of meshes)
    for (const other of mesh) if (meshes.has(other) && !meshes.get(other)!.has(id)) return false
  const reached = new Set([ids[0]])
  for (const frontier = [ids[0]]; frontier.length > 0;) {
    for (const next of meshes.get(frontier.pop()!) ?? [])
      if (meshes.has(next) && !reached.has(next)) {
        reached.add(next)
        frontier.push(next)
      }
  }
  return reached.size === ids.length
}

function hasShare(n: TestNode, share: Uint8Array): boolean {
  return n.received.some((s) => bytesToHex(s) === bytesToHex(share))
}

describe('relay gossip network (3 relays, Node peers, loopback)', () => {
  let relays: TestNode[] = []
  let peers: TestNode[] = []
  const all = (): TestNode[] => [...relays, ...peers]

  beforeAll(async () => {
    const r1 = await startTestNode()
    const r2 = await startTestNode({ bootstrap: [tcpAddr(r1.node)] })
    const r3 = await startTestNode({ bootstrap: [tcpAddr(r1.node), tcpAddr(r2.node)] })
    relays = [r1, r2, r3]
    // Peers attach over WebSockets, as browsers do: one per relay.
    peers = await Promise.all(relays.map((r) => startTestNode({ bootstrap: [wsAddr(r.node)] })))
    await waitFor('share-topic meshes', () => all().every((n) => meshSize(n) >= 1))
    await waitFor(
      'the share mesh to settle (links held from both ends, one connected graph)',
      () => meshSettled(all()),
      15_000
    )
  })

  afterAll(async () => {
    await stopTestNodes(all())
  })

  it('delivers a share published at any peer to every other node', async () => {
    for (const origin of [peers[0], peers[2], relays[1]]) {
      const share = mineTestShare(`propagation from ${origin.node.peerId.toString()}`)
      await publishOwnShare(origin, share)
      const others = all().filter((n) => n !== origin)
      await waitFor('share everywhere', () => others.every((n) => hasShare(n, share))).catch((err: Error) => {
        const missing = others.filter((n) => !hasShare(n, share)).map((n) => n.node.peerId.toString())
        throw new Error(`${err.message}: missing at ${missing.join(', ')}; mesh settled now: ${meshSettled(all())}`)
      })
      expect(hasShare(origin, share)).toBe(false) // no echo to the publisher
    }
  })

  it('rejects forged shares at the first hop and graylists their sender while honest peers keep their score', async () => {
    const entry = relays[0]
    const hostile = await startTestNode({ bootstrap: [wsAddr(entry.node)] })
    try {
      await waitFor('hostile peer in the mesh', () => meshSize(hostile) >= 1)
      const hostileId = hostile.node.peerId
      const graylisted: string[] = []
      entry.node.onGraylisted((peer) => graylisted.push(peer.toString()))
      const rejectedBefore = entry.node.metrics().gossip.share.rejected
      // gossipsub recomputes scores once per heartbeat (1 s): send one forged share per step and wait for
      // the penalty to show before the next, so each step's score is observed.
      const scores: number[] = [entry.node.scoreOf(hostileId)]
      for (let i = 0; scores.at(-1)! >= defaultGossipScorePolicy.graylistThreshold; i++) {
        expect(i).toBeLessThan(6)
        await hostile.node.publish('share', forgedShare(`forged ${i}`))
        await waitFor(
          'rejection at the entry relay',
          () => entry.node.metrics().gossip.share.rejected > rejectedBefore + i
        )
        const previous = scores.at(-1)!
        await waitFor('score to fall', () => entry.node.scoreOf(hostileId) < previous, 5_000)
        scores.push(entry.node.scoreOf(hostileId))
      }
      await waitFor('graylist report', () => graylisted.includes(hostileId.toString()), 5_000)
      expect(scores.length).toBeGreaterThan(2) // a fall over several messages, not one step
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1])
      // Nothing forged travelled past the first hop: every rejection anywhere names the forger as the
      // sender (it may have dialled nodes it discovered, and those rejected it at their first hop too).
      const rejections = all().flatMap((n) => n.rejectedFrom)
      expect(rejections.length).toBeGreaterThanOrEqual(scores.length - 1)
      expect(new Set(rejections)).toEqual(new Set([hostileId.toString()]))
      // Honest neighbours of the entry relay are not penalised.
      for (const honest of [peers[0], relays[1], relays[2]]) {
        expect(entry.node.scoreOf(honest.node.peerId)).toBeGreaterThanOrEqual(0)
      }
      // The entry relay hung up on it and refuses it when it comes back.
      await waitFor('hostile disconnected', () => entry.node.libp2p.getConnections(hostileId).length === 0, 5_000)
      expect(entry.node.bans().map((b) => b.peerId)).toContain(hostileId.toString())
      // The entry relay's gater refuses the encrypted connection and closes the socket; the forger may
      // finish its side of the upgrade first, so its end going down (or the dial failing) is the barrier.
      // A relay that let it back in would leave that connection open, and this wait would time out.
      const redial = await hostile.node.libp2p.dial(entry.node.multiaddrs()[0]).catch(() => undefined)
      await waitFor(
        'the entry relay to refuse the forger again',
        () => redial?.status !== 'open' && hostile.node.libp2p.getConnections(entry.node.peerId).length === 0,
        5_000
      )
      expect(entry.node.libp2p.getConnections(hostileId)).toHaveLength(0)
    } finally {
      await stopTestNodes([hostile])
    }
  })

  it('lets a late joiner sync the window and fetch unknown parents', async () => {
    let parent: Uint8Array | undefined
    const chain: Uint8Array[] = []
    for (let i = 0; i < 6; i++) {
      const share = mineTestShare(`chain ${i}`, parent)
      chain.push(share)
      parent = shareIdOf(share)
      await publishOwnShare(peers[0], share)
      await waitFor('chain share everywhere', () =>
        all()
          .filter((n) => n !== peers[0])
          .every((n) => hasShare(n, share))
      )
    }
    const source = relays[1]
    const joiner = await startTestNode({ bootstrap: [wsAddr(source.node)] })
    try {
      await waitFor('joiner connected', () => joiner.node.libp2p.getConnections(source.node.peerId).length > 0)
      const result = await joiner.node.catchUp(source.node.peerId, 2160)
      expect(result.reject).toBe(0)
      expect(bytesToHex(joiner.store.bestTip()!)).toBe(bytesToHex(source.store.bestTip()!))
      // The window from the tip back to the first share: exactly the chain, nothing else.
      expect([...joiner.store.byId.keys()].sort()).toEqual(chain.map((s) => bytesToHex(shareIdOf(s))).sort())

      // A second joiner skips catch-up: a new child arrives by gossip, its parents are fetched by id.
      const second = await startTestNode({ bootstrap: [wsAddr(relays[2].node)] })
      try {
        await waitFor('second joiner in the mesh', () => meshSize(second) >= 1)
        const child = mineTestShare('child after joining', parent)
        await publishOwnShare(peers[0], child)
        await waitFor(
          'parents fetched back to the first share',
          () => [...chain, child].every((s) => second.store.byId.has(bytesToHex(shareIdOf(s)))),
          15_000
        )
        expect(bytesToHex(second.store.bestTip()!)).toBe(bytesToHex(shareIdOf(child)))
      } finally {
        await stopTestNodes([second])
      }
    } finally {
      await stopTestNodes([joiner])
    }
  })

  it('keeps a relay peer id across a restart and rejoins the network', async () => {
    const old = relays[2]
    const peerId = old.node.peerId.toString()
    await stopTestNodes([old], false)
    const restarted = await startTestNode({ dataDir: old.dataDir, bootstrap: [tcpAddr(relays[0].node)] })
    relays[2] = restarted
    expect(restarted.node.peerId.toString()).toBe(peerId)
    await waitFor('restarted relay in the mesh', () => meshSize(restarted) >= 1)
    const share = mineTestShare('after restart')
    await publishOwnShare(peers[1], share)
    await waitFor('share reaches the restarted relay', () => hasShare(restarted, share))
  })
})
