// The pool driven by hand-answered workers: start/stop, job switch, stale drops, work stealing,
// extranonce rolling, throttle and pause — asserted on messages and counted rests, never on wall time.
import { describe, expect, it } from 'vitest'
import { MAX_TARGET } from '@otedama/shared/primitives'
import { MinerPool } from '../../src/miner/pool'
import type { FoundShare, JobSwitchReport } from '../../src/miner/job'
import { NONCE_SPACE } from '../../src/miner/kernels/types'
import type { MinerPoolOptions } from '../../src/miner/pool-options'
import { manualFactory, testJob } from './fakes'

const HASH = new Uint8Array(32).fill(0x11)

function setup(extra: Partial<MinerPoolOptions> = {}) {
  const { factory, ports } = manualFactory()
  let clock = 0
  const rests: number[] = []
  const pool = new MinerPool({
    createWorker: factory,
    hardwareThreads: 3,
    now: () => clock,
    sleep: async (ms) => {
      rests.push(ms)
    },
    ...extra
  })
  const shares: FoundShare[] = []
  const switches: JobSwitchReport[] = []
  pool.on('share', (s) => shares.push(s))
  pool.on('jobSwitch', (s) => switches.push(s))
  return {
    pool,
    ports,
    shares,
    switches,
    rests,
    tick: (ms: number) => {
      clock += ms
    }
  }
}

// A barrier, not a wait: the injected sleep settles in microtasks (or when the test wakes it), so one
// macrotask turn runs every `.then` the pool chained; nothing here depends on wall time passing.
const flush = async () => await new Promise((resolve) => setTimeout(resolve, 0))

describe('MinerPool', () => {
  it('creates no worker before start(), then cores − 1 of them', () => {
    const { pool, ports } = setup()
    pool.setJob(testJob('a', MAX_TARGET))
    expect(ports).toHaveLength(0)
    pool.start()
    expect(ports).toHaveLength(2)
    expect(ports.every((p) => p.posted.length === 1)).toBe(true)
    pool.stop()
  })

  it("switches every worker to a new job within one slice and drops the old job's finds", async () => {
    const { pool, ports, shares, switches, tick } = setup()
    const jobA = testJob('a', MAX_TARGET)
    const jobB = testJob('b', MAX_TARGET)
    pool.setJob(jobA)
    pool.start()
    pool.setJob(jobB)
    expect(ports.map((p) => p.posted.length)).toEqual([1, 1]) // both still on their job-A slice
    tick(7)
    ports[0].finish(10, [{ nonce: 5, hash: HASH }]) // a job-A find, after the switch: stale
    expect(ports[0].last?.header80).toEqual(jobB.buildHeader(0))
    expect(switches).toHaveLength(0) // worker 1 is still on job A
    tick(5)
    ports[1].finish(10)
    expect(ports[1].last?.header80).toEqual(jobB.buildHeader(0))
    expect(switches).toEqual([{ jobId: 'b', latencyMs: 12 }])
    ports[1].finish(10, [{ nonce: 9, hash: HASH }])
    await flush()
    expect(shares.map((s) => [s.jobId, s.nonce, s.extranonce2])).toEqual([['b', 9, 0]])
    const header = jobB.buildHeader(0)
    new DataView(header.buffer).setUint32(76, 9, true)
    expect(shares[0].header80).toEqual(header)
    pool.stop()
  })

  it("lets a fast worker steal a slow one's range, then rolls the extranonce", () => {
    const { pool, ports } = setup({ maxSliceNonces: 1 << 28 })
    const job = testJob('a', MAX_TARGET)
    const rolls: number[] = []
    pool.on('roll', (r) => rolls.push(r.extranonce2))
    pool.setJob(job)
    pool.start()
    const [slow, fast] = ports
    while (rolls.length === 0) fast.finish(0.001) // speed estimate → maximal slices
    const onFirstHeader = [...slow.posted, ...fast.posted.slice(0, -1)]
    expect(slow.posted).toHaveLength(1)
    expect(onFirstHeader.every((r) => r.header80.every((b, i) => b === job.buildHeader(0)[i]))).toBe(true)
    const sorted = onFirstHeader.map((r) => [r.startNonce, r.count]).sort((a, b) => a[0] - b[0])
    let next = 0
    for (const [start, count] of sorted) {
      expect(start).toBe(next) // no gap, no overlap
      next += count
    }
    expect(next).toBe(NONCE_SPACE)
    expect(rolls).toEqual([1])
    expect(fast.last?.header80).toEqual(job.buildHeader(1))
    pool.stop()
  })

  it('rests each worker (1 − d)/d of its slice time at duty cycle d', async () => {
    const { pool, ports, rests } = setup({ workers: 1, dutyCycle: 0.25 })
    pool.setJob(testJob('a', MAX_TARGET))
    pool.start()
    for (let i = 0; i < 8; i++) {
      ports[0].finish(10)
      await flush()
    }
    expect(rests).toEqual(Array(8).fill(30))
    expect(ports[0].posted).toHaveLength(9)
    pool.setDutyCycle(1)
    ports[0].finish(10)
    await flush()
    expect(rests).toHaveLength(8)
    expect(() => pool.setDutyCycle(0)).toThrow(/duty cycle/)
    pool.stop()
  })

  it('hands out no slice while resting, paused or stopped', async () => {
    let wake = () => {}
    const { pool, ports } = setup({
      workers: 1,
      dutyCycle: 0.5,
      sleep: async () =>
        await new Promise<void>((resolve) => {
          wake = resolve
        })
    })
    pool.setJob(testJob('a', MAX_TARGET))
    pool.start()
    ports[0].finish(10)
    await flush()
    expect(ports[0].posted).toHaveLength(1) // resting
    wake()
    await flush()
    expect(ports[0].posted).toHaveLength(2)
    pool.setDutyCycle(1)
    pool.pause()
    ports[0].finish(10)
    expect(ports[0].posted).toHaveLength(2)
    pool.resume()
    expect(ports[0].posted).toHaveLength(3)
    pool.stop()
    expect(ports.every((p) => p.terminated)).toBe(true)
    ports[0].finish(10)
    expect(ports[0].posted).toHaveLength(3)
  })

  it('stops every worker, and resizes while running', () => {
    const { pool, ports } = setup({ workers: 3 })
    pool.setJob(testJob('a', MAX_TARGET))
    pool.start()
    pool.setWorkerCount(1)
    expect(ports.map((p) => p.terminated)).toEqual([false, true, true])
    pool.setWorkerCount(2)
    expect(ports).toHaveLength(4)
    expect(ports[3].posted).toHaveLength(1)
    pool.stop()
    expect(ports.every((p) => p.terminated)).toBe(true)
    expect(pool.isRunning).toBe(false)
  })

  it('reports per-worker and total hashrate over the interval', () => {
    const { pool, ports, tick } = setup()
    pool.setJob(testJob('a', MAX_TARGET))
    pool.start()
    const a = ports[0].finish(5).count
    const b = ports[1].finish(5).count + ports[1].finish(5).count
    tick(500)
    const report = pool.sampleHashrate()
    expect(report.perWorker).toEqual([a * 2, b * 2])
    expect(report.total).toBe((a + b) * 2)
    pool.stop()
  })

  it('classifies finds against the share and the block target', () => {
    const { pool, ports, shares } = setup({ workers: 1 })
    const blockHash = new Uint8Array(32) // 0: meets any target
    pool.setJob(testJob('a', 1n << 255n, 1n << 200n))
    pool.start()
    ports[0].finish(10, [
      { nonce: 1, hash: HASH },
      { nonce: 2, hash: blockHash }
    ])
    expect(shares.map((s) => [s.nonce, s.meetsShareTarget, s.meetsBlockTarget])).toEqual([
      [1, true, false],
      [2, true, true]
    ])
    pool.stop()
  })
})
