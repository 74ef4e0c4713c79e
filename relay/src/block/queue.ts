// The queue of found blocks toward the daemon, and the gate that bounds calls in flight. Pure
// logic over times and hashes (no I/O), so the rules are tested on their own (relay/test/block-queue.test.ts):
// - a block goes to the daemon only while it could still win: its parent is the daemon's tip, or
//   the tip's parent while the tip is another miner's block (a race it may still win on the wider
//   network); anything else is stale and never sent;
// - one submission per parent at a time: when it is accepted, the tip moves and the other blocks
//   on that parent are stale without a call;
// - a failed send waits (backoff doubling from SUBMIT_RETRY_MIN_MS to SUBMIT_RETRY_MAX_MS) and is
//   tried at most MAX_SUBMIT_ATTEMPTS times; while the daemon is unhealthy nothing is sent at all;
// - every pass works on a snapshot, so nothing re-added during a pass is taken in the same pass.

/** Blocks waiting for the daemon at most (count): more than a flood of siblings can ever need. */
export const MAX_QUEUED_BLOCKS = 64
/** Blocks waiting on one parent at most (count): only one can win; the rest are spares if it is refused. */
export const MAX_QUEUED_PER_PARENT = 4
/** submitblock calls for one block at most (count), retries included. */
export const MAX_SUBMIT_ATTEMPTS = 5
/** Backoff after a failed submitblock (ms): doubles from MIN, capped at MAX. */
export const SUBMIT_RETRY_MIN_MS = 250
export const SUBMIT_RETRY_MAX_MS = 5_000

/** The daemon's tip as the pipeline knows it (display hex). */
export interface TipView {
  hash: string
  height: number
  /** The tip's parent, when known. */
  parent?: string
  /** True when the tip is a block this relay found (a sibling of it can only lose to ourselves). */
  own: boolean
}

export interface QueuedBlock {
  hash: string
  prevHash: string
  height: number
  /** submitblock calls made so far. */
  attempts: number
  /** Not sent before this wall-clock ms (backoff); Infinity while parked until the daemon is back. */
  notBefore: number
  /** Order of arrival (newer first among equals). */
  seq: number
}

/** Whether a block on `prevHash` could still enter the best chain of a daemon whose tip is `tip`. */
export function couldStillWin(prevHash: string, tip: TipView): boolean {
  if (prevHash === tip.hash) return true
  return !tip.own && tip.parent !== undefined && prevHash === tip.parent
}

/** Wait before the next try after `attempts` failed calls (ms). */
export function retryDelayMs(attempts: number): number {
  return Math.min(SUBMIT_RETRY_MAX_MS, SUBMIT_RETRY_MIN_MS * 2 ** Math.max(0, attempts - 1))
}

export type QueueRefusal = 'queue-full' | 'parent-full'

export class SubmissionQueue {
  private readonly waiting = new Map<string, QueuedBlock>()
  private seq = 0

  constructor(private readonly limits = { maxQueued: MAX_QUEUED_BLOCKS, maxPerParent: MAX_QUEUED_PER_PARENT }) {}

  get size(): number {
    return this.waiting.size
  }

  has(hash: string): boolean {
    return this.waiting.has(hash)
  }

  /** Queues a block to send now; refuses when the queue or its parent's share of it is full. */
  add(block: { hash: string; prevHash: string; height: number }, now: number): QueueRefusal | undefined {
    if (this.waiting.has(block.hash)) return undefined
    if (this.waiting.size >= this.limits.maxQueued) return 'queue-full'
    let sameParent = 0
    for (const b of this.waiting.values()) if (b.prevHash === block.prevHash) sameParent++
    if (sameParent >= this.limits.maxPerParent) return 'parent-full'
    this.waiting.set(block.hash, { ...block, attempts: 0, notBefore: now, seq: this.seq++ })
    return undefined
  }

  /**
   * One pass over a snapshot: blocks that can no longer win leave as `stale`; of the rest, those due
   * whose parent has no submission in flight are taken to `send` (the newest per parent), and leave
   * the queue until `failed()` puts them back.
   */
  take(now: number, tip: TipView, parentsInFlight: ReadonlySet<string>): { send: QueuedBlock[]; stale: QueuedBlock[] } {
    const send: QueuedBlock[] = []
    const stale: QueuedBlock[] = []
    const parentsTaken = new Set(parentsInFlight)
    const snapshot = [...this.waiting.values()].sort((a, b) => b.height - a.height || b.seq - a.seq)
    for (const block of snapshot) {
      if (!couldStillWin(block.prevHash, tip)) {
        this.waiting.delete(block.hash)
        stale.push(block)
      } else if (block.notBefore <= now && !parentsTaken.has(block.prevHash)) {
        this.waiting.delete(block.hash)
        parentsTaken.add(block.prevHash)
        send.push(block)
      }
    }
    return { send, stale }
  }

  /**
   * Puts back a block whose call failed on transport, to try after the backoff; false (and not
   * queued) once it has had MAX_SUBMIT_ATTEMPTS calls.
   */
  failed(block: QueuedBlock, now: number): boolean {
    if (block.attempts >= MAX_SUBMIT_ATTEMPTS) return false
    this.waiting.set(block.hash, { ...block, notBefore: now + retryDelayMs(block.attempts) })
    return true
  }

  /** Puts back a block that was not sent (the daemon is unhealthy): parked until `unpark()`. */
  park(block: QueuedBlock): void {
    this.waiting.set(block.hash, { ...block, notBefore: Number.POSITIVE_INFINITY })
  }

  /** The daemon is back: parked blocks are due now (their backoff is kept otherwise). */
  unpark(now: number): void {
    for (const b of this.waiting.values()) if (b.notBefore === Number.POSITIVE_INFINITY) b.notBefore = now
  }

  /** Earliest time a waiting block is due (ms), or undefined when none waits on a timer. */
  nextDueAt(): number | undefined {
    let next: number | undefined
    for (const b of this.waiting.values())
      if (Number.isFinite(b.notBefore) && (next === undefined || b.notBefore < next)) next = b.notBefore
    return next
  }

  /** Everything still waiting (for stop). */
  drain(): QueuedBlock[] {
    const all = [...this.waiting.values()]
    this.waiting.clear()
    return all
  }
}

/**
 * At most `slots` calls at once toward the daemon; waiting calls run in priority order
 * (submissions before status checks), first come first served within one priority.
 */
export class CallGate {
  private busy = 0
  private readonly waiting: Array<{ priority: number; seq: number; start: () => void }> = []
  private seq = 0
  /** Highest number of calls seen in flight at once. */
  peak = 0

  constructor(readonly slots: number) {
    if (!Number.isSafeInteger(slots) || slots < 1)
      throw new RangeError(`the daemon call bound must be a whole number ≥ 1, got ${slots}`)
  }

  get inFlight(): number {
    return this.busy
  }

  /** Runs `call` when a slot is free; priority 0 goes first. */
  async run<T>(priority: number, call: () => Promise<T>): Promise<T> {
    await this.acquire(priority)
    try {
      return await call()
    } finally {
      this.release()
    }
  }

  private async acquire(priority: number): Promise<void> {
    if (this.busy < this.slots) {
      this.busy++
      this.peak = Math.max(this.peak, this.busy)
      return
    }
    await new Promise<void>((resolve) => {
      this.waiting.push({ priority, seq: this.seq++, start: resolve })
      this.waiting.sort((a, b) => a.priority - b.priority || a.seq - b.seq)
    })
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next !== undefined)
      next.start() // the slot passes on
    else this.busy--
  }
}
