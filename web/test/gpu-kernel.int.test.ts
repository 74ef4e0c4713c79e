// The WebGPU sha256d kernel (web/src/miner/gpu) in Debian's headless Chromium, on SwiftShader's WebGPU
// adapter (--enable-unsafe-webgpu; WebGPU needs a secure context, so the page comes from
// http://127.0.0.1, served by vite's dev server from the sources): the same found sets as the shared
// reference hash on random headers, real Bitcoin blocks found at their real targets, and the pool
// mining with its GPU worker beside a WebAssembly worker, reporting both engines.
import type { Browser, Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, freePort, launchChromium } from '../../e2e/helpers'
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { bitsToTarget, meetsTarget } from '@otedama/shared/primitives'

const RANDOM_HEADERS = 6
const NONCES_PER_HEADER = 8192
const EASY_TOP = 0x00ffffff // target top word: ~1 nonce in 256 is a candidate
const KNOWN_NONCE_WINDOW = 1 << 14
const POOL_SHARES_WANTED = 3
// WebGPU on SwiftShader runs on these two busy cores; the figures it gives are not tuned for.
const GPU_TEST_TIMEOUT_MS = 90_000

// Bitcoin block 125552 and the genesis block, with their nonces and bits.
const BLOCKS = [
  {
    header:
      '01000000' +
      '81cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000' +
      'e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122b' +
      'c7f5d74d' +
      'f2b9441a' +
      '42a14695',
    nonce: 2504433986,
    bits: 0x1a44b9f2
  },
  {
    header:
      '01000000' +
      '00'.repeat(32) +
      '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a' +
      '29ab5f49' +
      'ffff001d' +
      '1dac2b7c',
    nonce: 2083236893,
    bits: 0x1d00ffff
  }
]

interface ScanResult {
  nonces: number[]
  hashes: string[]
}
// What the evaluated functions see of the page (the modules come through vite, typed loosely here).
type PageImport = (url: string) => Promise<any>

let server: ViteDevServer
let browser: Browser
let page: Page

beforeAll(async () => {
  const port = await freePort()
  server = await createServer({
    configFile: false,
    root: new URL('../../', import.meta.url).pathname,
    appType: 'custom',
    logLevel: 'error',
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
    plugins: [
      {
        name: 'blank-page',
        configureServer(s) {
          s.middlewares.use('/gpu-test', (_req, res) => {
            res.setHeader('content-type', 'text/html')
            res.end('<!doctype html><title>gpu test</title>')
          })
        }
      }
    ]
  })
  await server.listen()
  browser = await launchChromium(
    ['--enable-unsafe-webgpu'].concat(CHROMIUM_ARGS.includes('--disable-gpu') ? ['--enable-gpu'] : [])
  )
  page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${port}/gpu-test`)
  // A page-side import() (vitest would rewrite one written inside the evaluated functions).
  await page.addScriptTag({ type: 'module', content: 'globalThis.importModule = (url) => import(url)' })
  await page.waitForFunction(() => 'importModule' in globalThis)
}, GPU_TEST_TIMEOUT_MS)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Runs the GPU scanner in the page over one range. */
async function gpuScan(headerHex: string, targetHex: string, start: number, count: number): Promise<ScanResult> {
  return await page.evaluate(
    async ({ headerHex, targetHex, start, count }) => {
      const g = globalThis as unknown as {
        importModule: PageImport
        scanner?: {
          setJob: (h: Uint8Array, t: bigint) => void
          scan: (s: number, c: number) => Promise<Array<{ nonce: number; hash: Uint8Array }>>
        }
      }
      const { loadGpuSha256dScanner } = await g.importModule('/web/src/miner/gpu/load.browser.ts')
      const scanner: NonNullable<typeof g.scanner> =
        g.scanner ?? (await loadGpuSha256dScanner({ allowSoftwareAdapter: true }))
      g.scanner = scanner
      const header = new Uint8Array(headerHex.match(/../g)!.map((b) => parseInt(b, 16)))
      scanner.setJob(header, BigInt('0x' + targetHex))
      const found = await scanner.scan(start, count)
      const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
      return { nonces: found.map((f) => f.nonce), hashes: found.map((f) => hex(f.hash)) }
    },
    { headerHex, targetHex, start, count }
  )
}

function referenceScan(header: Uint8Array, target: bigint, start: number, count: number): ScanResult {
  const h = header.slice()
  const view = new DataView(h.buffer)
  const out: ScanResult = { nonces: [], hashes: [] }
  for (let n = start; n < start + count; n++) {
    view.setUint32(76, n, true)
    const hash = sha256d(h)
    if (meetsTarget(hash, target)) {
      out.nonces.push(n)
      out.hashes.push(bytesToHex(hash))
    }
  }
  return out
}

describe('WebGPU sha256d kernel in Chromium (SwiftShader)', () => {
  it(
    'finds exactly what the reference finds on random headers',
    async () => {
      // Targets whose top word is EASY_TOP and whose lower words vary: the kernel's top-word compare
      // lets through candidates the full re-check must then drop.
      for (let i = 0; i < RANDOM_HEADERS; i++) {
        const header = crypto.getRandomValues(new Uint8Array(80))
        const low = BigInt('0x' + bytesToHex(crypto.getRandomValues(new Uint8Array(28))))
        const target = (BigInt(EASY_TOP) << 224n) | low
        const start = (crypto.getRandomValues(new Uint32Array(1))[0] & ~63) >>> 0
        const begin = Math.min(start, 2 ** 32 - NONCES_PER_HEADER)
        const gpu = await gpuScan(bytesToHex(header), target.toString(16), begin, NONCES_PER_HEADER)
        const ref = referenceScan(header, target, begin, NONCES_PER_HEADER)
        expect(ref.nonces.length).toBeGreaterThan(0)
        expect(gpu).toEqual(ref)
      }
    },
    GPU_TEST_TIMEOUT_MS
  )

  it(
    'refuses a software adapter unless allowed',
    async () => {
      const message = await page.evaluate(async () => {
        const { importModule } = globalThis as unknown as { importModule: PageImport }
        const { loadGpuSha256dScanner } = await importModule('/web/src/miner/gpu/load.browser.ts')
        return await loadGpuSha256dScanner().then(
          () => 'loaded',
          (err: Error) => `${err.name}: ${err.message}`
        )
      })
      expect(message).toMatch(/^GpuUnavailableError: WebGPU gave only a software adapter/)
    },
    GPU_TEST_TIMEOUT_MS
  )

  it(
    'finds real blocks at their real targets, and nothing else near them',
    async () => {
      for (const block of BLOCKS) {
        const header = hexToBytes(block.header)
        const start = block.nonce - (block.nonce % 64) - KNOWN_NONCE_WINDOW / 2
        const found = await gpuScan(block.header, bitsToTarget(block.bits).toString(16), start, KNOWN_NONCE_WINDOW)
        expect(found.nonces).toEqual([block.nonce])
        expect(found.hashes).toEqual([bytesToHex(sha256d(header))])
      }
    },
    GPU_TEST_TIMEOUT_MS
  )

  it(
    'mines in the pool beside a WebAssembly worker, reports both engines, and stops',
    async () => {
      const result = await page.evaluate(async (wanted) => {
        const { importModule } = globalThis as unknown as { importModule: PageImport }
        const { MinerPool } = await importModule('/web/src/miner/pool.ts')
        const { browserWorkerFactory } = await importModule('/web/src/miner/worker-port.browser.ts')
        const { browserGpuWorkerFactory } = await importModule('/web/src/miner/gpu/gpu-worker-port.browser.ts')
        const { GPU_PREFERENCE_KEY } = await importModule('/web/src/miner/gpu/preference.ts')
        localStorage.setItem(GPU_PREFERENCE_KEY, 'any') // SwiftShader is a software adapter
        const pool = new MinerPool({
          createWorker: browserWorkerFactory,
          gpuWorker: browserGpuWorkerFactory,
          hardwareThreads: 2,
          workers: 1,
          hashrateIntervalMs: 250
        })
        const shares: Array<{ header80: Uint8Array; hash: Uint8Array }> = []
        const engines = new Set<string>()
        const done = new Promise<void>((resolve, reject) => {
          pool.on('error', (e: { message: string }) => reject(new Error(e.message)))
          pool.on('hashrate', (r: { engines?: Array<{ engine: string; hashrate: number }> }) => {
            for (const e of r.engines ?? []) if (e.hashrate > 0) engines.add(e.engine)
          })
          pool.on('share', (s: { header80: Uint8Array; hash: Uint8Array }) => {
            shares.push(s)
            if (shares.length >= wanted && engines.has('webgpu')) resolve()
          })
          pool.on('hashrate', () => {
            if (shares.length >= wanted && engines.has('webgpu')) resolve()
          })
        })
        pool.setJob({
          jobId: 'gpu',
          algorithm: 'sha256d',
          shareTarget: (1n << 244n) - 1n,
          buildHeader: (extranonce2: number) => {
            const h = new Uint8Array(80)
            h[0] = 0x20
            new DataView(h.buffer).setUint32(36, extranonce2 + 1)
            return h
          }
        })
        pool.start()
        await done
        pool.setGpuEnabled(false)
        const workersAfterDisable = pool.sampleHashrate().perWorker.length
        pool.stop()
        const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
        return {
          engines: [...engines].sort(),
          shares: shares.map((s) => ({ header: hex(s.header80), hash: hex(s.hash) })),
          workersAfterDisable,
          running: pool.isRunning
        }
      }, POOL_SHARES_WANTED)
      expect(result.engines).toEqual(['wasm-simd', 'webgpu'])
      expect(result.workersAfterDisable).toBe(1)
      expect(result.running).toBe(false)
      for (const s of result.shares) expect(bytesToHex(sha256d(hexToBytes(s.header)))).toBe(s.hash)
    },
    GPU_TEST_TIMEOUT_MS
  )
})
