import { describe, expect, test } from 'vitest'
import {
  formatAgo,
  formatAmount,
  formatCoinEstimate,
  formatDifficulty,
  formatDuration,
  formatHashrate,
  formatPpm,
  formatWindow,
  plural
} from '../src/app/format'
import { routeFromHash } from '../src/app/state/router.svelte'

describe('formatting for the dashboard', () => {
  test('amounts are exact integers in coin units, never floats', () => {
    expect(formatAmount(123_456_789n)).toBe('1.23456789')
    expect(formatAmount(5_000_000_000n, 8, 'LTC')).toBe('50 LTC')
    expect(formatAmount(1n)).toBe('0.00000001')
    // 2^63 satoshi still prints exactly
    expect(formatAmount(9_223_372_036_854_775_807n)).toBe('92233720368.54775807')
  })

  test('estimates print 3 significant digits with their unit', () => {
    expect(formatCoinEstimate(1_234_567, 8, 'DEV')).toBe('0.0123 DEV')
    expect(formatCoinEstimate(5_000_000_000, 8, 'LTC')).toBe('50 LTC')
    expect(formatCoinEstimate(0, 8, 'BTC')).toBe('0 BTC')
    expect(formatCoinEstimate(123_456_700_000_000, 8)).toBe('1,234,567')
  })

  test('durations scale from seconds to years; a zero rate gives no estimate, never "every never"', () => {
    expect(formatDuration(5)).toBe('5.0 s')
    expect(formatDuration(90)).toBe('1.5 min')
    expect(formatDuration(2 * 86_400)).toBe('2.0 days')
    expect(formatDuration(3 * 365.25 * 86_400)).toBe('3 years')
    expect(formatDuration(Infinity)).toBe('no estimate')
    expect(formatWindow(600)).toBe('10 min')
    expect(formatAgo(100, 102)).toBe('just now')
    expect(formatAgo(100, 400)).toBe('5 min ago')
  })

  test('plurals: one is singular, everything else plural', () => {
    expect(plural(1, 'share')).toBe('1 share')
    expect(plural(0, 'share')).toBe('0 shares')
    expect(plural(2160, 'share')).toBe('2,160 shares')
  })

  test('hashrates and difficulties pick a unit', () => {
    expect(formatHashrate(950)).toBe('950 H/s')
    expect(formatHashrate(8_200_000)).toBe('8.20 MH/s')
    expect(formatHashrate(-1)).toBe('0 H/s')
    expect(formatDifficulty(0.000422)).toBe('0.000422')
    expect(formatDifficulty(1200)).toBe('1.20 k')
    expect(formatDifficulty(0)).toBe('—')
    expect(formatPpm(125_000)).toBe('12.5 %')
  })

  test('routes: screens, a miner page with its address, unknown hashes go to Mine', () => {
    expect(routeFromHash('#/pool')).toEqual({ screen: 'pool', param: undefined })
    expect(routeFromHash('#/miner/odev1qabc')).toEqual({ screen: 'miner', param: 'odev1qabc' })
    expect(routeFromHash('#/miner/%E0%A4%A')).toEqual({ screen: 'miner', param: undefined })
    expect(routeFromHash('#/nothing')).toEqual({ screen: 'mine', param: undefined })
  })
})
