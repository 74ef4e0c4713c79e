// Shares waiting for their parent (bounded; the oldest arrival is evicted first). The caller asks
// sync for the missing parent and re-validates the children once it arrives.

export interface OrphanShare {
  key: string
  parentKey: string
  bytes: Uint8Array
}

/** Default bound: ~1 KiB each, so at most ~1 MiB of waiting shares. */
export const DEFAULT_MAX_ORPHANS = 1024

export class OrphanPool {
  private readonly byKey = new Map<string, OrphanShare>()
  private readonly byParent = new Map<string, Set<string>>()

  constructor(readonly capacity = DEFAULT_MAX_ORPHANS) {}

  get size(): number {
    return this.byKey.size
  }

  has(key: string): boolean {
    return this.byKey.has(key)
  }

  /** Distinct parent ids that are missing (what to fetch). */
  missingParents(): string[] {
    return [...this.byParent.keys()]
  }

  add(orphan: OrphanShare): void {
    if (this.byKey.has(orphan.key)) return
    if (this.byKey.size >= this.capacity) this.remove(this.byKey.keys().next().value as string)
    this.byKey.set(orphan.key, orphan)
    let kids = this.byParent.get(orphan.parentKey)
    if (!kids) this.byParent.set(orphan.parentKey, (kids = new Set()))
    kids.add(orphan.key)
  }

  /** Removes and returns the orphans whose parent is `parentKey`. */
  takeChildren(parentKey: string): OrphanShare[] {
    const kids = this.byParent.get(parentKey)
    if (!kids) return []
    const out: OrphanShare[] = []
    for (const k of kids) {
      const o = this.byKey.get(k)
      if (o) out.push(o)
      this.byKey.delete(k)
    }
    this.byParent.delete(parentKey)
    return out
  }

  remove(key: string): void {
    const o = this.byKey.get(key)
    if (!o) return
    this.byKey.delete(key)
    const kids = this.byParent.get(o.parentKey)
    kids?.delete(key)
    if (kids && kids.size === 0) this.byParent.delete(o.parentKey)
  }
}
