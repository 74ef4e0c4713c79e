// The daemon's best chain near its tip, as block hashes by height, kept up to date with as few
// header fetches as a tip change needs (one for a new block on top, a few for a reorg), so the
// status of every unsettled block is read from it without one RPC call per block.

/** Previous block hash of a block (display hex), or undefined when the daemon does not know it. */
export type PrevOf = (hashHex: string) => Promise<string | undefined>

export class BestChainView {
  private readonly byHeight = new Map<number, string>()
  private readonly heightOf = new Map<string, number>()
  private tipHeight: number | undefined
  /** Header fetches made since start (figures for tests and logs). */
  fetched = 0

  /** Tip height the view was last moved to. */
  get height(): number | undefined {
    return this.tipHeight
  }

  /** The best chain's block at `height`, when the view covers it. */
  hashAt(height: number): string | undefined {
    return this.byHeight.get(height)
  }

  /** Height of a block the view holds (a block in the best chain near the tip). */
  heightOfHash(hashHex: string): number | undefined {
    return this.heightOf.get(hashHex)
  }

  /** Lowest height the view holds, or undefined when empty. */
  lowest(): number | undefined {
    let low: number | undefined
    for (const h of this.byHeight.keys()) if (low === undefined || h < low) low = h
    return low
  }

  /**
   * Moves the view to the tip `tipHash` at `tipHeight`, holding the `depth` blocks ending there.
   * Walks back from the tip fetching headers until it meets a block it holds at the same height
   * (everything below is then unchanged), and extends down when `depth` grew. Returns the headers
   * fetched; stops early (the view shorter) when the daemon does not know a block.
   */
  async moveTo(tipHash: string, tipHeight: number, depth: number, prevOf: PrevOf): Promise<number> {
    const before = this.fetched
    for (const h of [...this.byHeight.keys()]) if (h > tipHeight) this.forget(h)
    this.tipHeight = tipHeight
    const low = Math.max(0, tipHeight - Math.max(1, depth) + 1)
    let hash: string | undefined = tipHash
    let h = tipHeight
    while (hash !== undefined && h >= low) {
      if (this.byHeight.get(h) === hash) {
        // Known from here down: continue only below the lowest block held, if the depth needs it.
        const bottom = this.contiguousBottom(h)
        if (bottom <= low) break
        h = bottom
        hash = this.byHeight.get(h)
        if (hash === undefined) break
      } else {
        this.put(h, hash)
      }
      if (h === low) break
      hash = await prevOf(hash)
      this.fetched++
      h--
      // The daemon lost the chain below (restarting, or a block pruned): what we held there may be another branch.
      if (hash === undefined) for (const height of [...this.byHeight.keys()]) if (height <= h) this.forget(height)
    }
    for (const height of [...this.byHeight.keys()]) if (height < low) this.forget(height)
    return this.fetched - before
  }

  /** Lowest height of the unbroken run of held blocks that ends at `from`. */
  private contiguousBottom(from: number): number {
    let h = from
    while (this.byHeight.has(h - 1)) h--
    return h
  }

  private put(height: number, hash: string): void {
    this.forget(height)
    this.byHeight.set(height, hash)
    this.heightOf.set(hash, height)
  }

  private forget(height: number): void {
    const old = this.byHeight.get(height)
    if (old !== undefined) this.heightOf.delete(old)
    this.byHeight.delete(height)
  }
}
