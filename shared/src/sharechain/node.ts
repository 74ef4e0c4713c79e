// One share as the share chain holds it: the decoded share plus derived, cached facts.
import type { Share } from './share-codec'

/** historyDepth of a chain that reaches its first share: everything below is known. */
export const FULL_HISTORY = Number.MAX_SAFE_INTEGER

export interface ShareNode {
  id: Uint8Array
  /** Hex of id: the map key. */
  key: string
  /** The parent node; undefined for a first share, or once the parent was pruned. */
  parent: ShareNode | undefined
  /** Hex of the parent id; undefined for a first share. */
  parentKey: string | undefined
  height: number
  /** The share's timestamp: its header's time, set by the miner when hashing (unix seconds). */
  timestamp: number
  /** The miner's own share target (compact bits and value): at most `requiredTarget`. */
  bits: number
  target: bigint
  /** Expected hashes for the own target (Bitcoin Core GetBlockProof): the share's PPLNS credit. */
  work: bigint
  /** The target the retarget required at the parent (the share's own target is this or harder). */
  requiredTarget: bigint
  /** Work of requiredTarget: what the share counts for in fork choice, whatever its own target. */
  chainWork: bigint
  /** Sum of chainWork from the first share (or the restored root) to this one, uncles included. */
  cumulativeWork: bigint
  /** Uncles this share names (resolved nodes; kept even when pruned from the chain's maps). */
  uncles: ShareNode[]
  /** work plus the uncles' work: the hashes this main-chain share stands for (the retarget's measure). */
  poolWork: bigint
  /**
   * Consecutive ancestors the chain holds below this share (capped at FULL_HISTORY): a restored root
   * has 0; a chain that reaches its first share has FULL_HISTORY. Rules that need ancestors judge a
   * share only when its parent's history covers them.
   */
  historyDepth: number
  payoutScript: Uint8Array
  payoutKey: string
  /** Order of arrival: ties in work go to the first seen (lower). */
  seenOrder: number
  share: Share
  /** The encoded share as received (for sync and the store). */
  bytes: Uint8Array
  /** Cached: the compact bits of the required target for a child of this node, the target and its work. */
  childBits?: number
  childRequiredTarget?: bigint
  childChainWork?: bigint
  /** Cached: the median timestamp a child must exceed. */
  childMedianTime?: number
}
