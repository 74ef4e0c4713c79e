// Merkle trees over txids (Bitcoin rule: an odd level duplicates its last hash), the coinbase branch
// miners fold, and the BIP141 witness commitment.
import { concatBytes } from './bytes'
import { sha256d } from './hash'

/** BIP141: the coinbase's wtxid counts as 32 zero bytes in the witness tree. */
const COINBASE_WTXID = new Uint8Array(32)
/** BIP141 default witness reserved value: 32 zero bytes. */
const DEFAULT_WITNESS_RESERVED = new Uint8Array(32)

function hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256d(concatBytes(left, right))
}

function checkHashes(hashes: Uint8Array[]): void {
  for (const h of hashes) if (h.length !== 32) throw new RangeError(`merkle leaves must be 32 bytes, got ${h.length}`)
}

/** Root of the tree whose leaves are `hashes` (internal byte order). One leaf is its own root. */
export function merkleRoot(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw new RangeError('merkle root of an empty list is undefined')
  checkHashes(hashes)
  let level = hashes
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      next.push(hashPair(level[i], level[i + 1] ?? level[i]))
    }
    level = next
  }
  return level[0].slice()
}

/**
 * Merkle branch for the transaction at position 0 (the coinbase), given the txids at positions 1..n.
 * These are Stratum's `merkle_branch` hashes; an empty block body gives an empty branch.
 */
export function coinbaseMerkleBranch(otherTxids: Uint8Array[]): Uint8Array[] {
  checkHashes(otherTxids)
  const branch: Uint8Array[] = []
  // `level` holds the known nodes at positions 1.. of the current level; position 0 is the coinbase path.
  let level = otherTxids
  while (level.length > 0) {
    branch.push(level[0].slice())
    const rest = level.slice(1)
    const next: Uint8Array[] = []
    for (let i = 0; i < rest.length; i += 2) next.push(hashPair(rest[i], rest[i + 1] ?? rest[i]))
    level = next
  }
  return branch
}

/** Folds a position-0 leaf up its branch: the merkle root when `leaf` is the coinbase txid. */
export function foldMerkleBranch(leaf: Uint8Array, branch: Uint8Array[]): Uint8Array {
  if (leaf.length !== 32) throw new RangeError(`merkle leaf must be 32 bytes, got ${leaf.length}`)
  checkHashes(branch)
  let node = leaf
  for (const sibling of branch) node = hashPair(node, sibling)
  return node === leaf ? leaf.slice() : node
}

/**
 * BIP141 witness commitment: sha256d(witness merkle root || witness reserved value), where the tree's
 * leaves are the coinbase (as 32 zero bytes) followed by the wtxids of the block's other transactions.
 */
export function witnessCommitment(
  wtxidsExcludingCoinbase: Uint8Array[],
  reserved: Uint8Array = DEFAULT_WITNESS_RESERVED
): Uint8Array {
  if (reserved.length !== 32) throw new RangeError(`witness reserved value must be 32 bytes, got ${reserved.length}`)
  const root = merkleRoot([COINBASE_WTXID, ...wtxidsExcludingCoinbase])
  return sha256d(concatBytes(root, reserved))
}
