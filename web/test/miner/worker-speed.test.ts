// Slow-instance detection over reported rates (worker-speed.ts), and the pool replacing the slow
// worker it finds, driven by hand-answered workers: rates are what the workers report, no clock.
import { describe, expect, it } from 'vitest'
import { MAX_TARGET } from '@otedama/shared/primitives'
import type { HashrateReport, WorkerRestartReport } from '../../src/miner/job'
import { MinerPool } from '../../src/miner/pool'
import { MinerConfigError } from '../../src/miner/pool-options'
import { medianRate, resolveWorkerSpeed, slowWorkers, WorkerSpeedMeter } from '../../src/miner/worker-speed'
import { manualFactory, testJob } from './fakes'

const rates = (...r: number[]) => new Map(r.map((rate, i) => [i, rate]))

describe('slowWorkers', () => {
  it('flags a worker below 75 % of the median and no other', () => {
    expect(slowWorkers(rates(100, 98, 70, 103), 0.75)).toEqual({ slow: [2], median: 100 })
  })

  it('keeps a worker at 76 % of the median', () => {
    expect(slowWorkers(rates(100, 76, 101), 0.75).slow).toEqual([])
  })

  it('compares two workers against the faster one', () => {
    expect(medianRate([60, 100])).toBe(100)
    expect(slowWorkers(rates(60, 100), 0.75).slow).toEqual([0])
    expect(slowWorkers(rates(80, 100), 0.75).slow).toEqual([])
  })

  it('judges nobody with fewer than two measured workers', () => {
    expect(slowWorkers(rates(5), 0.75).slow).toEqual([])
    expect(slowWorkers(rates(), 0.75).slow).toEqual([])
  })

  it('flags several slow workers at once', () => {
    expect(slowWorkers(rates(40, 100, 100, 100, 30), 0.75).slow).toEqual([0, 4])
  })
})

describe('WorkerSpeedMeter', () => {
  it('ignores the warm-up, then measures over the window', () => {
    const meter = new WorkerSpeedMeter(resolveWorkerSpeed({ warmupMs: 100, measureMs: 200 }))
    expect(meter.add(10, 100)).toBe(false) // warm-up: 0.1 nonces/ms, not counted
    expect(meter.add(100, 100)).toBe(false)
    expect(meter.add(100, 100)).toBe(true)
    expect(meter.rate).toBe(1)
    expect(meter.add(1, 100)).toBe(false) // fixed for life
    expect(meter.rate).toBe(1)
  })

  it('rejects params a human got wrong', () => {
    expect(() => resolveWorkerSpeed({ slowRatio: 1.5 })).toThrow(/slowRatio/)
    expect(
      () => new MinerPool({ createWorker: manualFactory().factory, hardwareThreads: 2, slowWorker: { measureMs: 0 } })
    ).toThrow(MinerConfigError)
  })
})

describe('MinerPool slow-worker restart', () => {
  it('replaces the worker that reports a slow rate, keeps the others, and reports engines', () => {
    const { factory, ports } = manualFactory()
    const pool = new MinerPool({
      createWorker: factory,
      hardwareThreads: 4,
      workers: 3,
      slowWorker: { warmupMs: 20, measureMs: 40 },
      sleep: async () => {}
    })
    const restarts: WorkerRestartReport[] = []
    pool.on('restart', (r) => restarts.push(r))
    pool.setJob(testJob('speed', MAX_TARGET))
    pool.start()
    expect(ports).toHaveLength(3)
    // Each answers its slices in the time its speed gives: 100 nonces/ms, worker 1 half of that.
    const noncesPerMs = [100, 50, 100]
    for (let round = 0; round < 8; round++) {
      ports.slice(0, 3).forEach((port, i) => port.finish((port.last?.count ?? 0) / noncesPerMs[i]))
    }
    expect(restarts).toEqual([
      { workerIndex: 1, newWorkerIndex: 3, rate: expect.closeTo(50_000), medianRate: expect.closeTo(100_000) }
    ])
    expect(ports[1].terminated).toBe(true)
    expect(ports[0].terminated || ports[2].terminated).toBe(false)
    expect(ports).toHaveLength(4)
    expect(ports[3].posted.length).toBe(1) // the replacement got work at once
    expect(pool.workers).toBe(3)
    const report: HashrateReport = pool.sampleHashrate()
    expect(report.perWorker).toHaveLength(3)
    expect(report.engines).toEqual([expect.objectContaining({ engine: 'wasm-simd', workers: 2 })])
    pool.stop()
  })

  it('stops restarting after maxRestarts', () => {
    const { factory, ports } = manualFactory()
    const pool = new MinerPool({
      createWorker: factory,
      hardwareThreads: 3,
      workers: 2,
      slowWorker: { warmupMs: 10, measureMs: 10, maxRestarts: 1 },
      sleep: async () => {}
    })
    let restarts = 0
    pool.on('restart', () => restarts++)
    pool.setJob(testJob('speed', MAX_TARGET))
    pool.start()
    // Whichever worker is second in line is always slow.
    for (let round = 0; round < 12; round++) {
      const live = ports.filter((p) => !p.terminated)
      live.forEach((port, i) => port.finish((port.last?.count ?? 0) / (i === 0 ? 100 : 25)))
    }
    expect(restarts).toBe(1)
    pool.stop()
  })
})
