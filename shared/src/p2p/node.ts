// The face every Otedama libp2p node shows, relay or browser: gossip on the network's topics and share
// sync. The relay and browser nodes extend it with what only they do (types only: no libp2p code here).
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { MessageHandler } from './gossip-router'
import type { PublishableTopicKind, ValidatedTopicKind } from './protocol'
import type { Verdict, VerdictKind } from './verdict'

/** Verdicts of the shares a catch-up fetched, validated and delivered. */
export type CatchUpResult = Record<VerdictKind, number>

export interface SharePeerNode {
  readonly peerId: PeerId
  readonly libp2p: Libp2p
  start(): Promise<void>
  stop(): Promise<void>
  multiaddrs(): Multiaddr[]
  /** Publishes one message on a topic; resolves to how many peers it went to (0 is fine: gossip reaches them later). */
  publish(kind: PublishableTopicKind, bytes: Uint8Array): Promise<number>
  /** Hands every accepted message of a topic (each attestation of a batch alone) to `handler`; returns its removal. */
  on(kind: ValidatedTopicKind, handler: MessageHandler<PeerId>): () => void
  /** Fetches up to `maxShares` of a peer's window from its best tip backwards (tip first). */
  syncWindow(peer: PeerId | Multiaddr, maxShares: number): Promise<{ tip?: Uint8Array; shares: Uint8Array[] }>
  fetchSharesById(peer: PeerId | Multiaddr, ids: Uint8Array[]): Promise<Uint8Array[]>
  /** Pushes one share to a relay (share-push protocol); resolves with the relay's verdict on it. */
  pushShare(peer: PeerId | Multiaddr, share: Uint8Array): Promise<Verdict>
  /** Syncs a peer's window into our share chain: fetched, then validated and delivered oldest first. */
  catchUp(peer: PeerId, maxShares: number): Promise<CatchUpResult>
}
