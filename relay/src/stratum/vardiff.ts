// Per-connection variable difficulty toward one pseudo-share per `targetShareSeconds`, plus the
// decayed hashrate estimate shown in the rigs list. Pure arithmetic on times passed in: testable.
import {
  HASHRATE_DECAY_MS,
  VARDIFF_FAST_RETARGET_SHARES,
  VARDIFF_MAX_STEP_DOWN,
  VARDIFF_MAX_STEP_UP,
  VARDIFF_RETARGET_INTERVAL_MS,
  VARDIFF_TOLERANCE_FACTOR
} from './constants'

export interface VardiffBounds {
  min: number
  max: number
  targetShareSeconds: number
}

export class Vardiff {
  private windowStart: number
  private windowShares = 0
  private windowDifficulty = 0

  constructor(
    private readonly bounds: () => VardiffBounds,
    now: number
  ) {
    this.windowStart = now
  }

  /** Starts a fresh measurement (after any difficulty change, ours or the rig's suggestion). */
  reset(now: number): void {
    this.windowStart = now
    this.windowShares = 0
    this.windowDifficulty = 0
  }

  /**
   * Records an accepted pseudo-share credited at `difficulty`; returns a new difficulty when the
   * rig is far too fast (VARDIFF_FAST_RETARGET_SHARES shares at over twice the target rate).
   */
  onShare(current: number, difficulty: number, now: number): number | undefined {
    this.windowShares++
    this.windowDifficulty += difficulty
    const { targetShareSeconds } = this.bounds()
    const expectedMs = this.windowShares * targetShareSeconds * 1000
    if (
      this.windowShares >= VARDIFF_FAST_RETARGET_SHARES &&
      (now - this.windowStart) * VARDIFF_TOLERANCE_FACTOR < expectedMs
    ) {
      return this.retarget(current, now)
    }
    return undefined
  }

  /** Called on the server tick: re-evaluates once per VARDIFF_RETARGET_INTERVAL_MS. */
  onTick(current: number, now: number): number | undefined {
    if (now - this.windowStart < VARDIFF_RETARGET_INTERVAL_MS) return undefined
    return this.retarget(current, now)
  }

  private retarget(current: number, now: number): number | undefined {
    const { min, max, targetShareSeconds } = this.bounds()
    const elapsedSeconds = Math.max((now - this.windowStart) / 1000, 0.001)
    let next: number
    if (this.windowShares === 0) {
      next = current / VARDIFF_MAX_STEP_DOWN
    } else {
      // Work per second in difficulty units, times the wanted seconds per share.
      const wanted = (this.windowDifficulty / elapsedSeconds) * targetShareSeconds
      const ratio = wanted / current
      if (ratio < VARDIFF_TOLERANCE_FACTOR && ratio > 1 / VARDIFF_TOLERANCE_FACTOR) {
        this.reset(now)
        return undefined
      }
      next = Math.min(Math.max(wanted, current / VARDIFF_MAX_STEP_DOWN), current * VARDIFF_MAX_STEP_UP)
    }
    this.reset(now)
    next = clampDifficulty(nearestPowerOfTwo(next), min, max)
    return next === current ? undefined : next
  }
}

/** Clamps into [min, max] (max wins when they cross). */
export function clampDifficulty(d: number, min: number, max: number): number {
  return Math.min(Math.max(d, min), max)
}

/**
 * The power of two nearest to `d` (in log scale). Vardiff moves in powers of two: targets stay
 * exact (difficultyToTarget is exact for them) and set_difficulty lines short.
 */
export function nearestPowerOfTwo(d: number): number {
  return 2 ** Math.round(Math.log2(d))
}

/** Exponentially decayed rate of accepted work, as hashes per second. */
export class HashrateMeter {
  private decayedDifficulty = 0
  private lastAt: number
  private readonly startedAt: number

  constructor(
    private readonly hashesPerDifficulty: number,
    now: number
  ) {
    this.lastAt = this.startedAt = now
  }

  add(difficulty: number, now: number): void {
    this.decay(now)
    this.decayedDifficulty += difficulty
  }

  /** Hashes per second; early on divides by the time observed so far instead of the full time constant. */
  hashrate(now: number): number {
    this.decay(now)
    const observedMs = Math.max(now - this.startedAt, 1000)
    const effectiveMs = HASHRATE_DECAY_MS * (1 - Math.exp(-observedMs / HASHRATE_DECAY_MS))
    return (this.decayedDifficulty * this.hashesPerDifficulty) / (effectiveMs / 1000)
  }

  private decay(now: number): void {
    const dt = now - this.lastAt
    if (dt > 0) {
      this.decayedDifficulty *= Math.exp(-dt / HASHRATE_DECAY_MS)
      this.lastAt = now
    }
  }
}
