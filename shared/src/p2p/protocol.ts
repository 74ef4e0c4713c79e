// Names on the wire: gossipsub topics and stream protocol ids, one set per network (docs/design.md, Network).
// Two peers on different networks never share a topic, so they never see each other's messages.

/** Gossip topic kinds. `discovery` carries @libp2p/pubsub-peer-discovery announcements. */
export const TOPIC_KINDS = ['share', 'block', 'header', 'template', 'attest', 'discovery'] as const
export type TopicKind = (typeof TOPIC_KINDS)[number]

/** Topics that carry Otedama messages (validated by our own validators); `discovery` is libp2p's. */
export const VALIDATED_TOPIC_KINDS = ['share', 'block', 'header', 'template', 'attest'] as const
export type ValidatedTopicKind = (typeof VALIDATED_TOPIC_KINDS)[number]

/**
 * Topics a node publishes one message at a time. Attestations are not among them: they leave in
 * batches (GossipRouter.publishAttestations), one message id and one validation per batch.
 */
export type PublishableTopicKind = Exclude<ValidatedTopicKind, 'attest'>

export type NetworkTopics = Readonly<Record<TopicKind, string>>

/** `/otedama/<net>/<kind>/1` for each topic kind. */
export function networkTopics(network: string): NetworkTopics {
  assertNetworkLabel(network)
  const topic = (kind: TopicKind): string => `/otedama/${network}/${kind}/1`
  return Object.freeze({
    share: topic('share'),
    block: topic('block'),
    header: topic('header'),
    template: topic('template'),
    attest: topic('attest'),
    discovery: `/otedama/${network}/peers/1`
  })
}

export interface NetworkProtocols {
  /** Request/response: window of shares from a tip backwards, or shares by id. */
  readonly sync: string
  /** Request/response: a committee relay fetches a full template by template id. */
  readonly template: string
  /**
   * Request/response: a peer pushes one share to a relay, which judges it as live gossip from that peer
   * and answers its verdict; an accepted share is forwarded on gossip. A tab's outbox re-sends this way,
   * past gossipsub's seen cache (shared/src/p2p/share-push.ts).
   */
  readonly sharePush: string
  /**
   * Request/response, devnet relays only: the sync protocol's framing over the embedded devnet's blocks
   * (header + legacy coinbase, as on the block topic): a relay that missed blocks fetches them back to
   * its chain, and walks another relay's chain on linking (shared/src/p2p/parent-fetcher.ts).
   */
  readonly devnetBlocks: string
  /** Kademlia protocol id: private per network, so our DHT never merges with the public IPFS one. */
  readonly kadDht: string
  /** Prefix for gossipsub/identify/ping ids is left at libp2p defaults: they are generic protocols. */
}

export function networkProtocols(network: string): NetworkProtocols {
  assertNetworkLabel(network)
  return Object.freeze({
    sync: `/otedama/${network}/sync/1`,
    template: `/otedama/${network}/template/1`,
    sharePush: `/otedama/${network}/share-push/1`,
    devnetBlocks: `/otedama/${network}/devnet-blocks/1`,
    kadDht: `/otedama/${network}/kad/1.0.0`
  })
}

/** Network names are chain-param names (`devnet`, `litecoin-regtest`, ...): lowercase, digits, dashes. */
const NETWORK_LABEL = /^[a-z0-9][a-z0-9-]{0,39}$/

function assertNetworkLabel(network: string): void {
  if (!NETWORK_LABEL.test(network)) {
    throw new TypeError(
      `invalid network name "${network}": expected lowercase letters, digits and dashes, e.g. "devnet"`
    )
  }
}
