// The gossipsub options every Otedama node must share (a mismatch in signature policy silently delivers
// nothing: docs/field-notes.md (libp2p)). Plain values: relay and browser spread them into @libp2p/gossipsub's init.
import { MAX_GOSSIP_DATA_BYTES, MAX_GOSSIP_RPC_BYTES } from './limits'
import { contentMessageId, shareMessageId } from './message-id'
import type { NetworkTopics } from './protocol'
import { TOPIC_KINDS } from './protocol'
import { toGossipsubScoring, type GossipScorePolicy, type GossipsubScoring } from './score-params'

/** Largest peer-discovery announcement (a public key and a few multiaddrs). */
export const MAX_DISCOVERY_MESSAGE_BYTES = 2 * 1024

export interface SharedGossipOptions extends GossipsubScoring {
  /** Shares prove themselves by PoW and attestations carry their own signatures (docs/design.md, Network). */
  globalSignaturePolicy: 'StrictNoSign'
  msgIdFn: (message: { topic: string; data: Uint8Array }) => Uint8Array
  /** A lone relay (devnet) or a browser whose peers have not subscribed yet must still publish. */
  allowPublishToZeroTopicPeers: true
  /** Re-publishing a share we already have (sync, outbox retry) is not an error. */
  ignoreDuplicatePublishError: true
  /** Messages above this are dropped before decoding. */
  maxInboundDataLength: number
  decodeRpcLimits: {
    maxSubscriptions: number
    maxMessages: number
    maxIhaveMessageIDs: number
    maxIwantMessageIDs: number
    maxIdontwantMessageIDs: number
    maxControlMessages: number
    maxPeerInfos: number
  }
  /** Subscriptions to other topics are ignored: nobody can make us track arbitrary topics. */
  allowedTopics: string[]
  /** Per-RPC byte bound on what we buffer towards one peer. */
  maxOutboundBufferSize: number
}

/** gossipsub message id: the share id on share and block topics, a content hash elsewhere. */
export function otedamaMessageId(topics: NetworkTopics): SharedGossipOptions['msgIdFn'] {
  return (message) =>
    message.topic === topics.share || message.topic === topics.block
      ? shareMessageId(message.data)
      : contentMessageId(message.data)
}

export function sharedGossipOptions(
  topics: NetworkTopics,
  policy: GossipScorePolicy,
  appSpecificScore?: (peerId: string) => number
): SharedGossipOptions {
  return {
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn: otedamaMessageId(topics),
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    maxInboundDataLength: MAX_GOSSIP_DATA_BYTES,
    // Bounds on one decoded RPC (counts): a peer cannot make us allocate for thousands of ids at once.
    decodeRpcLimits: {
      maxSubscriptions: TOPIC_KINDS.length * 2,
      maxMessages: 512,
      maxIhaveMessageIDs: 5000,
      maxIwantMessageIDs: 5000,
      maxIdontwantMessageIDs: 5000,
      maxControlMessages: 64,
      maxPeerInfos: 64
    },
    allowedTopics: TOPIC_KINDS.map((kind) => topics[kind]),
    maxOutboundBufferSize: MAX_GOSSIP_RPC_BYTES * 8,
    ...toGossipsubScoring(policy, topics, appSpecificScore)
  }
}
