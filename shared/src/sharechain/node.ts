// One share as the share chain holds it: the decoded share plus derived, cached facts.
import type { Share } from './share-codec'

export interface ShareNode {
  id: Uint8Array
  /** Hex of id: the map key. */
  key: string
  /** The parent node; undefined for a first share, or once the parent was pruned. */
  parent: ShareNode | undefined
  /** Hex of the parent id; undefined for a first share. */
  parentKey: string | undefined
  height: number
  timestamp: number
  bits: number
  target: bigint
  /** Expected hashes for this share's target (Bitcoin Core GetBlockProof): its PPLNS weight. */
  work: bigint
  /** Sum of work from the first share to this one. */
  cumulativeWork: bigint
  payoutScript: Uint8Array
  payoutKey: string
  /** Order of arrival: ties in work go to the first seen (lower). */
  seenOrder: number
  share: Share
  /** The encoded share as received (for sync and the store). */
  bytes: Uint8Array
  /** Cached: the share bits a child of this node must carry. */
  childBits?: number
  /** Cached: the median timestamp a child must exceed. */
  childMedianTime?: number
}
