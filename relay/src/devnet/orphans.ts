import type { ParsedDevnetBlock } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { BoundedMap } from '@otedama/shared/util'

/**
 * Orphans kept while their parent is fetched, blocks. Each passed every context-free check, PoW
 * included (at least powLimit's ~65 536 hashes), and is at most ~8 KiB: 64 cost at most ~0.5 MiB.
 */
export const MAX_DEVNET_ORPHANS = 64

/**
 * Blocks whose parent is not known yet, oldest evicted first when full. They are re-checked in full
 * once their parent is accepted (DevnetChain); nothing here is trusted.
 */
export class DevnetOrphanPool {
  /** Insertion order is age: Map iteration yields the oldest first. */
  private readonly byHash: BoundedMap<string, ParsedDevnetBlock>

  constructor(capacity = MAX_DEVNET_ORPHANS) {
    this.byHash = new BoundedMap(capacity)
  }

  get size(): number {
    return this.byHash.size
  }

  has(hashHex: string): boolean {
    return this.byHash.has(hashHex)
  }

  add(block: ParsedDevnetBlock): void {
    const key = bytesToHex(block.hash)
    if (this.byHash.has(key)) return
    this.byHash.set(key, block)
  }

  /** Removes and returns the orphans whose parent is `parentHashHex`, oldest first. */
  takeChildren(parentHashHex: string): ParsedDevnetBlock[] {
    const children: ParsedDevnetBlock[] = []
    for (const [key, block] of this.byHash) {
      if (bytesToHex(block.header.prevHash) !== parentHashHex) continue
      children.push(block)
      this.byHash.delete(key)
    }
    return children
  }
}
