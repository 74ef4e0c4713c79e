// Folding the coinbase txid up its merkle branch (position 0: node = sha256d(node || sibling)).
// Same result as primitives/merkle foldMerkleBranch (the tests compare them), hashed with
// fastSha256dPair: 11 steps for a 2000-transaction template, on every share validated.
import { fastSha256dPair } from './fast-sha256'

export function foldBranch(leaf: Uint8Array, branch: Uint8Array[]): Uint8Array {
  let node = leaf
  for (let i = 0; i < branch.length; i++) node = fastSha256dPair(node, branch[i])
  return node
}
