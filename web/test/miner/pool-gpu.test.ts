// The pool's GPU worker slot, driven by hand-answered workers: started beside the CPU workers and not
// counted among them, absent where its factory gives none, removed when the setting turns it off,
// and when it fails (no adapter) the CPU workers carry on with its nonces.
import { describe, expect, it } from 'vitest'
import { MAX_TARGET } from '@otedama/shared/primitives'
import { MinerPool } from '../../src/miner/pool'
import { manualFactory, testJob, type ManualPort } from './fakes'

function setup(gpuAvailable = true) {
  const cpu = manualFactory()
  const gpuPorts: ManualPort[] = []
  const gpu = manualFactory()
  const pool = new MinerPool({
    createWorker: cpu.factory,
    gpuWorker: (index) => {
      if (!gpuAvailable) return undefined
      const port = gpu.factory(index) as ManualPort
      gpuPorts.push(port)
      return port
    },
    hardwareThreads: 3,
    workers: 2,
    sleep: async () => {}
  })
  return { pool, cpu: cpu.ports, gpu: gpuPorts }
}

describe('MinerPool GPU worker', () => {
  it('runs one GPU worker beside the CPU workers, reported as its own engine', () => {
    const { pool, cpu, gpu } = setup()
    pool.setJob(testJob('gpu', MAX_TARGET))
    pool.start()
    expect(cpu).toHaveLength(2)
    expect(gpu).toHaveLength(1)
    expect(pool.workers).toBe(2)
    expect(gpu[0].last?.algorithm).toBe('sha256d')
    // A GPU reply carries its engine; the report sums rates per engine.
    gpu[0].finish(1, [], 'webgpu')
    cpu[0].finish(10)
    const engines = pool.sampleHashrate().engines?.map((e) => [e.engine, e.workers])
    expect(engines).toEqual(
      expect.arrayContaining([
        ['webgpu', 1],
        ['wasm-simd', 1]
      ])
    )
    pool.setWorkerCount(1) // CPU workers only
    expect(gpu[0].terminated).toBe(false)
    pool.setGpuEnabled(false)
    expect(gpu[0].terminated).toBe(true)
    pool.stop()
  })

  it('starts no GPU worker where the factory gives none', () => {
    const { pool, cpu, gpu } = setup(false)
    pool.setJob(testJob('gpu', MAX_TARGET))
    pool.start()
    expect(cpu).toHaveLength(2)
    expect(gpu).toHaveLength(0)
    pool.stop()
  })

  it('carries on with the CPU workers when the GPU worker fails', () => {
    const { pool, cpu, gpu } = setup()
    const errors: string[] = []
    pool.on('error', (e) => errors.push(e.message))
    pool.setJob(testJob('gpu', MAX_TARGET))
    pool.start()
    gpu[0].fail('WebGPU gave no adapter')
    expect(errors).toEqual(['WebGPU gave no adapter'])
    const before = gpu[0].posted.length
    for (let i = 0; i < 3; i++) cpu.forEach((p) => p.finish(10))
    expect(gpu[0].posted.length).toBe(before) // no more work for it
    expect(cpu.every((p) => p.posted.length >= 4)).toBe(true)
    pool.stop()
  })
})
