// Trends, plainly: exponentially weighted moving averages of a hashrate over two time constants,
// Holt's linear smoothing for its slope, and waiting times of a Poisson process (shares and blocks
// arrive as one: each hash meets a target independently) with their quantiles. Nothing is learned
// or predicted beyond what these formulas say.

/** Time constant of the short hashrate average (s): what "now" means for a drop. */
export const SHORT_EWMA_SECONDS = 60
/** Time constant of the long average (s): the trend a drop is measured against. */
export const LONG_EWMA_SECONDS = 30 * 60
/** Seconds of data before the long average counts as a trend (a fresh rig has none). */
export const TREND_WARMUP_SECONDS = 10 * 60
/** Holt smoothing time constants (s) for the level and the slope. */
export const HOLT_LEVEL_SECONDS = 5 * 60
export const HOLT_SLOPE_SECONDS = 30 * 60
/** Lower and upper quantiles of the ranges we quote (a 90 % range). */
export const RANGE_LOW_QUANTILE = 0.05
export const RANGE_HIGH_QUANTILE = 0.95

/** Weight of a new value after `dtSeconds` for time constant `tauSeconds`: 1 − e^(−dt/τ). */
export function ewmaWeight(dtSeconds: number, tauSeconds: number): number {
  return 1 - Math.exp(-Math.max(0, dtSeconds) / tauSeconds)
}

/** A hashrate's short and long averages and Holt's level and slope, fed once per sample. */
export class HashrateTrend {
  short = 0
  long = 0
  level = 0
  /** H/s per second. */
  slope = 0
  private at: number | undefined
  private startedAt: number | undefined

  add(tMs: number, hashesPerSecond: number): void {
    if (this.at === undefined) {
      this.short = this.long = this.level = hashesPerSecond
      this.at = this.startedAt = tMs
      return
    }
    const dt = (tMs - this.at) / 1000
    if (dt <= 0) return
    this.at = tMs
    this.short += ewmaWeight(dt, SHORT_EWMA_SECONDS) * (hashesPerSecond - this.short)
    this.long += ewmaWeight(dt, LONG_EWMA_SECONDS) * (hashesPerSecond - this.long)
    const previous = this.level
    const a = ewmaWeight(dt, HOLT_LEVEL_SECONDS)
    this.level = a * hashesPerSecond + (1 - a) * (this.level + this.slope * dt)
    const b = ewmaWeight(dt, HOLT_SLOPE_SECONDS)
    this.slope = b * ((this.level - previous) / dt) + (1 - b) * this.slope
  }

  /** Seconds of data behind the averages. */
  ageSeconds(tMs: number): number {
    return this.startedAt === undefined ? 0 : (tMs - this.startedAt) / 1000
  }

  /** Fraction the short average is below the long one (0.3 = 30 % down); undefined before the warm-up or without a trend. */
  drop(tMs: number): number | undefined {
    if (this.ageSeconds(tMs) < TREND_WARMUP_SECONDS || !(this.long > 0)) return undefined
    return Math.max(0, 1 - this.short / this.long)
  }

  view(tMs: number): TrendView {
    return {
      shortHashesPerSecond: this.short,
      longHashesPerSecond: this.long,
      slopeHashesPerSecondPerHour: this.slope * 3600,
      slopePercentPerHour: this.level > 0 ? (this.slope * 3600 * 100) / this.level : 0,
      ageSeconds: Math.floor(this.ageSeconds(tMs)),
      warm: this.ageSeconds(tMs) >= TREND_WARMUP_SECONDS
    }
  }
}

export interface TrendView {
  /** EWMA over SHORT_EWMA_SECONDS and LONG_EWMA_SECONDS (H/s). */
  shortHashesPerSecond: number
  longHashesPerSecond: number
  /** Holt's slope of the smoothed hashrate, per hour (H/s per hour, and % of the level per hour). */
  slopeHashesPerSecondPerHour: number
  slopePercentPerHour: number
  ageSeconds: number
  /** True once TREND_WARMUP_SECONDS of data are behind the long average. */
  warm: boolean
}

/** A waiting time: mean and a 90 % range (seconds); absent when the rate is 0. */
export interface WaitView {
  expectedSeconds: number
  lowSeconds: number
  highSeconds: number
  /** Events waited for (1: the next one). */
  events: number
}

/** P(T ≤ t) for the time T of the k-th event of a Poisson process with mean μ = λt events by t: P(N(t) ≥ k). */
export function erlangCdf(k: number, mu: number): number {
  if (mu <= 0) return 0
  // 1 − Σ_{i<k} e^−μ μ^i / i!, the sum in log space (e^−μ underflows beyond μ ≈ 745).
  let logTerm = -mu
  let maxLog = logTerm
  const logs: number[] = [logTerm]
  for (let i = 1; i < k; i++) {
    logTerm += Math.log(mu) - Math.log(i)
    logs.push(logTerm)
    if (logTerm > maxLog) maxLog = logTerm
  }
  const sum = logs.reduce((s, l) => s + Math.exp(l - maxLog), 0)
  const below = Math.exp(maxLog + Math.log(sum))
  return Math.min(1, Math.max(0, 1 - below))
}

/** The time by which the k-th event has come with probability p, at `ratePerSecond` (bisection on erlangCdf). */
export function erlangQuantile(k: number, ratePerSecond: number, p: number): number {
  if (k === 1) return -Math.log(1 - p) / ratePerSecond
  // The mean is k/λ; the quantiles we quote lie well within [0, mean × 4 + 10/λ].
  let lo = 0
  let hi = (k * 4 + 10) / ratePerSecond
  for (let i = 0; i < 100 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2
    if (erlangCdf(k, ratePerSecond * mid) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** Waiting time for `events` more events at `ratePerSecond`: mean k/λ and the 90 % range of the Erlang(k, λ) law. */
export function waitFor(events: number, ratePerSecond: number): WaitView | undefined {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond) || events < 1) return undefined
  const k = Math.ceil(events)
  return {
    expectedSeconds: k / ratePerSecond,
    lowSeconds: erlangQuantile(k, ratePerSecond, RANGE_LOW_QUANTILE),
    highSeconds: erlangQuantile(k, ratePerSecond, RANGE_HIGH_QUANTILE),
    events: k
  }
}
