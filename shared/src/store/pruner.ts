// Keeps a store as bounded as the chain it backs (docs/design.md: memory and disk hold the window plus a
// margin): after shares are added, stored shares below the chain's prune height are deleted, in steps
// of `everyShares` heights so a delete runs rarely. What stays is exactly what a restart needs to
// restore the chain with complete history (restore.ts).
import type { ShareChain } from '../sharechain/share-chain'
import type { ShareStore } from './types'

/** Heights between two deletes of pruned shares. */
export const PRUNE_STORE_EVERY_SHARES = 100

export class StorePruner {
  private prunedBelow = 0
  /** Stored shares deleted so far. */
  deleted = 0

  constructor(
    private readonly chain: ShareChain,
    private readonly store: ShareStore,
    private readonly everyShares = PRUNE_STORE_EVERY_SHARES
  ) {}

  /** Deletes stored shares below the chain's prune height once it moved `everyShares` past the last delete. */
  async afterAdd(): Promise<number> {
    const below = this.chain.pruneHeight
    if (below < this.prunedBelow + this.everyShares) return 0
    this.prunedBelow = below
    const n = await this.store.deleteSharesBelow(below)
    this.deleted += n
    return n
  }
}
