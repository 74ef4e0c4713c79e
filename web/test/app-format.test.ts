import { describe, expect, test } from 'vitest'
import { formatAmount, formatDuration, formatHashrate } from '../src/app/format'
import { explainVariance } from '../src/app/state/variance'

describe('formatting for the dashboard', () => {
  test('amounts are exact integers in coin units, never floats', () => {
    expect(formatAmount(123_456_789n)).toBe('1.23456789')
    expect(formatAmount(5_000_000_000n, 8, 'LTC')).toBe('50 LTC')
    expect(formatAmount(1n)).toBe('0.00000001')
    // 2^63 satoshi still prints exactly
    expect(formatAmount(9_223_372_036_854_775_807n)).toBe('92233720368.54775807')
  })

  test('durations scale from seconds to years', () => {
    expect(formatDuration(5)).toBe('5.0 s')
    expect(formatDuration(90)).toBe('1.5 min')
    expect(formatDuration(2 * 86_400)).toBe('2.0 days')
    expect(formatDuration(3 * 365.25 * 86_400)).toBe('3 years')
    expect(formatDuration(Infinity)).toBe('never at this rate')
  })

  test('hashrates pick a unit', () => {
    expect(formatHashrate(950)).toBe('950 H/s')
    expect(formatHashrate(8_200_000)).toBe('8.20 MH/s')
  })
})

describe('variance explainer', () => {
  const base = {
    myHashrate: 1e6, poolHashrate: 1e8, networkHashrate: 1e12,
    shareWork: 1e7, blockWork: 1e15, windowShares: 2160, shareIntervalSeconds: 10, myWindowShares: 3
  }

  test('expected times are work over hashrate', () => {
    const v = explainVariance(base)
    expect(v.secondsToMyShare).toBe(10)
    expect(v.secondsToPoolBlock).toBe(1e7)
    expect(v.poolShareOfNetwork).toBeCloseTo(1e-4)
  })

  test('stopping keeps shares earning for the window span, with a Poisson chance of a block', () => {
    const v = explainVariance(base)
    expect(v.secondsMySharesStayInWindow).toBe(21_600)
    expect(v.chanceOfBlockWhileInWindow).toBeCloseTo(1 - Math.exp(-21_600 / 1e7), 12)
  })

  test('no hashrate means never, no shares means nothing to lose', () => {
    const v = explainVariance({ ...base, myHashrate: 0, myWindowShares: 0 })
    expect(v.secondsToMyShare).toBe(Infinity)
    expect(v.chanceOfBlockWhileInWindow).toBe(0)
  })
})
