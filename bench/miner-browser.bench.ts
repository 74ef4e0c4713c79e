// sha256d nonce-scan throughput in headless Chromium, inside one Web Worker (one thread): hash-wasm's
// SHA-256 called per nonce (baseline) against our scalar and SIMD kernels, measured in the same worker
// in interleaved rounds so load from other processes hits every method alike. Chromium's figure is the
// one that counts (its V8 runs the SIMD kernel ~20 % faster than Node 20's; shared/notes/hashing.md).
// Needs Debian's /usr/bin/chromium. Run: npx tsx bench/miner-browser.bench.ts
// SHA256D_EXTRA_WASM=/a.wasm,/b.wasm adds kernel builds to compare (same exports as the generated ones).
// Besides wall-clock rates it prints hashes per CPU-second of the worker thread (read from /proc around
// each round): on this shared 2-core machine that figure is what an idle machine would show.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { chromium } from 'playwright-core'

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const WARMUP_MS = 1_000 // per method: V8's optimising tier compiles the kernels in the background
const ROUND_MS = 700 // per method per round
const ROUNDS = Number(process.env.MINER_BENCH_ROUNDS ?? 7) // medians over these
const KERNEL_BATCH = 4096 // nonces per scan call: the kernels' maximum
const BENCH_TIMEOUT_MS = 300_000
const CLOCK_TICKS_PER_S = 100 // Linux USER_HZ: the unit of utime/stime in /proc/<pid>/task/<tid>/stat
const WORKER_THREAD_NAME = 'DedicatedWorker' // Chromium's name for a Web Worker thread

/** CPU time (ms) used so far by Chromium's Web Worker threads (the bench runs exactly one). */
function workerCpuMs (): number {
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let tids: string[] = []
    try { tids = readdirSync(`/proc/${pid}/task`) } catch { continue }
    for (const tid of tids) {
      let stat = ''
      try { stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8') } catch { continue }
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== WORKER_THREAD_NAME) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12]) // utime, stime
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S
}

const root = new URL('../', import.meta.url)
execFileSync(process.execPath, [new URL('scripts/build-kernels.mjs', root).pathname], { stdio: 'inherit' })
const kernelFiles = [
  ...['sha256d-scalar', 'sha256d-simd'].map((name) => new URL(`web/src/miner/kernels/build/${name}.wasm`, root).pathname),
  ...(process.env.SHA256D_EXTRA_WASM ?? '').split(',').filter((p) => p !== '')
]
const kernels = kernelFiles.map((path) => ({ name: basename(path, '.wasm'), bytes: [...readFileSync(path)] }))
const hashWasmSha256 = readFileSync(new URL('node_modules/hash-wasm/dist/sha256.umd.min.js', root), 'utf8')

// Runs in a classic Web Worker. Methods: hash-wasm (two SHA-256 per nonce) and each kernel (scans of
// one header at target 0, so nothing is found and only the hashing is timed).
const workerSource = `
let answer
const cpuMs = () => new Promise((resolve) => { answer = resolve; self.postMessage({ type: 'cpu?' }) })
self.onmessage = async ({ data }) => {
  if (data.type === 'cpu') { answer(data.ms); return }
  importScripts(URL.createObjectURL(new Blob([data.hashWasmSha256], { type: 'text/javascript' })))
  const header = new Uint8Array(80)
  for (let i = 0; i < 80; i++) header[i] = (i * 37 + 11) & 255
  const sha = await self.hashwasm.createSHA256()
  const methods = [{
    name: 'hash-wasm',
    nonce: 0,
    async run (ms) {
      let n = 0
      const view = new DataView(header.buffer)
      const t0 = performance.now()
      while (performance.now() - t0 < ms) {
        for (let i = 0; i < 256; i++) {
          view.setUint32(76, this.nonce++, true)
          sha.init(); sha.update(header); const first = sha.digest('binary')
          sha.init(); sha.update(first); sha.digest('binary')
        }
        n += 256
      }
      return { n, ms: performance.now() - t0 }
    }
  }]
  for (const k of data.kernels) {
    const { instance } = await WebAssembly.instantiate(new Uint8Array(k.bytes), { env: { abort () { throw new Error('abort') } } })
    const e = instance.exports
    new Uint8Array(e.memory.buffer).set(header, e.headerPtr())
    e.setJob(0)
    methods.push({
      name: k.name,
      nonce: 0,
      async run (ms) {
        let n = 0
        const t0 = performance.now()
        while (performance.now() - t0 < ms) {
          e.scan(this.nonce, ${KERNEL_BATCH})
          this.nonce = (this.nonce + ${KERNEL_BATCH}) % 4294967296
          n += ${KERNEL_BATCH}
        }
        return { n, ms: performance.now() - t0 }
      }
    })
  }
  for (const m of methods) await m.run(${WARMUP_MS})
  const rates = Object.fromEntries(methods.map((m) => [m.name, []]))
  const cpuRates = Object.fromEntries(methods.map((m) => [m.name, []]))
  for (let r = 0; r < ${ROUNDS}; r++) {
    for (const m of methods) {
      const c0 = await cpuMs()
      const { n, ms } = await m.run(${ROUND_MS})
      const c1 = await cpuMs()
      rates[m.name].push(n / (ms / 1000))
      cpuRates[m.name].push(n / (Math.max(1, c1 - c0) / 1000))
    }
  }
  self.postMessage({ type: 'done', rates, cpuRates })
}
`

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] })
try {
  const page = await browser.newPage()
  await page.goto('about:blank')
  await page.exposeFunction('benchWorkerCpuMs', workerCpuMs)
  const result = await page.evaluate(async ({ workerSource, kernels, hashWasmSha256, timeoutMs }) => {
    const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })))
    const readCpu = (globalThis as unknown as { benchWorkerCpuMs: () => Promise<number> }).benchWorkerCpuMs
    return await new Promise<{ rates: Record<string, number[]>, cpuRates: Record<string, number[]> }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('benchmark worker timed out')), timeoutMs)
      worker.onmessage = (ev) => {
        if (ev.data.type === 'cpu?') {
          void readCpu().then((ms) => worker.postMessage({ type: 'cpu', ms }))
          return
        }
        clearTimeout(timer)
        resolve(ev.data)
      }
      worker.onerror = (ev) => { clearTimeout(timer); reject(new Error(ev.message)) }
      worker.postMessage({ kernels, hashWasmSha256 })
    })
  }, { workerSource, kernels, hashWasmSha256, timeoutMs: BENCH_TIMEOUT_MS })

  process.stdout.write(`sha256d nonce scan in Chromium ${browser.version()}, one Web Worker\n`)
  process.stdout.write(`medians of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up each\n`)
  process.stdout.write(`${'method'.padEnd(22)} ${'wall MH/s'.padStart(9)} ${'MH/cpu-s'.padStart(9)}  ratio vs hash-wasm (per cpu-s)\n`)
  const baseline = result.cpuRates['hash-wasm']
  const figures: Record<string, number> = {}
  for (const [name, rates] of Object.entries(result.rates)) {
    const cpuRates = result.cpuRates[name]
    const paired = median(cpuRates.map((r, i) => r / baseline[i]))
    const vsSimd = median(cpuRates.map((r, i) => r / result.cpuRates['sha256d-simd'][i])) // for SHA256D_EXTRA_WASM
    process.stdout.write(`${name.padEnd(22)} ${(median(rates) / 1e6).toFixed(2).padStart(9)} ${(median(cpuRates) / 1e6).toFixed(2).padStart(9)}  x${paired.toFixed(2)}  (x${vsSimd.toFixed(3)} vs sha256d-simd)\n`)
    const key = name.replace(/-/g, '_')
    figures[`${key}_browser_hps`] = Math.round(median(rates))
    figures[`${key}_browser_hps_per_cpu_s`] = Math.round(median(cpuRates))
    if (name !== 'hash-wasm') figures[`${key}_browser_ratio`] = Number(paired.toFixed(3))
  }
  process.stdout.write(JSON.stringify(figures) + '\n')
} finally {
  await browser.close()
}
