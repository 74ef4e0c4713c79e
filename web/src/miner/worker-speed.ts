// Slow-instance detection. About one kernel instance in ten runs 25–40 % slower than its siblings for
// its whole life (seen in Node and Chromium, same module, same machine; cause unknown), so the pool
// measures every worker once it has warmed up and replaces one that stays well below the others.
// Rates are nonces per ms of the worker's own scan time (rests of the throttle and pauses excluded),
// so a throttled or paused pool is measured like a busy one.

export interface WorkerSpeedParams {
  /** Scan time a worker runs before it is measured, ms: V8 first runs a kernel in its baseline tier
   *  and compiles the optimised one in the background (5–13 ms of compile, first slices slower). */
  warmupMs: number
  /** Scan time over which the rate is then measured, ms (several slices, so one preemption by the
   *  OS does not decide). */
  measureMs: number
  /** A measured worker below this fraction of the median measured rate (CPU workers) is restarted. */
  slowRatio: number
  /** Restarts per pool start at most: on a machine whose cores are oversubscribed every worker can
   *  look slow in turn, and endless respawns would only cost warm-ups. */
  maxRestarts: number
}

export const DEFAULT_WORKER_SPEED: WorkerSpeedParams = {
  warmupMs: 1_500, // ~5 slices of 50 ms plus the optimising compile, with margin
  measureMs: 3_000,
  slowRatio: 0.75, // the slow instances seen run at 0.60–0.75 of their siblings
  maxRestarts: 8
}

export function resolveWorkerSpeed(partial: Partial<WorkerSpeedParams> = {}): WorkerSpeedParams {
  const p = { ...DEFAULT_WORKER_SPEED, ...partial }
  if (!(p.warmupMs >= 0)) throw new RangeError(`worker speed warmupMs must be ≥ 0 ms, got ${p.warmupMs}`)
  if (!(p.measureMs > 0)) throw new RangeError(`worker speed measureMs must be > 0 ms, got ${p.measureMs}`)
  if (!(p.slowRatio > 0 && p.slowRatio < 1))
    throw new RangeError(`worker speed slowRatio must be in (0, 1), got ${p.slowRatio}`)
  if (!Number.isInteger(p.maxRestarts) || p.maxRestarts < 0)
    throw new RangeError(`worker speed maxRestarts must be an integer ≥ 0, got ${p.maxRestarts}`)
  return p
}

/** One worker's scan time and hashes; its rate is fixed once warm-up and measurement are done. */
export class WorkerSpeedMeter {
  private scanMs = 0
  private measuredMs = 0
  private measuredNonces = 0
  /** Nonces per ms over the measurement window; undefined until measured. */
  rate: number | undefined

  constructor(private readonly params: WorkerSpeedParams) {}

  /** Adds one finished slice; true when this slice completed the measurement. */
  add(nonces: number, elapsedMs: number): boolean {
    if (this.rate !== undefined || !(elapsedMs > 0)) return false
    this.scanMs += elapsedMs
    if (this.scanMs <= this.params.warmupMs) return false
    this.measuredMs += elapsedMs
    this.measuredNonces += nonces
    if (this.measuredMs < this.params.measureMs) return false
    this.rate = this.measuredNonces / this.measuredMs
    return true
  }
}

/** The median for comparison: the upper middle of an even count (with two workers, the faster). */
export function medianRate(rates: readonly number[]): number {
  const sorted = [...rates].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

/** Workers (by id) whose measured rate is below slowRatio × the median of all measured rates.
 *  Needs at least two measured workers: one alone has nothing to be slow against. */
export function slowWorkers(rates: ReadonlyMap<number, number>, slowRatio: number): { slow: number[]; median: number } {
  if (rates.size < 2) return { slow: [], median: rates.size === 1 ? [...rates.values()][0] : 0 }
  const median = medianRate([...rates.values()])
  const slow = [...rates].filter(([, rate]) => rate < slowRatio * median).map(([id]) => id)
  return { slow, median }
}
