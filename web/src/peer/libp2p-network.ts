// Adapts the browser libp2p node (engineer E, web/src/p2p) to the peer's BrowserNetwork interface:
// topics through its gossip router, sync against a connected relay, and a per-peer view of the links.
import type { Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { networkTopics, type NetworkTopics, type PubSubLike } from '@otedama/shared/p2p'
import { createBrowserNode, isRelayAddress, type BrowserNode } from '../p2p'
import type { Verdict } from '@otedama/shared/p2p'
import type { BrowserNetwork, BrowserNetworkInit, NetworkPeer, RelayLinkView, TopicValidator } from './network'

/** Peers listed on the Peers screen at most. */
export const MAX_PEERS_LISTED = 64

export async function createLibp2pNetwork(init: BrowserNetworkInit): Promise<BrowserNetwork> {
  // Each verdict also scores the link it came over: rejects count as errors, accepted templates as fresh work.
  let scored: ((kind: string, peer: string, verdict: Verdict) => void) | undefined
  const watch =
    (kind: string, v: TopicValidator) =>
    async (bytes: Uint8Array, peer: PeerId): Promise<Verdict> => {
      const id = peer.toString()
      const verdict = await v(bytes, id)
      scored?.(kind, id, verdict)
      return verdict
    }
  const node = await createBrowserNode(
    { network: init.network, relays: init.relayAddrs, allowInsecure: init.allowInsecureLocal, iceServers: [] },
    {
      validators: Object.fromEntries(Object.entries(init.validators).map(([kind, v]) => [kind, watch(kind, v)])),
      ...(init.syncSource !== undefined ? { syncSource: init.syncSource } : {}),
      ...(init.syncedShare !== undefined ? { syncedShare: watch('share', init.syncedShare) } : {}),
      ...(init.shareMissingAncestry !== undefined ? { shareMissingAncestry: init.shareMissingAncestry } : {}),
      ...(init.branchDepth !== undefined ? { branchDepth: init.branchDepth } : {})
    }
  )
  scored = (kind, id, verdict) => {
    if (!node.relayBook.has(id)) return // browsers are scored by gossipsub, relays here
    if (verdict.kind === 'reject') node.relayBook.error(id)
    else if (kind === 'template' && verdict.kind === 'accept') node.relayBook.templateSeen(id)
  }
  await node.start()
  return new Libp2pNetwork(
    node,
    networkTopics(init.network),
    init.relayAddrs.map((a) => multiaddr(a))
  )
}

class Libp2pNetwork implements BrowserNetwork {
  readonly selfId: string

  constructor(
    private readonly node: BrowserNode,
    private readonly topics: NetworkTopics,
    private readonly relayAddrs: Multiaddr[]
  ) {
    this.selfId = node.peerId.toString()
  }

  topicPeers(kind: 'share' | 'block'): number {
    const pubsub = this.node.libp2p.services.pubsub as { getSubscribers?: (topic: string) => unknown[] } | undefined
    return pubsub?.getSubscribers?.(this.topics[kind]).length ?? 0
  }

  async publish(kind: 'share' | 'block', bytes: Uint8Array): Promise<number> {
    if (this.topicPeers(kind) === 0) return 0
    return await this.node.publish(kind, bytes)
  }

  on(kind: Parameters<BrowserNetwork['on']>[0], handler: (bytes: Uint8Array, from: string) => void): () => void {
    return this.node.on(kind, (bytes, peer) => handler(bytes, peer.toString()))
  }

  async syncWindow(maxShares: number): Promise<Uint8Array[]> {
    return (await this.node.syncWindow(this.relay(), maxShares)).shares
  }

  async fetchSharesById(ids: Uint8Array[]): Promise<Uint8Array[]> {
    return await this.node.fetchSharesById(this.relay(), ids)
  }

  async pushShare(bytes: Uint8Array): Promise<Verdict> {
    return await this.node.pushShare(this.relay(), bytes)
  }

  peers(): NetworkPeer[] {
    const relays = new Set(this.node.relayPeers())
    const pubsub = this.node.libp2p.services.pubsub as PubSubLike | undefined
    const byPeer = new Map<string, NetworkPeer>()
    for (const conn of this.node.libp2p.getConnections()) {
      const id = conn.remotePeer.toString()
      const link = linkOf(conn)
      const known = byPeer.get(id)
      // A direct link outranks a relayed one to the same peer.
      if (known !== undefined && rank(known.link) >= rank(link)) continue
      const peer: NetworkPeer = { id, kind: relays.has(id) || link === 'websocket' ? 'relay' : 'browser', link }
      if (conn.rtt !== undefined) peer.latencyMs = Math.round(conn.rtt)
      const score = pubsub?.getScore(id)
      if (score !== undefined && Number.isFinite(score)) peer.score = score
      byPeer.set(id, peer)
    }
    return [...byPeer.values()].slice(0, MAX_PEERS_LISTED)
  }

  onRelayConnected(handler: () => void): () => void {
    const listener = (evt: CustomEvent<Connection>): void => {
      if (isRelayAddress(evt.detail.remoteAddr)) handler()
    }
    this.node.libp2p.addEventListener('connection:open', listener)
    return () => this.node.libp2p.removeEventListener('connection:open', listener)
  }

  onRelayDown(handler: (relayId: string) => void): () => void {
    return this.node.onRelayDown(handler)
  }

  relayHealth(): RelayLinkView[] {
    return this.node.relayHealth().map(({ id, connected, latencyMs, recentErrors, lastTemplateAt, score }) => ({
      id,
      connected,
      recentErrors,
      score,
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(lastTemplateAt !== undefined ? { lastTemplateAt } : {})
    }))
  }

  relayErred(relayId: string): void {
    this.node.relayBook.error(relayId)
  }

  async stop(): Promise<void> {
    await this.node.stop()
  }

  /** The best-scored relay we are linked to (by peer id), else the page's relay address (dialled on demand). */
  private relay(): PeerId | Multiaddr {
    const linked = new Set(this.node.relayPeers())
    const connected = this.node.relayHealth().find((h) => linked.has(h.id))?.id ?? this.node.relayPeers()[0]
    if (connected !== undefined) return peerIdFromString(connected)
    const addr = this.relayAddrs[0]
    if (addr === undefined) throw new Error('no relay to sync with')
    return addr
  }
}

/** How a connection reaches the peer: direct WebRTC, through a relay's circuit, or straight over WebSockets. */
export function linkOf(conn: Pick<Connection, 'multiplexer' | 'limits' | 'remoteAddr'>): NetworkPeer['link'] {
  if (conn.multiplexer === '/webrtc' && conn.limits == null) return 'webrtc'
  return Circuit.matches(conn.remoteAddr) ? 'relayed' : 'websocket'
}

function rank(link: NetworkPeer['link']): number {
  return link === 'webrtc' ? 2 : link === 'websocket' ? 1 : 0
}
