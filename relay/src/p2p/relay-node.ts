// The relay's libp2p 3 node: TCP (relays) + WebSockets (browsers), noise, yamux, identify, ping,
// circuit-relay v2 server for browsers' WebRTC signalling, gossipsub under the shared policy, kad-dht in
// server mode on a private protocol id, optional mDNS, bootstrap list, persistent key, and the sync and
// template protocols. The relay process composes it through the small API at the bottom.
import './shims'
import type { CatchUpResult, SharePeerNode } from '@otedama/shared/p2p'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PeerId, PeerDiscovery } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { pubsubPeerDiscovery } from '@libp2p/pubsub-peer-discovery'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { createLogger } from '@otedama/shared/log'
import { sha256d } from '@otedama/shared/primitives'
import {
  createGossipScorePolicy,
  fetchAncestorPage,
  fetchWindow,
  GossipRouter,
  ParentFetcher,
  networkProtocols,
  networkTopics,
  pushShare,
  requestSync,
  requestTemplate,
  SharePushServer,
  sharedGossipOptions,
  SyncServer,
  TemplateServer,
  type AncestorPage,
  frameStream,
  type FrameStream,
  type FullTemplateSource,
  MAX_BLOCK_MESSAGE_BYTES,
  MAX_GOSSIP_DATA_BYTES,
  type GossipMetrics,
  type MessageValidator,
  type PubSubLike,
  type ShareSyncSource,
  type TopicKind,
  type ValidatedTopicKind,
  type Verdict,
  type VerdictKind
} from '@otedama/shared/p2p'
import {
  RELAY_INBOUND_CONNECTIONS_PER_HOST_PER_SECOND,
  RELAY_MAX_CONNECTIONS,
  RELAY_MESH_DEGREE,
  RELAY_MESH_DEGREE_HIGH,
  RELAY_MESH_DEGREE_LOW,
  RELAY_MAX_PENDING_INBOUND,
  RELAY_MAX_RESERVATIONS,
  RELAY_MAX_SYNC_STREAMS_PER_PEER,
  RELAY_MAX_SHARE_PUSH_STREAMS_PER_PEER,
  RELAY_MAX_TEMPLATE_STREAMS_PER_PEER,
  RELAY_RESERVATION_TTL_MS,
  RELAY_YAMUX_MAX_STREAM_WINDOW_BYTES,
  RELAYED_CONNECTION_DATA_BYTES,
  RELAYED_CONNECTION_DURATION_MS,
  listenAddrs,
  validateRelayP2pConfig,
  type RelayP2pConfig
} from './config'
import { loadOrCreatePeerKey } from './peer-key'
import { PeerBanList } from './ban-list'
import { walkChainsOnRelayLinks } from './relay-links'

const log = createLogger('p2p:relay')

/** Announce our addresses on the discovery topic this often (ms), so browsers learn more relays. */
export const DISCOVERY_ANNOUNCE_INTERVAL_MS = 10_000

export interface RelayNodeHandlers {
  /** Validators per topic (C's share chain, quorum); topics without one are not subscribed. */
  validators: Partial<Record<ValidatedTopicKind, MessageValidator<PeerId>>>
  /**
   * Validates shares that arrive by sync or parent fetch rather than live gossip (the share chain's
   * 'synced' rules: an old prev block is history, not stale). Defaults to the share topic's validator.
   */
  syncedShare?: MessageValidator<PeerId>
  /** Serves /otedama/<net>/sync/1 when given. */
  syncSource?: ShareSyncSource
  /**
   * What a fetched share references (parent, uncles) that we do not hold. When given, a missing parent is fetched
   * as the whole branch back to our chain (@otedama/shared/p2p: parent-fetcher.ts), and on linking to
   * another relay its chain is walked the same way, so relays whose chains grew apart converge.
   */
  shareMissingAncestry?: (share: Uint8Array) => Uint8Array[]
  /** Deepest branch walk in shares (the share chain's syncDepthShares). */
  branchDepth?: number
  /**
   * devnet only: the embedded chain's blocks, served on the devnet-blocks protocol (the sync protocol's
   * framing) and fetched back to our chain when a block's parent is missing or on linking to a relay.
   */
  devnetBlocks?: DevnetBlockSync
  /** Serves /otedama/<net>/template/1 when given (committee members fetch full templates). */
  templateSource?: FullTemplateSource
  /** Extra score from the application (P5), e.g. reputation of relays; 0 by default. */
  appSpecificScore?: (peerId: string) => number
}

export interface DevnetBlockSync {
  /** Our blocks as sync items (header + legacy coinbase, as on the block topic), by hash. */
  source: ShareSyncSource
  /** The fetched block's parent when we do not hold it, else nothing. */
  missingAncestry(block: Uint8Array): Uint8Array[]
  /** Checks and adds a fetched block (the block topic's validator). */
  ingest(block: Uint8Array, from: PeerId): Promise<Verdict>
  /** Deepest walk back, in blocks. */
  maxDepth: number
}

export interface RelayNodeMetrics {
  gossip: GossipMetrics
  connections: number
  gossipPeers: number
  /** Peers in our gossipsub mesh for the share topic (those we forward every share to at once). */
  shareMeshPeers: number
  reservations: number
  banned: number
  syncServed: number
  syncRefused: number
  /** Shares pushed to us (share-push protocol), by verdict when judged; refused: over rate or oversized. */
  sharePush: { accepted: number; rejected: number; ignored: number; refused: number }
  /** Gossip messages waiting for validation (all peers). */
  validationQueue: number
  /** Gossip RPC frames over the inbound size limit (dropped undecoded, charged to the sender). */
  oversizedFrames: number
}

/** @libp2p/gossipsub 17's GossipSub class has getMeshPeers; its exported interface leaves it out. */
interface GossipMeshView {
  getMeshPeers: (topic: string) => string[]
}

/** @libp2p/gossipsub 17's peer score: the invalid-delivery count a rejected gossip message adds to (P4). */
interface GossipScoreView {
  score: { rejectInvalidMessage(from: string, topic: string): void }
}

/** A banned peer as the operator sees it. */
export interface PeerBan {
  peerId: string
  until: number
  reason: string
}

export type { CatchUpResult } from '@otedama/shared/p2p'

export interface RelayNode extends SharePeerNode {
  /** Queues attestations; they leave in one batch within the batching window. */
  publishAttestations(items: readonly Uint8Array[]): void
  fetchTemplate(peer: PeerId | Multiaddr, templateId: Uint8Array): Promise<Uint8Array>
  scoreOf(peer: PeerId | string): number
  onGraylisted(handler: (peer: PeerId, score: number) => void): () => void
  metrics(): RelayNodeMetrics
  /**
   * Gossip state of one topic: peers we know subscribe to it (a message we publish goes to each of them)
   * and peers in our mesh for it (those we forward others' messages to at once). Both change at the
   * gossipsub heartbeat; callers wait on them instead of on the heartbeat's period.
   */
  topicPeers(kind: TopicKind): { subscribers: number; mesh: number }
  /** Peers refused now (graylisted, flooding), for the operator. */
  bans(): PeerBan[]
  /** Lifts a peer's ban (the operator's call); true when there was one. */
  liftBan(peerId: string): boolean
}

/**
 * IDONTWANT (gossipsub 1.2) is sent to every mesh peer for each message above this size before the
 * message is validated; on a relay with hundreds of mesh peers that turns each flood message into
 * hundreds of writes. Above the largest accepted message, so the relay never sends it (peers may).
 */
export const RELAY_IDONTWANT_MIN_DATA_BYTES = MAX_GOSSIP_DATA_BYTES + 1

type RelayServices = { pubsub: ReturnType<ReturnType<typeof gossipsub>>; relay: CircuitRelayService } & Record<
  string,
  unknown
>

export async function createRelayNode(config: RelayP2pConfig, handlers: RelayNodeHandlers): Promise<RelayNode> {
  validateRelayP2pConfig(config)
  const topics = networkTopics(config.network)
  const protocols = networkProtocols(config.network)
  const policy = createGossipScorePolicy(config.scorePolicy)
  const bans = new PeerBanList(policy.banMs)
  const privateKey = await loadOrCreatePeerKey(config.dataDir)

  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  if ((config.bootstrap ?? []).length > 0) peerDiscovery.push(bootstrap({ list: config.bootstrap ?? [] }))
  if (config.mdns === true) peerDiscovery.push(mdns())
  if (config.pubsubDiscovery !== false)
    peerDiscovery.push(pubsubPeerDiscovery({ topics: [topics.discovery], interval: DISCOVERY_ANNOUNCE_INTERVAL_MS }))

  const node = await createLibp2p({
    start: false,
    privateKey,
    addresses: {
      listen: listenAddrs(config).map(String),
      announce: config.announce
    },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    // A capped window bounds what a slow or flooding peer can have in flight to us per stream.
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: RELAY_YAMUX_MAX_STREAM_WINDOW_BYTES } })],
    peerDiscovery,
    connectionManager: {
      maxConnections: config.maxConnections ?? RELAY_MAX_CONNECTIONS,
      maxIncomingPendingConnections: RELAY_MAX_PENDING_INBOUND,
      inboundConnectionThreshold:
        config.inboundConnectionsPerHostPerSecond ?? RELAY_INBOUND_CONNECTIONS_PER_HOST_PER_SECOND
    },
    connectionGater: {
      denyInboundEncryptedConnection: (peer) => bans.has(peer.toString()),
      denyDialPeer: (peer) => bans.has(peer.toString()),
      ...(config.allowPrivateAddresses === true ? { denyDialMultiaddr: () => false } : {})
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        reservations: {
          maxReservations: config.maxReservations ?? RELAY_MAX_RESERVATIONS,
          reservationTtl: RELAY_RESERVATION_TTL_MS,
          applyDefaultLimit: true,
          defaultDurationLimit: RELAYED_CONNECTION_DURATION_MS,
          defaultDataLimit: RELAYED_CONNECTION_DATA_BYTES
        }
      }),
      pubsub: gossipsub({
        ...sharedGossipOptions(topics, policy, handlers.appSpecificScore),
        doPX: true,
        idontwantMinDataSize: RELAY_IDONTWANT_MIN_DATA_BYTES,
        D: RELAY_MESH_DEGREE,
        Dlo: RELAY_MESH_DEGREE_LOW,
        Dhi: config.maxConnections ?? RELAY_MESH_DEGREE_HIGH
      }),
      dht: kadDHT({
        protocol: protocols.kadDht,
        clientMode: false,
        peerInfoMapper: config.allowPrivateAddresses === true ? passthroughMapper : removePrivateAddressesMapper
      })
    }
  })
  const services = node.services as unknown as RelayServices
  const pubsub = services.pubsub as unknown as PubSubLike<PeerId>
  const graylistHandlers = new Set<(peer: PeerId, score: number) => void>()
  const router = new GossipRouter<PeerId>({
    pubsub,
    topics,
    validators: handlers.validators,
    graylistThreshold: policy.graylistThreshold,
    // The message that named the missing id is validated again once the fetch is done: the relay keeps no
    // share seen before its parent, and gossip ignored this one (@otedama/shared/p2p: parent-fetcher.ts).
    onFetchNeeded: (id, from, kind, message) =>
      (kind === 'block' && blockParents !== undefined ? blockParents : parents).request(
        id,
        from,
        async () => await router.ingest(kind, message, from)
      ),
    floodGuard: config.floodGuard,
    onGraylisted: (peer, score) => {
      banAndHangUp(peer)
      for (const handler of graylistHandlers) handler(peer, score)
    },
    onFlooder: (peer) => banAndHangUp(peer, 'flooding gossip (rate or oversized frames)')
  })
  const banAndHangUp = (peer: PeerId, reason = 'gossip score below the graylist threshold'): void => {
    bans.add(peer.toString(), reason)
    router.forgetPeer(peer)
    void node.hangUp(peer).catch((err: Error) => log.debug(`hang up ${peer.toString()}: ${err.message}`))
  }
  // gossipsub drops an RPC frame over its inbound limit (it-length-prefixed's InvalidDataLengthError)
  // and forgets the peer's stream, at no cost to the sender: charge it to the sender's flood excess.
  const gossip = services.pubsub as unknown as { handlePeerReadStreamError(err: Error, peer: PeerId): void }
  const dropStream = gossip.handlePeerReadStreamError.bind(gossip)
  gossip.handlePeerReadStreamError = (err: Error, peer: PeerId): void => {
    if (err?.name === 'InvalidDataLengthError' || err?.name === 'InvalidDataLengthLengthError')
      router.oversizedFrame(peer)
    dropStream(err, peer)
  }
  node.addEventListener('peer:disconnect', (event) => router.forgetPeer(event.detail))
  const fetchById = async (peer: PeerId | Multiaddr, ids: Uint8Array[]): Promise<Uint8Array[]> =>
    (await requestSync(await open(peer, protocols.sync)(), { kind: 'byId', ids })).shares
  const ingestSynced = async (share: Uint8Array, from: PeerId): Promise<VerdictKind> => {
    if (handlers.syncedShare === undefined) return await router.ingest('share', share, from)
    try {
      const verdict = await handlers.syncedShare(share, from)
      // A fetched share whose own parent is missing: keep walking back, as gossip does.
      if (verdict.kind === 'ignore' && verdict.fetch !== undefined) parents.request(verdict.fetch, from)
      return verdict.kind
    } catch {
      return 'ignore'
    }
  }
  const fetchAncestors = async (
    peer: PeerId,
    tip: Uint8Array | undefined,
    skip: number,
    count: number
  ): Promise<AncestorPage> => await fetchAncestorPage(open(peer, protocols.sync), tip, skip, count)
  const parents = new ParentFetcher<PeerId>({
    fetchById,
    ingest: ingestSynced,
    ...(handlers.shareMissingAncestry !== undefined
      ? { fetchAncestors, missingAncestry: handlers.shareMissingAncestry }
      : {}),
    ...(handlers.branchDepth !== undefined ? { maxDepth: handlers.branchDepth } : {})
  })
  const devnetBlocks = handlers.devnetBlocks
  const blockParents: ParentFetcher<PeerId> | undefined =
    devnetBlocks === undefined
      ? undefined
      : new ParentFetcher<PeerId>({
          fetchById: async (peer, ids) =>
            (
              await requestSync(
                await open(peer, protocols.devnetBlocks)(),
                { kind: 'byId', ids },
                MAX_BLOCK_MESSAGE_BYTES
              )
            ).shares,
          fetchAncestors: async (peer, tip, skip, count) =>
            await fetchAncestorPage(open(peer, protocols.devnetBlocks), tip, skip, count, MAX_BLOCK_MESSAGE_BYTES),
          missingAncestry: (block) => devnetBlocks.missingAncestry(block),
          idOf: (block) => sha256d(block.subarray(0, 80)),
          maxDepth: devnetBlocks.maxDepth,
          ingest: async (block, from) => await devnetBlocks.ingest(block, from)
        })
  const devnetBlockServer =
    devnetBlocks === undefined
      ? undefined
      : new SyncServer(devnetBlocks.source, { maxItemBytes: MAX_BLOCK_MESSAGE_BYTES })
  walkChainsOnRelayLinks(node, [
    ...(blockParents !== undefined
      ? [{ what: 'devnet blocks', protocol: protocols.devnetBlocks, fetcher: blockParents }]
      : []),
    ...(handlers.shareMissingAncestry !== undefined
      ? [{ what: 'shares', protocol: protocols.sync, fetcher: parents }]
      : [])
  ])
  const syncServer = handlers.syncSource === undefined ? undefined : new SyncServer(handlers.syncSource)
  const templateServer = handlers.templateSource === undefined ? undefined : new TemplateServer(handlers.templateSource)
  const open = (peer: PeerId | Multiaddr, protocol: string) => async (): Promise<FrameStream> =>
    frameStream(await node.dialProtocol(peer, protocol))
  // A pushed share is judged as a live gossip share from its pusher (rate bound, size, fair queue,
  // validator); an invalid one costs the pusher what an invalid gossip share costs its sender, and an
  // accepted one is forwarded on gossip as our own, so other relays get it (@otedama/shared/p2p: share-push.ts).
  const penalize = (peer: PeerId): void =>
    (services.pubsub as unknown as GossipScoreView).score.rejectInvalidMessage(peer.toString(), topics.share)
  const sharePushServer =
    handlers.validators.share === undefined
      ? undefined
      : new SharePushServer<PeerId>({
          judge: async (share, peer) => {
            const verdict = await router.admit('share', share, peer)
            if (verdict.kind === 'reject') penalize(peer)
            else if (verdict.kind === 'accept') void router.publish('share', share)
            return verdict
          },
          onOversized: penalize
        })

  return {
    peerId: node.peerId,
    libp2p: node,
    async start() {
      await node.start()
      router.start()
      if (syncServer !== undefined) {
        await node.handle(
          protocols.sync,
          (stream, connection) => syncServer.handle(frameStream(stream), connection.remotePeer.toString()),
          {
            maxInboundStreams: RELAY_MAX_SYNC_STREAMS_PER_PEER
          }
        )
      }
      if (sharePushServer !== undefined) {
        await node.handle(
          protocols.sharePush,
          (stream, connection) => sharePushServer.handle(frameStream(stream), connection.remotePeer),
          { maxInboundStreams: RELAY_MAX_SHARE_PUSH_STREAMS_PER_PEER }
        )
      }
      if (devnetBlockServer !== undefined) {
        await node.handle(
          protocols.devnetBlocks,
          (stream, connection) => devnetBlockServer.handle(frameStream(stream), connection.remotePeer.toString()),
          {
            maxInboundStreams: RELAY_MAX_SYNC_STREAMS_PER_PEER
          }
        )
      }
      if (templateServer !== undefined) {
        await node.handle(
          protocols.template,
          (stream, connection) => templateServer.handle(frameStream(stream), connection.remotePeer.toString()),
          { maxInboundStreams: RELAY_MAX_TEMPLATE_STREAMS_PER_PEER }
        )
      }
      log.info(`relay ${node.peerId.toString()} listening on ${node.getMultiaddrs().map(String).join(' ')}`)
    },
    async stop() {
      router.stop()
      await node.stop()
    },
    multiaddrs: () => node.getMultiaddrs(),
    publish: (kind, bytes) => router.publish(kind, bytes),
    publishAttestations: (items) => router.publishAttestations(items),
    on: (kind, handler) => router.on(kind, handler),
    syncWindow: (peer, maxShares) => fetchWindow(open(peer, protocols.sync), maxShares),
    fetchSharesById: fetchById,
    pushShare: async (peer, share) => await pushShare(await open(peer, protocols.sharePush)(), share),
    async catchUp(peer, maxShares) {
      const { shares } = await fetchWindow(open(peer, protocols.sync), maxShares)
      const result: CatchUpResult = { accept: 0, reject: 0, ignore: 0 }
      for (let i = shares.length - 1; i >= 0; i--) result[await ingestSynced(shares[i], peer)]++
      return result
    },
    fetchTemplate: async (peer, templateId) => requestTemplate(await open(peer, protocols.template)(), templateId),
    scoreOf: (peer) => pubsub.getScore(peer.toString()),
    onGraylisted(handler) {
      graylistHandlers.add(handler)
      return () => graylistHandlers.delete(handler)
    },
    metrics: () => ({
      gossip: router.metrics,
      connections: node.getConnections().length,
      gossipPeers: pubsub.getPeers().length,
      shareMeshPeers: (services.pubsub as unknown as GossipMeshView).getMeshPeers(topics.share).length,
      reservations: services.relay.reservations.size,
      banned: bans.size,
      syncServed: syncServer?.served ?? 0,
      syncRefused: syncServer?.refused ?? 0,
      sharePush: {
        accepted: sharePushServer?.accepted ?? 0,
        rejected: sharePushServer?.rejected ?? 0,
        ignored: sharePushServer?.ignored ?? 0,
        refused: sharePushServer?.refused ?? 0
      },
      validationQueue: router.queuedForValidation,
      oversizedFrames: router.oversizedFrames
    }),
    topicPeers: (kind) => ({
      subscribers: services.pubsub.getSubscribers(topics[kind]).length,
      mesh: (services.pubsub as unknown as GossipMeshView).getMeshPeers(topics[kind]).length
    }),
    bans: () => bans.list(),
    liftBan: (peerId) => bans.lift(peerId)
  }
}

export function parseMultiaddr(addr: string): Multiaddr {
  return multiaddr(addr)
}
