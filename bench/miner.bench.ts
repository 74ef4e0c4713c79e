// sha256d mining in Node, per thread and as a pool: hash-wasm's SHA-256 called per nonce (baseline)
// against our scalar and SIMD kernels; the pool's job-switch latency; pool scaling from 1 to 2 workers
// (worker_threads). Node's V8 is older than Chromium's (bench/miner-browser.bench.ts has the figure that
// counts). Rates per wall second and per CPU-second of this process (robust to other load on a shared
// machine). Run: npx tsx bench/miner.bench.ts
import { execFileSync } from 'node:child_process'
import { createSHA256 } from 'hash-wasm'
import type { JobSwitchReport } from '../web/src/miner/job'
import type { NonceScanner } from '../web/src/miner/kernels/types'
import { loadSha256dScanner } from '../web/src/miner/kernels/sha256d.node.ts'
import { MinerPool } from '../web/src/miner/pool'
import { nodeWorkerFactory } from '../web/src/miner/worker-port.node.ts'
import { testJob } from '../web/test/miner/fakes'

const WARMUP_MS = 500 // per method: V8's optimising tier compiles the kernels in the background
const ROUND_MS = 500
const ROUNDS = 7 // medians over these
const SCAN_NONCES = 4096 // per scan call
const POOL_WARMUP_MS = 2_000 // tsx start-up and kernel warm-up in each thread
const POOL_MEASURE_MS = 3_000
const JOB_SWITCHES = 6
const JOB_SWITCH_GAP_MS = 400
const NEVER = 0n // target nothing meets: only hashing is timed

const root = new URL('../', import.meta.url)
execFileSync(process.execPath, [new URL('scripts/build-kernels.mjs', root).pathname], { stdio: 'inherit' })

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

interface Method {
  name: string
  run: (ms: number) => number
}

const header = new Uint8Array(80).map((_, i) => (i * 37 + 11) & 255)
const sha = await createSHA256()
const hashWasm: Method = {
  name: 'hash-wasm',
  run(ms) {
    const view = new DataView(header.buffer)
    let n = 0
    const t0 = performance.now()
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 256; i++, n++) {
        view.setUint32(76, n, true)
        sha.init()
        sha.update(header)
        const first = sha.digest('binary')
        sha.init()
        sha.update(first)
        sha.digest('binary')
      }
    }
    return n
  }
}

function kernelMethod(name: string, scanner: NonceScanner): Method {
  scanner.setJob(header, NEVER)
  let nonce = 0
  return {
    name,
    run(ms) {
      let n = 0
      const t0 = performance.now()
      while (performance.now() - t0 < ms) {
        scanner.scan(nonce, SCAN_NONCES)
        nonce = (nonce + SCAN_NONCES) % 2 ** 32
        n += SCAN_NONCES
      }
      return n
    }
  }
}

const methods = [
  hashWasm,
  kernelMethod('sha256d-scalar', await loadSha256dScanner({ simd: false })),
  kernelMethod('sha256d-simd', await loadSha256dScanner({ simd: true }))
]
for (const m of methods) m.run(WARMUP_MS)
const wall: Record<string, number[]> = {}
const cpu: Record<string, number[]> = {}
for (let r = 0; r < ROUNDS; r++) {
  for (const m of methods) {
    const c0 = cpuMs()
    const t0 = performance.now()
    const n = m.run(ROUND_MS)
    ;(wall[m.name] ??= []).push(n / ((performance.now() - t0) / 1000))
    ;(cpu[m.name] ??= []).push(n / (Math.max(1, cpuMs() - c0) / 1000))
  }
}

const figures: Record<string, number> = {}
process.stdout.write(
  `sha256d nonce scan in Node ${process.version}, one thread; medians of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms\n`
)
process.stdout.write(
  `${'method'.padEnd(16)} ${'wall MH/s'.padStart(9)} ${'MH/cpu-s'.padStart(9)}  ratio vs hash-wasm (per cpu-s)\n`
)
for (const m of methods) {
  const ratio = median(cpu[m.name].map((r, i) => r / cpu['hash-wasm'][i]))
  process.stdout.write(
    `${m.name.padEnd(16)} ${(median(wall[m.name]) / 1e6).toFixed(2).padStart(9)} ${(median(cpu[m.name]) / 1e6).toFixed(2).padStart(9)}  x${ratio.toFixed(2)}\n`
  )
  const key = m.name.replace(/-/g, '_')
  figures[`${key}_node_hps`] = Math.round(median(wall[m.name]))
  figures[`${key}_node_hps_per_cpu_s`] = Math.round(median(cpu[m.name]))
  if (m.name !== 'hash-wasm') figures[`${key}_node_ratio`] = Number(ratio.toFixed(3))
}

/** Total pool hashrate (H/s) with n worker threads, and the job-switch latencies seen meanwhile. */
async function measurePool(workers: number, switchJobs: boolean): Promise<{ hps: number; switchesMs: number[] }> {
  const pool = new MinerPool({ createWorker: nodeWorkerFactory, hardwareThreads: workers + 1, hashrateIntervalMs: 250 })
  const switchesMs: number[] = []
  let hashes = 0
  let measuring = false
  pool.on('hashrate', (r) => {
    if (measuring) hashes += (r.total * r.intervalMs) / 1000
  })
  pool.on('jobSwitch', (s: JobSwitchReport) => switchesMs.push(s.latencyMs))
  pool.setJob(testJob('bench-0', 1n))
  pool.start()
  await sleep(POOL_WARMUP_MS)
  pool.sampleHashrate()
  measuring = true
  const t0 = performance.now()
  if (switchJobs) {
    for (let i = 1; i <= JOB_SWITCHES; i++) {
      pool.setJob(testJob(`bench-${i}`, 1n))
      await sleep(JOB_SWITCH_GAP_MS)
    }
  } else {
    await sleep(POOL_MEASURE_MS)
  }
  pool.sampleHashrate()
  const elapsed = performance.now() - t0
  pool.stop()
  return { hps: hashes / (elapsed / 1000), switchesMs }
}

const one = await measurePool(1, false)
const two = await measurePool(2, true)
process.stdout.write(
  `pool, worker_threads: 1 worker ${(one.hps / 1e6).toFixed(2)} MH/s, 2 workers ${(two.hps / 1e6).toFixed(2)} MH/s (x${(two.hps / one.hps).toFixed(2)}; this machine has 2 cores shared with other work)\n`
)
process.stdout.write(
  `job switch (2 workers, ${JOB_SWITCHES} switches, 50 ms slices): median ${median(two.switchesMs).toFixed(1)} ms, max ${Math.max(...two.switchesMs).toFixed(1)} ms\n`
)
figures.pool_1_worker_hps = Math.round(one.hps)
figures.pool_2_workers_hps = Math.round(two.hps)
figures.pool_scaling_2_over_1 = Number((two.hps / one.hps).toFixed(3))
figures.job_switch_median_ms = Number(median(two.switchesMs).toFixed(2))
figures.job_switch_max_ms = Number(Math.max(...two.switchesMs).toFixed(2))
process.stdout.write(JSON.stringify(figures) + '\n')
