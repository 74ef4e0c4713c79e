// Browser to browser over direct WebRTC in Debian's Chromium: two tabs run the real browser node
// (web/src/p2p through web/test/p2p-harness), meet through a relay, dial each other directly, then the
// relay is stopped so every share travels the WebRTC link. Tab A publishes stamped shares at
// BASELINE_RATE and then TARGET_RATE per second; tab B records send->receive latency: p50/p95, with the
// target rate's figures as ratios of the baseline's. Setup as e2e/webrtc.e2e.ts (flags, mic permission).
// The tabs run without the per-peer gossip rate bound (100 msg/s by default, flood-guard.ts): 1000 shares/s
// from one peer is a flood to a production node.
// Run: npx tsx bench/p2p-browser.bench.ts   (prints figures, last line JSON). Bounded: ~40 s, loopback only.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { setLogLevel } from '@otedama/shared/log'
import { startTestNode, stopTestNodes, wsAddr } from '../relay/test/p2p/fixtures'
import { buildHarness, HARNESS_CHROMIUM_ARGS, serveHarness } from '../web/test/p2p-harness/serve'
import { describeSpread, sleep, spread, type Spread } from './p2p-kit'

const CHROMIUM = '/usr/bin/chromium'
const BASELINE_RATE = 50
const BASELINE_SHARES = 250
const TARGET_RATE = 1000
const TARGET_SHARES = 3000
const CONNECT_TIMEOUT_MS = 30_000
const DRAIN_MS = 1500

setLogLevel('error')

type Harness = Record<string, (...args: any[]) => any>

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS
  for (;;) {
    const value = await fn()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await sleep(100)
  }
}

async function round(
  a: Page,
  b: Page,
  rate: number,
  count: number
): Promise<{ latency: Spread; sentRate: number; delivered: number }> {
  await a.evaluate(([n, label]) => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.premine(n, label), [
    count,
    `rate ${rate} ${Math.random()}`
  ] as const)
  await b.evaluate(() => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.takeLatencies())
  const sentRate = await a.evaluate(
    (r) => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.blast(r) as Promise<number>,
    rate
  )
  await sleep(DRAIN_MS)
  const latencies = await b.evaluate(
    () => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.takeLatencies() as number[]
  )
  return { latency: spread(latencies), sentRate, delivered: latencies.length }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'otedama-bench-webrtc-'))
  await buildHarness(dir)
  const { server, origin } = await serveHarness(dir)
  const relay = await startTestNode()
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: HARNESS_CHROMIUM_ARGS })
  try {
    const context = await browser.newContext()
    await context.grantPermissions(['microphone'], { origin })
    const pages = [await context.newPage(), await context.newPage()]
    for (const page of pages) {
      await page.goto(origin)
      await page.waitForFunction(() => 'otedamaTest' in globalThis)
    }
    const [a, b] = pages
    const ids = await Promise.all(
      pages.map((page) =>
        page.evaluate(
          (addr) =>
            (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.start(addr, true) as Promise<string>,
          wsAddr(relay.node)
        )
      )
    )
    await until(
      'a direct WebRTC link',
      () => a.evaluate(() => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.directPeers() as string[]),
      (p) => p.includes(ids[1])
    )
    for (const page of pages)
      await until(
        'share mesh',
        () =>
          page.evaluate(() => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.meshPeers() as number),
        (n) => n >= 1
      )
    await stopTestNodes([relay]) // from here on, shares can only travel the direct link
    await sleep(1000)

    const base = await round(a, b, BASELINE_RATE, BASELINE_SHARES)
    console.log(
      `WebRTC A->B at ${base.sentRate.toFixed(0)} shares/s: ${describeSpread(base.latency)}, delivered ${base.delivered}/${BASELINE_SHARES}`
    )
    const target = await round(a, b, TARGET_RATE, TARGET_SHARES)
    console.log(
      `WebRTC A->B at ${target.sentRate.toFixed(0)} shares/s: ${describeSpread(target.latency)}, delivered ${target.delivered}/${TARGET_SHARES}`
    )
    console.log(
      `  p50 ${(target.latency.p50 / base.latency.p50).toFixed(2)}x, p95 ${(target.latency.p95 / base.latency.p95).toFixed(2)}x the ${BASELINE_RATE}/s baseline`
    )
    const still = await b.evaluate(
      () => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.directPeers() as string[]
    )
    await Promise.all(
      pages.map((page) => page.evaluate(() => (globalThis as unknown as { otedamaTest: Harness }).otedamaTest.stop()))
    )
    console.log(
      JSON.stringify({
        baselineRate: Math.round(base.sentRate),
        baselineP50Ms: base.latency.p50,
        baselineP95Ms: base.latency.p95,
        targetRate: Math.round(target.sentRate),
        targetP50Ms: target.latency.p50,
        targetP95Ms: target.latency.p95,
        targetP99Ms: target.latency.p99,
        targetDeliveredPercent: +((100 * target.delivered) / TARGET_SHARES).toFixed(2),
        p95OverBaseline: +(target.latency.p95 / base.latency.p95).toFixed(2),
        directLinkKept: still.includes(ids[0])
      })
    )
  } finally {
    await browser.close()
    await stopTestNodes([relay]).catch(() => undefined)
    server.close()
    await rm(dir, { recursive: true, force: true })
  }
  process.exit(0)
}

void main()
