// The restart path on real worker_threads: worker 0 runs the real scalar kernel (a real instance that
// is slower for its life, ~0.4× the SIMD build), the others the SIMD build. The pool measures them
// after warm-up, terminates worker 0, starts a replacement (SIMD) that mines valid shares, and leaves
// the SIMD workers alone unless one of them was measured slow too. Waits on events, never on time.
import { describe, expect, it } from 'vitest'
import { sha256d } from '@otedama/shared/primitives'
import type { FoundShare, HashrateReport, WorkerRestartReport } from '../../src/miner/job'
import { MinerPool } from '../../src/miner/pool'
import { createNodeWorkerFactory } from '../../src/miner/worker-port.node'
import { testJob } from './fakes'

const EASY_TARGET = (1n << 244n) - 1n // 1 hash in 4096
const SLOW_WORKER = 0
const TEST_TIMEOUT_MS = 60_000

describe('MinerPool slow-worker restart on worker_threads', () => {
  it(
    'replaces a worker running the scalar kernel with one that mines',
    async () => {
      const pool = new MinerPool({
        createWorker: createNodeWorkerFactory({ simd: (index) => (index === SLOW_WORKER ? false : undefined) }),
        hardwareThreads: 3,
        workers: 2,
        hashrateIntervalMs: 250,
        slowWorker: { warmupMs: 300, measureMs: 1_000 }
      })
      const restarts: WorkerRestartReport[] = []
      const restarted = new Promise<WorkerRestartReport>((resolve) =>
        pool.on('restart', (r) => {
          restarts.push(r)
          if (r.workerIndex === SLOW_WORKER) resolve(r)
        })
      )
      const shares: FoundShare[] = []
      pool.on('share', (s) => shares.push(s))
      pool.setJob(testJob('restart', EASY_TARGET))
      pool.start()
      try {
        const r = await restarted
        expect(r.rate).toBeLessThan(0.75 * r.medianRate)
        // The replacement hashes: a report where both live workers have hashes and engines say SIMD.
        await new Promise<HashrateReport>((resolve) =>
          pool.on('hashrate', (report) => {
            const simd = report.engines?.find((e) => e.engine === 'wasm-simd')
            if (report.perWorker.length === 2 && report.perWorker.every((h) => h > 0) && simd?.workers === 2)
              resolve(report)
          })
        )
        const sharesBefore = shares.length
        await new Promise<void>((resolve) =>
          pool.on('share', () => {
            if (shares.length > sharesBefore) resolve()
          })
        )
      } finally {
        pool.stop()
      }
      expect(restarts.find((x) => x.workerIndex === SLOW_WORKER)?.newWorkerIndex).toBeGreaterThanOrEqual(2)
      for (const s of shares) expect(sha256d(s.header80)).toEqual(s.hash)
    },
    TEST_TIMEOUT_MS
  )
})
