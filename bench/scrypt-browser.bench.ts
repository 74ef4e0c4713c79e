// scrypt(1024, 1, 1) nonce-scan throughput in headless Chromium, inside one Web Worker (one thread):
// hash-wasm's scrypt called per nonce (baseline) against our scalar and SIMD kernels, measured in the
// same worker in interleaved rounds so load from other processes hits every method alike.
// Needs Debian's /usr/bin/chromium (playwright-core drives it). Run: npx tsx bench/scrypt-browser.bench.ts
// SCRYPT_EXTRA_WASM=/a.wasm,/b.wasm adds kernel builds to compare (same exports as ours).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { chromium } from 'playwright-core'
import { workerCpuMs } from './miner-worker-cpu'

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const WARMUP_MS = 1_000 // per method: V8's optimising tier compiles the kernels in the background
const ROUND_MS = 400 // per method per round
const ROUNDS = 9 // medians over these
const KERNEL_BATCH = 64 // nonces per scan call (a multiple of every kernel's lanes)
const BENCH_TIMEOUT_MS = 180_000

const root = new URL('../', import.meta.url)
execFileSync(process.execPath, [new URL('scripts/build-kernels.mjs', root).pathname], { stdio: 'inherit' })
const kernelFiles = [
  ...['scrypt-scalar', 'scrypt-simd'].map((name) => new URL(`web/src/miner/kernels/build/${name}.wasm`, root).pathname),
  ...(process.env.SCRYPT_EXTRA_WASM ?? '').split(',').filter((p) => p !== '')
]
const kernels = kernelFiles.map((path) => ({ name: basename(path, '.wasm'), bytes: [...readFileSync(path)] }))
const hashWasmScrypt = readFileSync(new URL('node_modules/hash-wasm/dist/scrypt.umd.min.js', root), 'utf8')

// Runs in a classic Web Worker. Methods: hash-wasm (async, per nonce) and each kernel (sync scans).
const workerSource = `
let answer
const cpuMs = () => new Promise((resolve) => { answer = resolve; self.postMessage({ type: 'cpu?' }) })
self.onmessage = async ({ data }) => {
  if (data.type === 'cpu') { answer(data.ms); return }
  importScripts(URL.createObjectURL(new Blob([data.hashWasmScrypt], { type: 'text/javascript' })))
  const header = new Uint8Array(80)
  for (let i = 0; i < 80; i++) header[i] = (i * 37 + 11) & 255
  const methods = [{
    name: 'hash-wasm',
    nonce: 0,
    async run (ms) {
      let n = 0
      const t0 = performance.now()
      while (performance.now() - t0 < ms) {
        new DataView(header.buffer).setUint32(76, this.nonce++, true)
        await self.hashwasm.scrypt({ password: header, salt: header, costFactor: 1024, blockSize: 1, parallelism: 1, hashLength: 32, outputType: 'binary' })
        n++
      }
      return { n, ms: performance.now() - t0 }
    }
  }]
  for (const k of data.kernels) {
    const { instance } = await WebAssembly.instantiate(new Uint8Array(k.bytes), { env: { abort () { throw new Error('abort') } } })
    const e = instance.exports
    new Uint8Array(e.memory.buffer).set(header, e.headerPtr())
    e.setJob()
    methods.push({
      name: k.name,
      nonce: 0,
      async run (ms) {
        let n = 0
        const t0 = performance.now()
        while (performance.now() - t0 < ms) {
          e.scan(this.nonce, ${KERNEL_BATCH})
          this.nonce += ${KERNEL_BATCH}
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
  self.postMessage({ type: 'done', rates, cpuRates, simd: WebAssembly.validate(new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,22,1,20,0,253,12,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,11])) })
}
`

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] })
try {
  const page = await browser.newPage()
  await page.goto('about:blank')
  await page.exposeFunction('benchWorkerCpuMs', workerCpuMs)
  // A string, not a function: the page code needs DOM types this Node project does not load.
  const pageScript = `new Promise((resolve, reject) => {
    const worker = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(workerSource)}], { type: 'text/javascript' })))
    const timer = setTimeout(() => reject(new Error('benchmark worker timed out')), ${BENCH_TIMEOUT_MS})
    worker.onmessage = (ev) => {
      if (ev.data.type === 'cpu?') { void globalThis.benchWorkerCpuMs().then((ms) => worker.postMessage({ type: 'cpu', ms })); return }
      clearTimeout(timer)
      resolve(ev.data)
    }
    worker.onerror = (ev) => { clearTimeout(timer); reject(new Error(ev.message)) }
    worker.postMessage(${JSON.stringify({ kernels, hashWasmScrypt })})
  })`
  const result = (await page.evaluate(pageScript)) as {
    rates: Record<string, number[]>
    cpuRates: Record<string, number[]>
    simd: boolean
  }

  const version = browser.version()
  process.stdout.write(
    `scrypt(1024,1,1) nonce scan in Chromium ${version}, one Web Worker, WASM SIMD ${result.simd ? 'yes' : 'no'}\n`
  )
  process.stdout.write(`medians of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up each\n`)
  process.stdout.write(
    `${'method'.padEnd(16)} ${'wall kH/s'.padStart(9)} ${'kH/cpu-s'.padStart(9)}  ratio vs hash-wasm (per cpu-s)\n`
  )
  const baseline = result.cpuRates['hash-wasm']
  const figures: Record<string, number> = {}
  for (const [name, rates] of Object.entries(result.rates)) {
    const cpuRates = result.cpuRates[name]
    const paired = median(cpuRates.map((r, i) => r / baseline[i])) // per-round ratio: robust to load swings
    const vsSimd = median(cpuRates.map((r, i) => r / result.cpuRates['scrypt-simd'][i])) // for SCRYPT_EXTRA_WASM
    process.stdout.write(
      `${name.padEnd(16)} ${(median(rates) / 1000).toFixed(2).padStart(9)} ${(median(cpuRates) / 1000).toFixed(2).padStart(9)}  x${paired.toFixed(2)}  (x${vsSimd.toFixed(3)} vs scrypt-simd)\n`
    )
    const key = name.replace(/-/g, '_')
    figures[`${key}_browser_hps`] = Math.round(median(rates))
    figures[`${key}_browser_hps_per_cpu_s`] = Math.round(median(cpuRates))
    if (name !== 'hash-wasm') figures[`${key}_browser_ratio`] = Number(paired.toFixed(3))
  }
  process.stdout.write(JSON.stringify(figures) + '\n')
} finally {
  await browser.close()
}
