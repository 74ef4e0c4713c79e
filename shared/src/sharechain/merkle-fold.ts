// Folding the coinbase txid up its merkle branch (position 0: node = sha256d(node || sibling)).
// Same result as primitives/merkle foldMerkleBranch, with one reused 64-byte buffer instead of a
// concatenation per step (11 steps for a 2000-transaction template, on every share validated).
import { sha256d } from '../primitives/hash'

const pair = new Uint8Array(64)

export function foldBranch(leaf: Uint8Array, branch: Uint8Array[]): Uint8Array {
  let node = leaf
  for (let i = 0; i < branch.length; i++) {
    pair.set(node, 0)
    pair.set(branch[i], 32)
    node = sha256d(pair)
  }
  return node
}
