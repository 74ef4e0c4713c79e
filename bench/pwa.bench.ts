// The PWA's weight and its start: gzip bytes of what Chromium actually fetches for the first paint, and
// up to the first hash (the lazily loaded peer, libp2p stack, worker and WebAssembly kernel), plus every
// asset in dist/; and the time from the Start click to the first hash in Chromium. Goals (issue 8):
// < 350 KiB gzip first load with the libp2p stack and kernels; first hash < 1 s after the click.
// Needs a built dist/ (`npm run build`) and Debian's /usr/bin/chromium. Starts a devnet relay on free
// ports (or uses PWA_BENCH_URL, a relay already running). Run: npx tsx bench/pwa.bench.ts
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { launchChromium, type RunningRelay } from '../e2e/helpers'
import { consentAndSetAddress, devnetAddress, startDevnetRelay } from '../e2e/pwa-helpers'

const DIST = new URL('../dist/', import.meta.url).pathname
const GOAL_FIRST_LOAD_KIB = 350
const GOAL_FIRST_HASH_MS = 1_000
/** Clicks measured (a fresh tab each); the median is reported. */
const RUNS = Number(process.env.PWA_BENCH_RUNS ?? 3)
/** Longest wait for the first hash before a run counts as failed (ms). */
const FIRST_HASH_TIMEOUT_MS = 30_000

const gzipBytes = (path: string): number => gzipSync(readFileSync(path)).length
const kib = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10
const median = (xs: number[]): number | null =>
  xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function distFiles(dir = DIST): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? distFiles(path) : [path]
  })
}

/** gzip bytes of the dist/ files behind a set of fetched URLs (paths). */
function sizeOf(paths: Iterable<string>): number {
  let total = 0
  for (const p of paths) {
    const file = join(DIST, p === '/' ? 'index.html' : p)
    try {
      total += gzipBytes(file)
    } catch {
      /* an API answer, not a file */
    }
  }
  return total
}

const allAssets = distFiles().filter((f) => /\.(js|css|html|wasm|webmanifest)$/.test(f))
const allAssetsGzip = allAssets.reduce((sum, f) => sum + gzipBytes(f), 0)

const relay: RunningRelay | undefined = process.env.PWA_BENCH_URL === undefined ? await startDevnetRelay() : undefined
const url = process.env.PWA_BENCH_URL ?? (relay as RunningRelay).url

const browser = await launchChromium()
const firstPaint = new Set<string>()
const toFirstHash = new Set<string>()
const scanPostedMs: number[] = []
const firstSliceMs: number[] = []
try {
  for (let run = 0; run < RUNS; run++) {
    // No service worker: its precache would fetch every asset and hide what the app itself loads.
    const context = await browser.newContext({ serviceWorkers: 'block' })
    const page = await context.newPage()
    let clicked = false
    page.on('request', (req) => {
      const u = new URL(req.url())
      if (run !== 0 || u.origin !== new URL(url).origin) return
      toFirstHash.add(u.pathname)
      if (!clicked) firstPaint.add(u.pathname)
    })
    await page.addInitScript(() => {
      const marks: { click?: number; posted?: number; sliceDone?: number } = {}
      ;(window as unknown as { __benchMarks: typeof marks }).__benchMarks = marks
      document.addEventListener(
        'click',
        (e) => {
          if ((e.target as Element | null)?.closest('[data-testid="mine-toggle"]') !== null)
            marks.click ??= performance.now()
        },
        true
      )
      const Original = window.Worker
      window.Worker = class extends Original {
        constructor(...args: ConstructorParameters<typeof Worker>) {
          super(...args)
          this.addEventListener('message', (e: MessageEvent<{ type?: string }>) => {
            if (e.data?.type === 'scanned') marks.sliceDone ??= performance.now()
          })
        }

        override postMessage(message: unknown, ...rest: unknown[]): void {
          if ((message as { type?: string }).type === 'scan') marks.posted ??= performance.now()
          ;(Original.prototype.postMessage as (...a: unknown[]) => void).call(this, message, ...rest)
        }
      }
    })
    await consentAndSetAddress(page, url, devnetAddress(40 + run))
    await page.waitForLoadState('networkidle')
    clicked = true
    await page.getByTestId('mine-toggle').click()
    const marks = await page
      .waitForFunction(
        () => {
          const m = (window as unknown as { __benchMarks: { click?: number; posted?: number; sliceDone?: number } })
            .__benchMarks
          return m.sliceDone !== undefined && m.posted !== undefined ? m : undefined
        },
        undefined,
        { timeout: FIRST_HASH_TIMEOUT_MS, polling: 20 }
      )
      .then((h) => h.jsonValue())
      .catch(() => undefined)
    if (marks?.click !== undefined && marks.posted !== undefined && marks.sliceDone !== undefined) {
      scanPostedMs.push(marks.posted - marks.click)
      firstSliceMs.push(marks.sliceDone - marks.click)
    }
    await context.close()
  }
} finally {
  await browser.close()
  await relay?.stop()
}

const firstPaintGzip = sizeOf(firstPaint)
const firstLoadGzip = sizeOf(toFirstHash)
const firstHash = median(scanPostedMs)
const firstSlice = median(firstSliceMs)
console.log(`dist/ assets (js, css, html, wasm, manifest): ${allAssets.length} files, ${kib(allAssetsGzip)} KiB gzip`)
console.log(`first paint (html, entry js, css fetched): ${kib(firstPaintGzip)} KiB gzip`)
console.log(
  `first load up to the first hash (+ peer, libp2p, worker, kernel): ${kib(firstLoadGzip)} KiB gzip = ${(firstLoadGzip / 1024 / GOAL_FIRST_LOAD_KIB).toFixed(2)} x the ${GOAL_FIRST_LOAD_KIB} KiB goal`
)
console.log(
  `  fetched: ${[...toFirstHash]
    .filter((p) => !p.startsWith('/api/'))
    .sort()
    .join(' ')}`
)
console.log(
  `click -> first slice handed to a worker (hashing starts): median ${firstHash?.toFixed(0) ?? 'n/a'} ms of ${scanPostedMs.length}/${RUNS} runs = ${firstHash === null ? 'n/a' : (firstHash / GOAL_FIRST_HASH_MS).toFixed(2)} x the ${GOAL_FIRST_HASH_MS} ms goal`
)
console.log(`click -> first slice hashed (kernel loaded and ran): median ${firstSlice?.toFixed(0) ?? 'n/a'} ms`)
console.log(
  JSON.stringify({
    distAssetsGzipKiB: kib(allAssetsGzip),
    firstPaintGzipKiB: kib(firstPaintGzip),
    firstLoadGzipKiB: kib(firstLoadGzip),
    firstLoadVsGoal: Math.round((firstLoadGzip / 1024 / GOAL_FIRST_LOAD_KIB) * 100) / 100,
    clickToFirstHashMs: firstHash === null ? null : Math.round(firstHash),
    clickToFirstSliceDoneMs: firstSlice === null ? null : Math.round(firstSlice),
    firstHashVsGoal: firstHash === null ? null : Math.round((firstHash / GOAL_FIRST_HASH_MS) * 100) / 100,
    runs: RUNS,
    runsHashing: scanPostedMs.length
  })
)
