// The simulator's promises: a seed fixes the whole run, every peer's own ledger agrees on the payouts
// once the network is quiet, and worse links make more shares lose their race.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Prng, Simulation, createSimConfig, type SimReport } from '../src/index'

/** 50 peers, 10 simulated minutes; 2 s shares give ~300 shares, enough races to count. */
const SMALL = { peers: 50, durationSeconds: 600, shareIntervalSeconds: 2, seed: 20 }

function run(partial: Parameters<typeof createSimConfig>[0]): SimReport {
  return new Simulation(createSimConfig(partial)).run()
}

describe('Prng', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const draw = (seed: number): number[] => {
      const r = new Prng(seed)
      return Array.from({ length: 8 }, () => r.nextU32())
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
  })

  it('draws uniform numbers in [0, 1) with the right mean', () => {
    const r = new Prng(7)
    const xs = Array.from({ length: 20_000 }, () => r.next())
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...xs)).toBeLessThan(1)
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1)
  })
})

describe('Simulation', () => {
  const baseline = run(SMALL)

  it('is deterministic for a seed: the same run gives the same report, down to the payouts', () => {
    const again = run(SMALL)
    expect(again).toEqual(baseline)
    expect(baseline.sharesFound).toBeGreaterThan(100)
    const other = run({ ...SMALL, seed: SMALL.seed + 1 })
    expect(other.payoutsAtTip).not.toBe(baseline.payoutsAtTip)
  })

  it('leaves every online peer on the same tip with the same payouts once the network is quiet', () => {
    expect(baseline.onlinePeers).toBe(SMALL.peers)
    expect(baseline.ledgerAgreement).toBe(1)
    expect(baseline.rejected).toBe(0)
    expect(baseline.tipHeight).toBeGreaterThan(0)
    expect(baseline.payoutsAtTip.length).toBeGreaterThan(0)
  })

  it('confirms templates by quorum and spreads shares to 95 % of peers', () => {
    expect(baseline.quorumConfirmedFraction).toBeGreaterThan(0.9)
    expect(baseline.spreadShares).toBeGreaterThan(0.9 * baseline.sharesFound)
  })

  it('gives byte for byte the reports recorded for fixed seeds (speed-ups must not move a figure)', () => {
    // Recorded with the simulator before its speed-ups (sim/README.md "Measured"): a clean run, a lossy
    // one (fetches, uncles, orphans) and one with heavy churn (joins, syncs, duplicates taken back).
    const recorded = JSON.parse(readFileSync(new URL('fixtures/seeded-reports.json', import.meta.url), 'utf8')) as {
      config: Parameters<typeof createSimConfig>[0]
      report: SimReport
    }[]
    expect(recorded).toHaveLength(3)
    for (const { config, report } of recorded) expect(JSON.stringify(run(config))).toBe(JSON.stringify(report))
  })

  it('loses more races when packet loss rises', () => {
    const lossy = run({ ...SMALL, extraPacketLoss: 0.85 })
    expect(lossy.spreadP50Seconds).toBeGreaterThan(baseline.spreadP50Seconds)
    expect(lossy.staleRate).toBeGreaterThan(baseline.staleRate)
    expect(lossy.ledgerAgreement).toBe(1)
  })
})
