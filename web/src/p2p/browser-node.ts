// The browser's libp2p 3 node: WebSockets to relays, WebRTC to other browsers (signalled through a
// circuit-relay reservation), circuit-relay transport, noise, yamux, identify, ping, gossipsub under the
// same shared policy as relays, and pubsub peer discovery. Same API shape as the relay node for shares
// and sync. No UI; the PWA composes it.
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PeerDiscovery, PeerId, PeerInfo } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import {
  createGossipScorePolicy,
  fetchAncestorPage,
  fetchWindow,
  GossipRouter,
  networkProtocols,
  networkTopics,
  ParentFetcher,
  pushShare,
  requestSync,
  sharedGossipOptions,
  SyncServer,
  frameStream,
  type FrameStream,
  type GossipMetrics,
  type FloodGuardParams,
  type GossipScorePolicy,
  type MessageValidator,
  type PubSubLike,
  type ShareSyncSource,
  type ValidatedTopicKind
} from '@otedama/shared/p2p'
import type { CatchUpResult, SharePeerNode } from '@otedama/shared/p2p'
import { browserConnectionGater } from './gater'
import { RelayHealthBook, type RelayLinkHealth } from './relay-health'
import { RelayKeeper } from './relay-keeper'
import { relayOnlyPubsubDiscovery } from './tab-discovery'
import { WebRtcDialer } from './webrtc-dialer'

/** Announce our WebRTC addresses on the discovery topic this often (ms). */
export const BROWSER_DISCOVERY_INTERVAL_MS = 5_000
/** Total connections a tab holds: a few relays, a handful of browsers, signalling links. */
export const BROWSER_MAX_CONNECTIONS = 32
/** Circuit reservations a browser asks for: one per relay link kept (RelayKeeper). */
export const BROWSER_RESERVATIONS = 2

export interface BrowserNodeOptions {
  network: string
  /** Relay multiaddrs (with /p2p/<id>) to start from. */
  relays: string[]
  /** From the page's origin (web/src/peer/dial-policy.ts `allowsInsecureLocal`): permits ws:// and private addresses. */
  allowInsecure: boolean
  /** ICE servers for WebRTC; tests pass [] (loopback only). Default: none, host candidates only. */
  iceServers?: RTCIceServer[]
  scorePolicy?: Partial<GossipScorePolicy>
  /** Per-peer gossip rate bound (@otedama/shared src/p2p/limits.ts defaults); benchmarks turn it off. */
  floodGuard?: Partial<FloodGuardParams>
}

export interface BrowserNodeHandlers {
  validators: Partial<Record<ValidatedTopicKind, MessageValidator<PeerId>>>
  /** Browsers may also answer sync (their share chain) so peers can fetch parents from them. */
  syncSource?: ShareSyncSource
  /**
   * With both: a missing parent is fetched as the branch back to our chain and added oldest first as
   * synced history (@otedama/shared/p2p: parent-fetcher.ts), not parent by parent through the live validator,
   * whose freshness rules turn away the older shares of a branch another relay's miners built.
   */
  syncedShare?: MessageValidator<PeerId>
  shareMissingAncestry?: (share: Uint8Array) => Uint8Array[]
  /** Deepest branch walk in shares (the share chain's syncDepthShares). */
  branchDepth?: number
}

export interface BrowserNode extends SharePeerNode {
  /** Peers linked by direct WebRTC (multiplexer '/webrtc', no relay limits). */
  directPeers(): string[]
  /** Relays we hold a WebSocket link to. */
  relayPeers(): string[]
  /** Every relay this tab knows with its link health (relay-health.ts), best first. */
  relayHealth(): RelayLinkHealth[]
  /** Records what a relay did for or against us (templates it served, messages we rejected). */
  relayBook: RelayHealthBook
  /** Called when a relay's last direct link closes, and when a relay link comes (back) up. */
  onRelayDown(listener: (relayId: string) => void): () => void
  onRelayUp(listener: (relayId: string) => void): () => void
  metrics(): { gossip: GossipMetrics; connections: number; directLinks: number; relayLinks: number }
}

export async function createBrowserNode(
  options: BrowserNodeOptions,
  handlers: BrowserNodeHandlers
): Promise<BrowserNode> {
  const topics = networkTopics(options.network)
  const protocols = networkProtocols(options.network)
  const policy = createGossipScorePolicy(options.scorePolicy)
  // Tabs seen on the discovery topic go to the WebRTC dialer only (tab-discovery.ts says why).
  let onTabSighting: (info: PeerInfo) => void = () => undefined
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = [
    relayOnlyPubsubDiscovery({ topics: [topics.discovery], interval: BROWSER_DISCOVERY_INTERVAL_MS }, (info) =>
      onTabSighting(info)
    )
  ]
  if (options.relays.length > 0) peerDiscovery.unshift(bootstrap({ list: options.relays }))

  const node = await createLibp2p({
    start: false,
    addresses: { listen: [...Array(BROWSER_RESERVATIONS).fill('/p2p-circuit'), '/webrtc'] },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: { iceServers: options.iceServers ?? [] } }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: browserConnectionGater(options.allowInsecure),
    connectionManager: { maxConnections: BROWSER_MAX_CONNECTIONS },
    peerDiscovery,
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({ ...sharedGossipOptions(topics, policy), doPX: false })
    }
  })
  const pubsub = node.services.pubsub as unknown as PubSubLike<PeerId>
  const router = new GossipRouter<PeerId>({
    pubsub,
    topics,
    validators: handlers.validators,
    graylistThreshold: policy.graylistThreshold,
    onFetchNeeded: (shareId, from) => parents.request(shareId, from),
    onGraylisted: (peer) => void node.hangUp(peer).catch(() => undefined),
    floodGuard: options.floodGuard,
    onFlooder: (peer) => void node.hangUp(peer).catch(() => undefined)
  })
  const open = (peer: PeerId | Multiaddr) => async (): Promise<FrameStream> =>
    frameStream(await node.dialProtocol(peer, protocols.sync))
  const fetchById = async (peer: PeerId | Multiaddr, ids: Uint8Array[]): Promise<Uint8Array[]> =>
    (await requestSync(await open(peer)(), { kind: 'byId', ids })).shares
  const { syncedShare, shareMissingAncestry, branchDepth } = handlers
  const parents: ParentFetcher<PeerId> = new ParentFetcher<PeerId>(
    syncedShare === undefined || shareMissingAncestry === undefined
      ? { fetchById, ingest: (share, from) => router.ingest('share', share, from) }
      : {
          fetchById,
          fetchAncestors: async (peer, tip, skip, count) => await fetchAncestorPage(open(peer), tip, skip, count),
          missingAncestry: shareMissingAncestry,
          ...(branchDepth !== undefined ? { maxDepth: branchDepth } : {}),
          ingest: async (share, from) => await syncedShare(share, from)
        }
  )
  const syncServer = handlers.syncSource === undefined ? undefined : new SyncServer(handlers.syncSource)
  const relays = new RelayKeeper(node)
  const webrtc = new WebRtcDialer(node)
  onTabSighting = (info) => webrtc.sighted(info)

  return {
    peerId: node.peerId,
    libp2p: node,
    async start() {
      relays.start()
      await node.start()
      router.start()
      if (syncServer !== undefined) {
        await node.handle(protocols.sync, (stream, connection) =>
          syncServer.handle(frameStream(stream), connection.remotePeer.toString())
        )
      }
      void relays.check() // connect to the known relays now rather than at the first interval
    },
    async stop() {
      webrtc.stop()
      relays.stop()
      router.stop()
      await node.stop()
    },
    multiaddrs: () => node.getMultiaddrs(),
    publish: (kind, bytes) => router.publish(kind, bytes),
    on: (kind, handler) => router.on(kind, handler),
    syncWindow: (peer, maxShares) => fetchWindow(open(peer), maxShares),
    fetchSharesById: fetchById,
    pushShare: async (peer, share) =>
      await pushShare(frameStream(await node.dialProtocol(peer, protocols.sharePush)), share),
    async catchUp(peer, maxShares) {
      const { shares } = await fetchWindow(open(peer), maxShares)
      const result: CatchUpResult = { accept: 0, reject: 0, ignore: 0 }
      for (let i = shares.length - 1; i >= 0; i--) result[await router.ingest('share', shares[i], peer)]++
      return result
    },
    directPeers: () =>
      node
        .getConnections()
        .filter((c) => c.multiplexer === '/webrtc' && c.limits == null)
        .map((c) => c.remotePeer.toString()),
    relayPeers: () => relays.connectedRelays(),
    relayHealth: () => relays.health.all(),
    relayBook: relays.health,
    onRelayDown: (listener) => relays.onRelayDown(listener),
    onRelayUp: (listener) => relays.onRelayUp(listener),
    metrics: () => ({
      gossip: router.metrics,
      connections: node.getConnections().length,
      directLinks: webrtc.directLinks(),
      relayLinks: relays.connectedRelays().length
    })
  }
}
