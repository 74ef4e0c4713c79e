// The scenario bench's browser-like peer: the PWA's own PeerSession (web/src/peer/session.ts: the
// shared share-chain validation, header chain, template quorum, window sync and outbox a tab runs),
// joined to a relay through a Node libp2p node that speaks what a tab speaks to a relay (WebSockets,
// noise, yamux, gossipsub under the shared policy, the sync protocol). What the tab adds on top (WebRTC
// to other tabs, relay health scoring) is left out: these peers reach each other through relays only.
// Every validator call is timed and every accepted share's arrival is stamped with the wall clock.
// Not a benchmark itself (no .bench.ts suffix).
/// <reference types="svelte" />
// (The PWA's modules name a Svelte state type: its rune declarations let tsc check them here.)
import '../relay/src/p2p/shims'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PeerId } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
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
  frameStream,
  type FrameStream,
  type PubSubLike,
  type ValidatedTopicKind,
  type Verdict
} from '@otedama/shared/p2p'
import { bytesToHex } from '@otedama/shared/primitives'
import { decodeShare, shareIdOf } from '@otedama/shared/sharechain'
import { createLibp2p } from 'libp2p'
import type { RelayStatus } from '../web/src/app/state/relay-status'
import type { HistoryEntry, OutboxEntry } from '../web/src/storage/db'
import type { BrowserNetwork, BrowserNetworkInit, TopicValidator } from '../web/src/peer/network'
import type { OutboxStore } from '../web/src/peer/outbox'
import { fetchRelayWork } from '../web/src/peer/relay-work'
import { PeerSession } from '../web/src/peer/session'

/** Connections one peer holds: its relay and the links libp2p opens on its own (a tab's budget is 32). */
const PEER_MAX_CONNECTIONS = 8

/** What one peer saw: each validator call by topic ([wall-clock ms at its end, its duration ms]), and accepted shares (id hex -> wall-clock ms). */
export interface PeerObservations {
  validations: Partial<Record<ValidatedTopicKind, Array<[number, number]>>>
  shareArrivals: Map<string, number>
  /** Verdicts by "topic kind[:reason]" (e.g. "share accept", "share ignore:stale"). */
  verdicts: Record<string, number>
  /** The first live shares ignored for an unknown parent ("height <h> parent <id prefix>"), for a failing run's report. */
  unknownParents: string[]
}

export function wallNowMs(): number {
  return performance.timeOrigin + performance.now()
}

/** The outbox keeps nothing across runs here: these peers do not mine, so it stays empty. */
class MemoryOutboxStore implements OutboxStore {
  private readonly entries = new Map<string, OutboxEntry>()
  async addToOutbox(entry: OutboxEntry): Promise<void> {
    this.entries.set(entry.id, entry)
  }
  async removeFromOutbox(id: string): Promise<void> {
    this.entries.delete(id)
  }
  async listOutbox(): Promise<OutboxEntry[]> {
    return [...this.entries.values()]
  }
  async recordHistory(_entry: HistoryEntry): Promise<void> {}
}

/** Unknown-parent shares noted per peer. */
const MAX_NOTED_UNKNOWN_PARENTS = 5

async function createNodeNetwork(init: BrowserNetworkInit, seen: PeerObservations): Promise<BrowserNetwork> {
  const topics = networkTopics(init.network)
  const protocols = networkProtocols(init.network)
  const policy = createGossipScorePolicy()
  const node = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: PEER_MAX_CONNECTIONS },
    services: { identify: identify(), pubsub: gossipsub({ ...sharedGossipOptions(topics, policy), doPX: false }) }
  })
  const timed =
    (kind: ValidatedTopicKind, validator: TopicValidator) =>
    async (bytes: Uint8Array, peer: PeerId): Promise<Verdict> => {
      const t0 = performance.now()
      const verdict = await validator(bytes, peer.toString())
      const t1 = performance.now()
      ;(seen.validations[kind] ??= []).push([performance.timeOrigin + t1, t1 - t0])
      const tally = `${kind} ${verdict.kind}${verdict.kind === 'accept' ? '' : `:${verdict.reason}`}`
      seen.verdicts[tally] = (seen.verdicts[tally] ?? 0) + 1
      if (
        kind === 'share' &&
        verdict.kind === 'ignore' &&
        verdict.reason === 'unknown-parent' &&
        seen.unknownParents.length < MAX_NOTED_UNKNOWN_PARENTS
      ) {
        const info = decodeShare(bytes).info
        seen.unknownParents.push(`height ${info.shareHeight} parent ${bytesToHex(info.prevShareId).slice(0, 12)}`)
      }
      return verdict
    }
  const pubsub = node.services.pubsub as unknown as PubSubLike<PeerId> & { getSubscribers(topic: string): unknown[] }
  const router = new GossipRouter<PeerId>({
    pubsub,
    topics,
    validators: Object.fromEntries(
      Object.entries(init.validators).map(([kind, v]) => [kind, timed(kind as ValidatedTopicKind, v)])
    ),
    graylistThreshold: policy.graylistThreshold,
    onFetchNeeded: (shareId, from) => parents.request(shareId, from)
  })
  const relayAddr = multiaddr(init.relayAddrs[0])
  const open = async (): Promise<FrameStream> => frameStream(await node.dialProtocol(relayAddr, protocols.sync))
  const fetchById = async (_peer: PeerId, ids: Uint8Array[]): Promise<Uint8Array[]> =>
    (await requestSync(await open(), { kind: 'byId', ids })).shares
  // As the tab's node does (web/src/p2p/browser-node.ts): missing parents come as whole branches, added as synced history.
  const { syncedShare, shareMissingAncestry, branchDepth } = init
  const parents: ParentFetcher<PeerId> = new ParentFetcher<PeerId>(
    syncedShare === undefined || shareMissingAncestry === undefined
      ? { fetchById, ingest: (share, from) => router.ingest('share', share, from) }
      : {
          fetchById,
          fetchAncestors: async (_peer, tip, skip, count) => await fetchAncestorPage(open, tip, skip, count),
          missingAncestry: shareMissingAncestry,
          ...(branchDepth !== undefined ? { maxDepth: branchDepth } : {}),
          ingest: timed('share', syncedShare)
        }
  )
  router.on('share', (bytes) => {
    const key = shareKey(bytes)
    if (!seen.shareArrivals.has(key)) seen.shareArrivals.set(key, wallNowMs())
  })
  router.start()
  try {
    await node.dial(relayAddr)
  } catch (err) {
    router.stop()
    await node.stop()
    throw err
  }
  return {
    selfId: node.peerId.toString(),
    publish: async (kind, bytes) =>
      pubsub.getSubscribers(topics[kind]).length === 0 ? 0 : await router.publish(kind, bytes),
    topicPeers: (kind) => pubsub.getSubscribers(topics[kind]).length,
    on: (kind, handler) => router.on(kind, (bytes, from) => handler(bytes, from.toString())),
    syncWindow: async (maxShares) => (await fetchWindow(open, maxShares)).shares,
    fetchSharesById: async (ids) => (await requestSync(await open(), { kind: 'byId', ids })).shares,
    pushShare: async (bytes) =>
      await pushShare(frameStream(await node.dialProtocol(relayAddr, protocols.sharePush)), bytes),
    peers: () => [],
    onRelayConnected: () => () => {},
    onRelayDown: () => () => {},
    relayHealth: () => [],
    relayErred: () => {},
    async stop() {
      router.stop()
      await node.stop()
    }
  }
}

/** The share id (sha256d of its header, as hex in hash byte order): what the rig's find and the relays' chains name it by. */
export function shareKey(bytes: Uint8Array): string {
  return bytesToHex(shareIdOf(decodeShare(bytes)))
}

export interface ScenarioPeer {
  readonly session: PeerSession
  readonly seen: PeerObservations
  stop(): Promise<void>
}

/**
 * Joins one peer to the relay at `origin` (its HTTP API) over `wsAddr` (a /ws multiaddr with /p2p/, e.g.
 * through a delay proxy), exactly as a tab joins: status, current work over HTTP, window sync, gossip.
 */
export async function startScenarioPeer(origin: string, status: RelayStatus, wsAddr: string): Promise<ScenarioPeer> {
  const seen: PeerObservations = { validations: {}, shareArrivals: new Map(), verdicts: {}, unknownParents: [] }
  const session = new PeerSession(
    origin,
    { ...status, multiaddrs: [wsAddr] },
    {
      createNetwork: async (init) => await createNodeNetwork(init, seen),
      fetchWork: fetchRelayWork,
      store: new MemoryOutboxStore()
    }
  )
  await session.join()
  return { session, seen, stop: async () => await session.stop() }
}
