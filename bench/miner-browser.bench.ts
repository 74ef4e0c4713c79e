// sha256d nonce-scan throughput in headless Chromium, inside one Web Worker (one thread): hash-wasm's
// SHA-256 called per nonce (baseline) against our scalar and SIMD kernels, measured in the same worker
// in interleaved rounds so load from other processes hits every method alike. Chromium's figure is the
// one that counts (its V8 runs the SIMD kernel ~20 % faster than Node 20's; docs/field-notes.md (Hashing)).
// Needs Debian's /usr/bin/chromium. Run: npx tsx bench/miner-browser.bench.ts
// SHA256D_EXTRA_WASM=/a.wasm,/b.wasm adds kernel builds to compare (same exports as the generated ones).
// Besides wall-clock rates it prints hashes per CPU-second of the worker thread (read from /proc around
// each round): on this shared 2-core machine that figure is what an idle machine would show.
// Then the WebGPU kernel (web/src/miner/gpu, served from http://127.0.0.1 by vite's dev server, as
// WebGPU needs a secure context) on whatever adapter Chromium gives: SwiftShader (a CPU emulation; its
// figure is reported, not tuned for) or a real GPU (MINER_BENCH_CHROMIUM_ARGS adds flags, e.g.
// --enable-features=Vulkan on a Linux machine with a GPU; scripts/gpu-bench.sh).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { createServer as createNetServer } from 'node:net'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'
import { workerCpuMs } from './miner-worker-cpu'

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const WARMUP_MS = 1_000 // per method: V8's optimising tier compiles the kernels in the background
const ROUND_MS = 700 // per method per round
const ROUNDS = Number(process.env.MINER_BENCH_ROUNDS ?? 7) // medians over these
const KERNEL_BATCH = 4096 // nonces per scan call: the kernels' maximum
const BENCH_TIMEOUT_MS = 300_000
const GPU_FIRST_SCAN_NONCES = 1 << 16 // then doubled until one scan takes GPU_SCAN_TARGET_MS
const GPU_SCAN_TARGET_MS = 50 // one pool slice
const GPU_MAX_SCAN_NONCES = 1 << 24 // the pool's largest slice
const EXTRA_CHROMIUM_ARGS = (process.env.MINER_BENCH_CHROMIUM_ARGS ?? '').split(' ').filter((a) => a !== '')

const root = new URL('../', import.meta.url)
execFileSync(process.execPath, [new URL('scripts/build-kernels.mjs', root).pathname], { stdio: 'inherit' })
const kernelFiles = [
  ...['sha256d-scalar', 'sha256d-simd'].map(
    (name) => new URL(`web/src/miner/kernels/build/${name}.wasm`, root).pathname
  ),
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createNetServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

// The page's origin: vite's dev server (TypeScript sources of the WebGPU kernel) on 127.0.0.1.
const port = await freePort()
const server = await createServer({
  configFile: false,
  root: new URL('../', import.meta.url).pathname,
  appType: 'custom',
  logLevel: 'error',
  server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
  plugins: [
    {
      name: 'blank-page',
      configureServer(s) {
        s.middlewares.use('/bench', (_req, res) => {
          res.setHeader('content-type', 'text/html')
          res.end('<!doctype html><title>bench</title>')
        })
      }
    }
  ]
})
await server.listen()

// Measures the WebGPU scanner in the page: slices grown to GPU_SCAN_TARGET_MS, then timed rounds.
const gpuScript = `(async () => {
  const { loadGpuSha256dScanner } = await import('/web/src/miner/gpu/load.browser.ts')
  let scanner
  try { scanner = await loadGpuSha256dScanner({ allowSoftwareAdapter: true }) } catch (err) { return { error: String(err.message ?? err) } }
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' })
  const info = adapter?.info ? [adapter.info.vendor, adapter.info.architecture, adapter.info.device, adapter.info.description].filter(Boolean).join(' ') : 'unknown adapter'
  const header = new Uint8Array(80)
  for (let i = 0; i < 80; i++) header[i] = (i * 37 + 11) & 255
  scanner.setJob(header, 0n)
  let slice = ${GPU_FIRST_SCAN_NONCES}
  let nonce = 0
  const scan = async () => { await scanner.scan(nonce, slice); nonce = (nonce + slice) % (4294967296 - ${GPU_MAX_SCAN_NONCES}) }
  for (;;) {
    const t0 = performance.now(); await scan(); const ms = performance.now() - t0
    if (ms >= ${GPU_SCAN_TARGET_MS} || slice >= ${GPU_MAX_SCAN_NONCES}) break
    slice *= 2
  }
  const run = async (ms) => { let n = 0; const t0 = performance.now(); while (performance.now() - t0 < ms) { await scan(); n += slice } return n / ((performance.now() - t0) / 1000) }
  await run(${WARMUP_MS})
  const rates = []
  for (let r = 0; r < ${ROUNDS}; r++) rates.push(await run(${ROUND_MS}))
  return { info, slice, rates }
})()`

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', ...EXTRA_CHROMIUM_ARGS]
})
try {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${port}/bench`)
  await page.exposeFunction('benchWorkerCpuMs', workerCpuMs)
  const result = await page.evaluate(
    async ({ workerSource, kernels, hashWasmSha256, timeoutMs }) => {
      const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })))
      const readCpu = (globalThis as unknown as { benchWorkerCpuMs: () => Promise<number> }).benchWorkerCpuMs
      return await new Promise<{ rates: Record<string, number[]>; cpuRates: Record<string, number[]> }>(
        (resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('benchmark worker timed out')), timeoutMs)
          worker.onmessage = (ev) => {
            if (ev.data.type === 'cpu?') {
              void readCpu().then((ms) => worker.postMessage({ type: 'cpu', ms }))
              return
            }
            clearTimeout(timer)
            resolve(ev.data)
          }
          worker.onerror = (ev) => {
            clearTimeout(timer)
            reject(new Error(ev.message))
          }
          worker.postMessage({ kernels, hashWasmSha256 })
        }
      )
    },
    { workerSource, kernels, hashWasmSha256, timeoutMs: BENCH_TIMEOUT_MS }
  )

  process.stdout.write(`sha256d nonce scan in Chromium ${browser.version()}, one Web Worker\n`)
  process.stdout.write(`medians of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up each\n`)
  process.stdout.write(
    `${'method'.padEnd(22)} ${'wall MH/s'.padStart(9)} ${'MH/cpu-s'.padStart(9)}  ratio vs hash-wasm (per cpu-s)\n`
  )
  const baseline = result.cpuRates['hash-wasm']
  const figures: Record<string, number> = {}
  for (const [name, rates] of Object.entries(result.rates)) {
    const cpuRates = result.cpuRates[name]
    const paired = median(cpuRates.map((r, i) => r / baseline[i]))
    const vsSimd = median(cpuRates.map((r, i) => r / result.cpuRates['sha256d-simd'][i])) // for SHA256D_EXTRA_WASM
    process.stdout.write(
      `${name.padEnd(22)} ${(median(rates) / 1e6).toFixed(2).padStart(9)} ${(median(cpuRates) / 1e6).toFixed(2).padStart(9)}  x${paired.toFixed(2)}  (x${vsSimd.toFixed(3)} vs sha256d-simd)\n`
    )
    const key = name.replace(/-/g, '_')
    figures[`${key}_browser_hps`] = Math.round(median(rates))
    figures[`${key}_browser_hps_per_cpu_s`] = Math.round(median(cpuRates))
    if (name !== 'hash-wasm') figures[`${key}_browser_ratio`] = Number(paired.toFixed(3))
  }
  const gpu = (await page.evaluate(gpuScript)) as { error?: string; info?: string; slice?: number; rates?: number[] }
  if (gpu.rates === undefined) {
    process.stdout.write(`webgpu: not measured (${gpu.error})\n`)
  } else {
    const rate = median(gpu.rates)
    const wasm = median(result.rates['sha256d-simd'])
    const baselineWall = median(result.rates['hash-wasm'])
    process.stdout.write(
      `webgpu on ${gpu.info}, slices of ${gpu.slice} nonces: ${(rate / 1e6).toFixed(2)} MH/s wall  x${(rate / baselineWall).toFixed(2)} hash-wasm, x${(rate / wasm).toFixed(2)} one sha256d-simd worker (wall rates)\n`
    )
    figures.webgpu_browser_hps = Math.round(rate)
    figures.webgpu_vs_simd_worker = Number((rate / wasm).toFixed(3))
  }
  process.stdout.write(JSON.stringify(figures) + '\n')
} finally {
  await browser.close()
  await server.close()
}
