// "What will I earn?": the expectation is hashrate × reward / block work, and the 90 % range is the
// Poisson spread of the shares found, checked against a direct sum and a seeded simulation.
import { describe, expect, test } from 'vitest'
import {
  expectedEarnings,
  poissonQuantile,
  RANGE_HIGH_QUANTILE,
  RANGE_LOW_QUANTILE,
  secondsPer
} from '../src/app/state/earnings'

/** P(N <= k) for N ~ Poisson(mean), summed directly in log space (independent of the implementation). */
function poissonCdf(mean: number, k: number): number {
  let sum = 0
  let logFactorial = 0
  for (let i = 0; i <= k; i++) {
    if (i > 0) logFactorial += Math.log(i)
    sum += Math.exp(i * Math.log(mean) - mean - logFactorial)
  }
  return sum
}

/** A small seeded generator (mulberry32) so the simulation is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('expected earnings', () => {
  const input = { hashrate: 3.4e6, shareWork: 2 ** 32 * 0.001, blockWork: 2 ** 32 * 1000, blockReward: 50_0000_0000n }

  test('the expectation is hashrate × period × reward / block work, whatever the share difficulty', () => {
    const day = expectedEarnings(input, 86_400)!
    expect(day.expected).toBeCloseTo((3.4e6 * 86_400 * 5e9) / (2 ** 32 * 1000), 6)
    const harder = expectedEarnings({ ...input, shareWork: input.shareWork * 10 }, 86_400)!
    expect(harder.expected).toBeCloseTo(day.expected, 6)
    // …but harder shares widen the range: fewer, bigger shares.
    expect(harder.high - harder.low).toBeGreaterThan(day.high - day.low)
    expect(day.low).toBeLessThanOrEqual(day.expected)
    expect(day.high).toBeGreaterThanOrEqual(day.expected)
  })

  test('no hashrate, no reward or no difficulty gives no estimate', () => {
    expect(expectedEarnings({ ...input, hashrate: 0 }, 3600)).toBeUndefined()
    expect(expectedEarnings({ ...input, blockReward: 0n }, 3600)).toBeUndefined()
    expect(expectedEarnings({ ...input, blockWork: 0 }, 3600)).toBeUndefined()
    expect(secondsPer(1e6, 0)).toBe(Infinity)
  })

  test('Poisson quantiles are the least k whose CDF reaches p (exact below 400, normal above)', () => {
    for (const mean of [0.05, 0.7, 3, 19.2, 150, 399]) {
      for (const p of [RANGE_LOW_QUANTILE, RANGE_HIGH_QUANTILE]) {
        const k = poissonQuantile(mean, p)
        expect(poissonCdf(mean, k)).toBeGreaterThanOrEqual(p - 1e-12)
        if (k > 0) expect(poissonCdf(mean, k - 1)).toBeLessThan(p)
      }
    }
    // Normal approximation: within one count of the exact quantile at the switch-over.
    const exactAt = (mean: number, p: number): number => {
      let k = 0
      while (poissonCdf(mean, k) < p) k++
      return k
    }
    expect(Math.abs(poissonQuantile(450, 0.95) - exactAt(450, 0.95))).toBeLessThanOrEqual(1)
    expect(Math.abs(poissonQuantile(450, 0.05) - exactAt(450, 0.05))).toBeLessThanOrEqual(1)
  })

  test('about 90 % of simulated days fall inside the range', () => {
    const hour = expectedEarnings({ ...input, hashrate: 2e5 }, 3600)!
    const random = seeded(16)
    const perShare = hour.expected / hour.expectedShares
    let inside = 0
    const trials = 4000
    for (let t = 0; t < trials; t++) {
      // Shares arrive as a Poisson process: exponential gaps at rate expectedShares per period.
      let shares = 0
      for (
        let at = -Math.log(1 - random()) / hour.expectedShares;
        at < 1;
        at += -Math.log(1 - random()) / hour.expectedShares
      )
        shares++
      const income = shares * perShare
      if (income >= hour.low && income <= hour.high) inside++
    }
    // The interval holds at least 90 % (a discrete distribution overshoots); well below 100 %.
    expect(inside / trials).toBeGreaterThan(0.88)
    expect(inside / trials).toBeLessThan(0.99)
  })
})
