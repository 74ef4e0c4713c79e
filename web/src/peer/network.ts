// What the browser peer needs from the browser libp2p node (engineer E's web/src/p2p): gossip on the
// network's topics with our validators, window and by-id sync against relays, and a view of the links.
// The peer depends on this interface only; `libp2p-network.ts` adapts E's node to it, tests pass fakes.
import type { ShareSyncSource, ValidatedTopicKind, Verdict } from '@otedama/shared/p2p'

/** Validates one message of a topic (for `attest`: one attestation out of a batch); never throws. */
export type TopicValidator = (bytes: Uint8Array, from: string) => Verdict | Promise<Verdict>

export interface BrowserNetworkInit {
  /** Chain-param name of the network (topics and protocol ids derive from it). */
  network: string
  /** Multiaddrs of relays to dial first (the page's own relay from /api/v1/status). */
  relayAddrs: string[]
  /** Plain ws:// and private/loopback addresses allowed (only when the page came from such an origin). */
  allowInsecureLocal: boolean
  validators: Partial<Record<ValidatedTopicKind, TopicValidator>>
  /** Lets other browsers sync from us (our share chain). */
  syncSource?: ShareSyncSource
  /** Adds a fetched share as synced history; with `shareMissingAncestry`, missing parents are fetched as whole branches. */
  syncedShare?: TopicValidator
  /** What a fetched share references (parent, uncles) that we do not hold. */
  shareMissingAncestry?: (share: Uint8Array) => Uint8Array[]
  /** Deepest branch walk in shares. */
  branchDepth?: number
}

export interface NetworkPeer {
  id: string
  kind: 'relay' | 'browser'
  link: 'websocket' | 'webrtc' | 'relayed'
  latencyMs?: number
  score?: number
}

/** One relay link as the tab scores it (web/src/p2p/relay-health.ts). */
export interface RelayLinkView {
  id: string
  connected: boolean
  latencyMs?: number
  recentErrors: number
  lastTemplateAt?: number
  /** Higher is better; below 0: unfit as a work source. */
  score: number
}

export interface BrowserNetwork {
  readonly selfId: string
  /**
   * Publishes to the topic's peers; resolves to how many it reached. With no peer on the topic it
   * sends nothing and resolves 0 (gossipsub would mark the message seen and refuse a later re-send).
   */
  publish(kind: 'share' | 'block', bytes: Uint8Array): Promise<number>
  /** Peers subscribed to a topic right now. */
  topicPeers(kind: 'share' | 'block'): number
  /** Accepted messages of a topic (after our validator said accept). */
  on(kind: ValidatedTopicKind, handler: (bytes: Uint8Array, from: string) => void): () => void
  /** Up to `maxShares` of a relay's window from its best tip backwards (tip first). */
  syncWindow(maxShares: number): Promise<Uint8Array[]>
  /** The shares among `ids` a relay holds (its share-chain view acknowledges ours). */
  fetchSharesById(ids: Uint8Array[]): Promise<Uint8Array[]>
  /**
   * Pushes one share straight to a connected relay (share-push protocol), past gossipsub's seen cache;
   * resolves with the relay's verdict (accept: the relay holds it and forwards it on gossip).
   */
  pushShare(bytes: Uint8Array): Promise<Verdict>
  peers(): NetworkPeer[]
  /** Called when a relay link comes (back) up: the outbox re-sends then. */
  onRelayConnected(handler: () => void): () => void
  /** Called when a relay's last link closes (its peer id): the tab moves its work source at once. */
  onRelayDown(handler: (relayId: string) => void): () => void
  /** Every relay this tab knows, scored, best first. */
  relayHealth(): RelayLinkView[]
  /** A relay served something that proved wrong (e.g. work our quorum refused): counts against its score. */
  relayErred(relayId: string): void
  stop(): Promise<void>
}

export type CreateBrowserNetwork = (init: BrowserNetworkInit) => Promise<BrowserNetwork>
