// Where a share stands against the best chain, for miners and operators asking "was my share
// credited?": on the best chain (it is in the PPLNS window while it is recent), named as an uncle by a
// best-chain share (credited at the uncle penalty, README "Uncles"), or on a side branch (no credit; its
// work lost a race and no later share named it in time).
import type { ShareChain } from './share-chain'
import type { ShareNode } from './node'

export type SharePlace =
  | { place: 'main' }
  | { place: 'uncle'; nephew: ShareNode }
  | { place: 'side' }
  /** Deeper below the tip than the caller cared to walk: the answer would cost more than it is worth. */
  | { place: 'too-deep' }

/**
 * Walks the best chain down from the tip to `node`'s height: `node` met there is main; `node` among a
 * walked share's uncles is an uncle (uncles are named within maxUncleDepth above their parent, so the
 * walk to the node's height sees every share that could name it). At most `maxDepth` shares are walked.
 */
export function sharePlace(chain: ShareChain, node: ShareNode, maxDepth: number): SharePlace {
  const tip = chain.tip
  if (tip === undefined || node.height > tip.height) return { place: 'side' }
  if (tip.height - node.height + 1 > maxDepth) return { place: 'too-deep' }
  for (const walked of chain.ancestors(tip, tip.height - node.height + 1)) {
    if (walked === node) return { place: 'main' }
    if (walked.uncles.includes(node)) return { place: 'uncle', nephew: walked }
  }
  return { place: 'side' }
}
