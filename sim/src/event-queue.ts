// Virtual time: a binary min-heap of events ordered by time, ties by insertion order, so a run is a
// pure function of its seed (no timers, no wall clock).

export interface Scheduled<E> {
  time: number
  seq: number
  event: E
}

export class EventQueue<E> {
  private readonly heap: Scheduled<E>[] = []
  private seq = 0
  /** Virtual seconds of the event being handled. */
  now = 0

  get size(): number {
    return this.heap.length
  }

  /** Schedules `event` at absolute virtual time `time` (not before now). */
  at(time: number, event: E): void {
    const item: Scheduled<E> = { time: Math.max(time, this.now), seq: this.seq++, event }
    const h = this.heap
    h.push(item)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(item, h[p])) break
      h[i] = h[p]
      i = p
    }
    h[i] = item
  }

  /** Removes the earliest event and advances `now` to it; undefined when empty. */
  pop(): E | undefined {
    const h = this.heap
    if (h.length === 0) return undefined
    const top = h[0]
    const last = h.pop() as Scheduled<E>
    if (h.length > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= h.length) break
        const r = l + 1
        const c = r < h.length && before(h[r], h[l]) ? r : l
        if (!before(h[c], last)) break
        h[i] = h[c]
        i = c
      }
      h[i] = last
    }
    this.now = top.time
    return top.event
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0].time : Number.POSITIVE_INFINITY
  }
}

function before<E>(a: Scheduled<E>, b: Scheduled<E>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq)
}
