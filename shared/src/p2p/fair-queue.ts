// Per-peer fair queueing in front of gossip validation. Messages wait in their sender's queue and are
// validated round-robin, one per peer per turn, in slices of bounded CPU time with the event loop let go
// between slices. So a flooding peer's backlog delays only itself: an honest peer's share waits at most
// one validation per other busy peer, never behind thousands of flood messages, and socket reads and
// timers (Stratum, HTTP, pings) run between slices instead of after one long stall.
import { setTimer, type TimerHandle } from './runtime'

/** Messages one peer may have waiting for validation; beyond it, its new ones are turned away. */
export const VALIDATION_QUEUE_PER_PEER = 256
/** Longest run of validations before the event loop is let go (ms). */
export const VALIDATION_SLICE_MS = 4
/**
 * Messages are validated as they arrive while validation uses under one slice per window of this many
 * slices (a quarter of the loop at most); past that they queue and the round-robin takes over.
 */
const IDLE_WINDOW_SLICES = 4

interface Job<T> {
  run: () => Promise<T> | T
  resolve: (value: T) => void
  reject: (err: unknown) => void
}

/** performance.now() where it exists (browsers, Node), else the wall clock. */
function monotonicNow(): number {
  return (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now()
}

export class FairValidationQueue<T> {
  private readonly queues = new Map<string, Array<Job<T>>>()
  /** Peers with waiting work, in turn order. */
  private readonly turn: string[] = []
  private scheduled: TimerHandle | undefined
  private running = false
  /** Inline validation time used in the current window (ms), and when the window began. */
  private windowSpentMs = 0
  private windowStart = -Infinity
  /** Jobs turned away because their peer's queue was full. */
  turnedAway = 0

  constructor(
    private readonly perPeer = VALIDATION_QUEUE_PER_PEER,
    private readonly sliceMs = VALIDATION_SLICE_MS,
    private readonly clock: () => number = monotonicNow
  ) {}

  /**
   * Queues `run` for `peer`; the promise settles with its result. Undefined when the peer's queue is full.
   * While nothing waits and validation has used less than a slice of the current window, `run` starts at
   * once (no queueing delay when the relay is not loaded).
   */
  submit(peer: string, run: () => Promise<T> | T): Promise<T> | undefined {
    if (this.turn.length === 0 && this.scheduled === undefined && !this.running) {
      const now = this.clock()
      if (now - this.windowStart >= this.sliceMs * IDLE_WINDOW_SLICES) {
        this.windowStart = now
        this.windowSpentMs = 0
      }
      if (this.windowSpentMs < this.sliceMs) {
        const job = { run, resolve: (_: T) => {}, reject: (_: unknown) => {} }
        const promise = new Promise<T>((resolve, reject) => {
          job.resolve = resolve
          job.reject = reject
        })
        this.runJob(job)
        this.windowSpentMs += this.clock() - now
        return promise
      }
    }
    let queue = this.queues.get(peer)
    if (queue === undefined) {
      this.queues.set(peer, (queue = []))
      this.turn.push(peer)
    }
    if (queue.length >= this.perPeer) {
      this.turnedAway++
      return undefined
    }
    const promise = new Promise<T>((resolve, reject) => queue.push({ run, resolve, reject }))
    this.schedule()
    return promise
  }

  /** Messages waiting, all peers together. */
  get waiting(): number {
    let n = 0
    for (const q of this.queues.values()) n += q.length
    return n
  }

  /** Drops a peer's waiting work (disconnected, banned); its pending validations settle with `dropped`. */
  forget(peer: string, dropped: T): void {
    const queue = this.queues.get(peer)
    if (queue === undefined) return
    this.queues.delete(peer)
    const at = this.turn.indexOf(peer)
    if (at >= 0) this.turn.splice(at, 1)
    for (const job of queue) job.resolve(dropped)
  }

  private runJob(job: Job<T>): void {
    try {
      const result = job.run()
      if (result instanceof Promise) result.then(job.resolve, job.reject)
      else job.resolve(result)
    } catch (err) {
      job.reject(err)
    }
  }

  private schedule(): void {
    if (this.scheduled !== undefined || this.running) return
    // A zero-delay timer, not a microtask: socket reads queued meanwhile run first.
    this.scheduled = setTimer(() => {
      this.scheduled = undefined
      this.drain()
    }, 0)
  }

  private drain(): void {
    this.running = true
    const start = this.clock()
    try {
      while (this.turn.length > 0 && this.clock() - start < this.sliceMs) {
        const peer = this.turn.shift() as string
        const queue = this.queues.get(peer)
        const job = queue?.shift()
        if (queue === undefined || job === undefined) {
          this.queues.delete(peer)
          continue
        }
        if (queue.length > 0) this.turn.push(peer)
        else this.queues.delete(peer)
        this.runJob(job)
      }
    } finally {
      this.running = false
      this.windowStart = this.clock()
      this.windowSpentMs = this.sliceMs // a slice was just used: the next message queues unless the window ends
    }
    if (this.turn.length > 0) this.schedule()
  }
}
