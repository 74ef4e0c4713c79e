// The pool on real worker_threads running miner-worker.node.ts: shares arrive, both threads report
// hashrate, stop ends the threads. Waits on events, not on time (the machine may be loaded).
import { describe, expect, it } from 'vitest'
import { sha256d } from '@otedama/shared/primitives'
import type { FoundShare } from '../../src/miner/job'
import { MinerPool } from '../../src/miner/pool'
import { nodeWorkerFactory } from '../../src/miner/worker-port.node'
import { testJob } from './fakes'

const SHARES_WANTED = 5
const EASY_TARGET = (1n << 244n) - 1n // 1 hash in 4096

describe('MinerPool on worker_threads', () => {
  it('mines with two threads and reports hashrate', async () => {
    const pool = new MinerPool({ createWorker: nodeWorkerFactory, hardwareThreads: 3, hashrateIntervalMs: 250 })
    const shares: FoundShare[] = []
    const bothHashing = new Promise<void>((resolve) =>
      pool.on('hashrate', (r) => {
        if (r.perWorker.length === 2 && r.perWorker.every((h) => h > 0)) resolve()
      })
    )
    const enoughShares = new Promise<void>((resolve) =>
      pool.on('share', (s) => {
        shares.push(s)
        if (shares.length === SHARES_WANTED) resolve()
      })
    )
    pool.setJob(testJob('threads', EASY_TARGET))
    pool.start()
    try {
      await Promise.all([bothHashing, enoughShares])
    } finally {
      pool.stop()
    }
    for (const s of shares) expect(sha256d(s.header80)).toEqual(s.hash)
    expect(pool.isRunning).toBe(false)
  })
})
