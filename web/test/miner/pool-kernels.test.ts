// The pool with real kernels in in-process workers: every posted share re-verifies from its header.
import { describe, expect, it } from 'vitest'
import { sha256d } from '@otedama/shared/primitives'
import { meetsTarget } from '@otedama/shared/primitives'
import type { FoundShare } from '../../src/miner/job'
import { loadScanner } from '../../src/miner/kernels/load.node'
import { MinerPool } from '../../src/miner/pool'
import { inProcessFactory, testJob } from './fakes'

const SHARES_WANTED = 20
const EASY_TARGET = (1n << 248n) - 1n // 1 hash in 256

describe('MinerPool with the real sha256d kernel', () => {
  it("posts shares whose headers hash below the target and match the job's extranonce", async () => {
    const job = testJob('real', EASY_TARGET)
    const pool = new MinerPool({
      createWorker: inProcessFactory(loadScanner),
      hardwareThreads: 3,
      initialSliceNonces: 4096
    })
    const shares: FoundShare[] = []
    const done = new Promise<void>((resolve) =>
      pool.on('share', (s) => {
        shares.push(s)
        if (shares.length === SHARES_WANTED) resolve()
      })
    )
    pool.setJob(job)
    pool.start()
    await done
    pool.stop()
    for (const s of shares) {
      expect(s.jobId).toBe('real')
      expect(sha256d(s.header80)).toEqual(s.hash)
      expect(meetsTarget(s.hash, EASY_TARGET)).toBe(true)
      const expected = job.buildHeader(s.extranonce2)
      new DataView(expected.buffer).setUint32(76, s.nonce, true)
      expect(s.header80).toEqual(expected)
    }
    expect(new Set(shares.map((s) => `${s.extranonce2}/${s.nonce}`)).size).toBe(shares.length)
  })
})
