// Share validation and block submission times: each observation goes to a prom-client histogram
// (for /metrics) and to the current second's count, mean and maximum (for the history).
import type { Histogram } from 'prom-client'

export interface LatencySecond {
  count: number
  meanMs: number
  maxMs: number
}

export class LatencyRecorder {
  private count = 0
  private sumMs = 0
  private maxMs = 0

  constructor(private readonly histogram?: Histogram) {}

  observe(ms: number): void {
    this.count++
    this.sumMs += ms
    if (ms > this.maxMs) this.maxMs = ms
    this.histogram?.observe(ms / 1000)
  }

  /** Times `fn` (sync or async; failures are timed too). */
  time<T>(fn: () => T): T {
    const started = performance.now()
    let result: T
    try {
      result = fn()
    } catch (err) {
      this.observe(performance.now() - started)
      throw err
    }
    if (result instanceof Promise) {
      return result.finally(() => this.observe(performance.now() - started)) as T
    }
    this.observe(performance.now() - started)
    return result
  }

  /** What was observed since the last call (NaN mean and max when nothing was). */
  takeSecond(): LatencySecond {
    const out = {
      count: this.count,
      meanMs: this.count > 0 ? this.sumMs / this.count : Number.NaN,
      maxMs: this.count > 0 ? this.maxMs : Number.NaN
    }
    this.count = 0
    this.sumMs = 0
    this.maxMs = 0
    return out
  }
}

/**
 * Times every call of `target[method]` on this one instance (the share ledger's `add`: validation of
 * every share, Stratum and gossip; a source's `submitBlock`: the daemon round trip). The parts stay
 * unaware of the monitor; the instance's own method is what runs.
 */
export function instrument<T extends object, K extends keyof T>(target: T, method: K, recorder: LatencyRecorder): void {
  const original = target[method]
  if (typeof original !== 'function') throw new TypeError(`${String(method)} is not a method`)
  const bound = (original as (...args: unknown[]) => unknown).bind(target)
  target[method] = ((...args: unknown[]) => recorder.time(() => bound(...args))) as T[K]
}
