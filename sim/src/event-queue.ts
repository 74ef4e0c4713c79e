// Virtual time: a binary min-heap of events ordered by time, ties by insertion order, so a run is a
// pure function of its seed (no timers, no wall clock). Times and sequence numbers sit in typed arrays
// beside the events (no wrapper object per event, comparisons without pointer chasing); the order is
// exactly (time, seq), so any run pops its events in the same order as with one object per entry.

const INITIAL_CAPACITY = 1024

export class EventQueue<E> {
  private times = new Float64Array(INITIAL_CAPACITY)
  private seqs = new Float64Array(INITIAL_CAPACITY)
  private events: (E | undefined)[] = new Array<E | undefined>(INITIAL_CAPACITY)
  private length = 0
  private seq = 0
  /** Virtual seconds of the event being handled. */
  now = 0
  /** Sequence number of the event being handled (its place among events at the same time). */
  nowSeq = -1

  get size(): number {
    return this.length
  }

  /** Schedules `event` at absolute virtual time `time` (not before now). */
  at(time: number, event: E): void {
    const t = Math.max(time, this.now)
    const s = this.seq++
    if (this.length === this.times.length) this.grow()
    const times = this.times
    const seqs = this.seqs
    const events = this.events
    let i = this.length++
    while (i > 0) {
      const p = (i - 1) >> 1
      const pt = times[p]
      if (pt < t || (pt === t && seqs[p] < s)) break
      times[i] = pt
      seqs[i] = seqs[p]
      events[i] = events[p]
      i = p
    }
    times[i] = t
    seqs[i] = s
    events[i] = event
  }

  /**
   * Takes the sequence number `at` would give, for an event whose outcome the caller settles without
   * queueing it: the numbering, hence every tie between queued events, stays as if it had been queued.
   */
  reserveSeq(): number {
    return this.seq++
  }

  /** Removes the earliest event and advances `now` to it; undefined when empty. */
  pop(): E | undefined {
    if (this.length === 0) return undefined
    const times = this.times
    const seqs = this.seqs
    const events = this.events
    const top = events[0] as E
    this.now = times[0]
    this.nowSeq = seqs[0]
    const n = --this.length
    if (n > 0) {
      const lt = times[n]
      const ls = seqs[n]
      const le = events[n]
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        let c = l
        if (r < n) {
          const rt = times[r]
          const ltc = times[l]
          if (rt < ltc || (rt === ltc && seqs[r] < seqs[l])) c = r
        }
        const ct = times[c]
        if (ct > lt || (ct === lt && seqs[c] > ls)) break
        times[i] = ct
        seqs[i] = seqs[c]
        events[i] = events[c]
        i = c
      }
      times[i] = lt
      seqs[i] = ls
      events[i] = le
    }
    events[n] = undefined
    return top
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): number {
    return this.length > 0 ? this.times[0] : Number.POSITIVE_INFINITY
  }

  private grow(): void {
    const capacity = 2 * this.times.length
    const times = new Float64Array(capacity)
    times.set(this.times)
    const seqs = new Float64Array(capacity)
    seqs.set(this.seqs)
    this.times = times
    this.seqs = seqs
    this.events.length = capacity
  }
}
