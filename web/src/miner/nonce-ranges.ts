// The nonce space of one header, split among workers with work stealing: each worker owns a contiguous
// range and takes slices from its front; a worker whose range is empty steals the back half of the
// largest range left (or a whole orphaned range of a removed worker), so no worker idles while any
// nonce of the header is left. Only when every range is empty does the caller roll the extranonce.

export interface NonceSlice {
  startNonce: number
  count: number
}

interface Range {
  next: number // first nonce not yet handed out
  end: number // one past the last nonce
}

export class NonceRangeBook {
  private readonly ranges = new Map<number, Range>()
  private orphans: Range[] = []

  /** @param space nonces per header (2^32); @param align every slice boundary is a multiple of it
   *  (a multiple of every kernel's lanes). */
  constructor(
    private readonly space: number,
    private readonly align: number
  ) {
    if (space % align !== 0) throw new RangeError(`nonce space ${space} is not a multiple of ${align}`)
  }

  /** Starts a fresh header: the whole space split into equal aligned ranges, one per worker. */
  reset(workerIds: readonly number[]): void {
    this.ranges.clear()
    this.orphans = []
    const units = this.space / this.align
    workerIds.forEach((id, i) => {
      const start = Math.floor((units * i) / workerIds.length) * this.align
      const end = Math.floor((units * (i + 1)) / workerIds.length) * this.align
      this.ranges.set(id, { next: start, end })
    })
    if (workerIds.length === 0) this.orphans.push({ next: 0, end: this.space })
  }

  /** Nonces not yet handed out. */
  remaining(): number {
    let sum = 0
    for (const r of [...this.ranges.values(), ...this.orphans]) sum += r.end - r.next
    return sum
  }

  /** The next slice (at most maxCount nonces) for a worker, stealing when its own range is empty;
   *  undefined when the whole space is handed out. */
  take(workerId: number, maxCount: number): NonceSlice | undefined {
    const count = Math.max(this.align, maxCount - (maxCount % this.align))
    let own = this.ranges.get(workerId)
    if (own === undefined || own.next === own.end) {
      own = this.steal(workerId)
      if (own === undefined) return undefined
    }
    const slice = { startNonce: own.next, count: Math.min(count, own.end - own.next) }
    own.next += slice.count
    return slice
  }

  /** A removed worker's range (and its unfinished slice, if given) becomes stealable. */
  release(workerId: number, unfinished?: NonceSlice): void {
    const own = this.ranges.get(workerId)
    this.ranges.delete(workerId)
    if (own !== undefined && own.next < own.end) this.orphans.push(own)
    if (unfinished !== undefined && unfinished.count > 0) {
      this.orphans.push({ next: unfinished.startNonce, end: unfinished.startNonce + unfinished.count })
    }
  }

  private steal(thiefId: number): Range | undefined {
    const orphan = this.orphans.pop()
    if (orphan !== undefined) {
      this.ranges.set(thiefId, orphan)
      return orphan
    }
    let victim: Range | undefined
    for (const [id, r] of this.ranges) {
      if (id !== thiefId && (victim === undefined || r.end - r.next > victim.end - victim.next)) victim = r
    }
    if (victim === undefined || victim.next === victim.end) return undefined
    const units = (victim.end - victim.next) / this.align
    const split = victim.next + Math.floor(units / 2) * this.align
    // Too small to halve (one aligned unit): the thief takes it whole.
    const stolen = split === victim.next ? { next: victim.next, end: victim.end } : { next: split, end: victim.end }
    victim.end = stolen.next
    this.ranges.set(thiefId, stolen)
    return stolen
  }
}
