// Failover (DESIGN.md, Network): shares found while the relay is away stay in the tab's IndexedDB
// outbox and are sent again when the relay comes back, until its share-chain view holds them.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './helpers'
import { consentAndSetAddress, devnetAddress, startDevnetRelay, type DevnetRelay } from './pwa-helpers'

/** Longest waits (ms): first acknowledged share; shares piling up while the relay is down; the outbox draining. */
const FIRST_ACK_TIMEOUT_MS = 60_000
const OUTAGE_SHARES_TIMEOUT_MS = 60_000
const DRAIN_TIMEOUT_MS = 90_000
/** Outage shares the relay must acknowledge after it returns (the first ones always connect to its chain). */
const ACKED_AFTER_OUTAGE = 1
/** devnet blocks mined before the outage (21 bootstrap blocks + ~15 of retarget at x1.5 a block: one per ~10 s at one tab), and the wait for them (ms). */
const WARM_UP_BLOCKS = 36
const WARM_UP_TIMEOUT_MS = 120_000

let relay: DevnetRelay
let browser: Browser

/**
 * Opt-in (OTEDAMA_E2E_FAILOVER=1): it passes alone but not reliably in the full suite. On a young devnet
 * most outage shares are also blocks the relay has not seen, and whether a re-sent share arrives before
 * or after its block decides whether the relay takes it (web/src/peer/README.md, Known gaps).
 */
const ENABLED = process.env.OTEDAMA_E2E_FAILOVER === '1'


beforeAll(async () => {
  if (!ENABLED) return
  relay = await startDevnetRelay()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await relay?.stop()
})

/** The tab's share history as stored in IndexedDB (e2e/ compiles without DOM typings). */
async function historyOf (page: Page): Promise<Array<{ foundAt: number; status: string }>> {
  return await page.evaluate(async () => await new Promise((resolve, reject) => {
    type Req<T> = { result: T; error: unknown; onsuccess: (() => void) | null; onerror: (() => void) | null }
    type Db = { close (): void; transaction (s: string): { objectStore (n: string): { getAll (): Req<Array<{ foundAt: number; status: string }>> } } }
    const open = (globalThis as unknown as { indexedDB: { open (name: string): Req<Db> } }).indexedDB.open('otedama')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const all = open.result.transaction('history').objectStore('history').getAll()
      all.onsuccess = () => { resolve(all.result); open.result.close() }
      all.onerror = () => reject(all.error)
    }
  }))
}

const count = async (page: Page, label: string): Promise<number> => Number(await page.locator(`[data-stat="${label}"]`).innerText())

test.runIf(ENABLED)('shares found while the relay is down are kept and delivered after it returns', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await consentAndSetAddress(page, relay.url, devnetAddress(51))
  await page.getByTestId('mine-toggle').click()
  await expect.poll(() => count(page, 'Shares accepted'), { timeout: FIRST_ACK_TIMEOUT_MS }).toBeGreaterThan(0)

  // Past devnet's bootstrap (blocks at the easiest target until its retarget window fills, then up
  // to x1.5 per block), a block is far rarer than a share, as on any real chain: outage shares then
  // still name the relay's tip block when they arrive.
  await expect.poll(async () => ((await (await fetch(`${relay.url}/api/v1/status`)).json()) as { source: { height?: number } }).source.height ?? 0,
    { timeout: WARM_UP_TIMEOUT_MS }).toBeGreaterThanOrEqual(WARM_UP_BLOCKS)
  const downAt = Date.now()
  await relay.down()
  // Shares found while no relay listens pile up in the outbox (none can be acknowledged).
  await expect.poll(() => count(page, 'Waiting in outbox'), { timeout: OUTAGE_SHARES_TIMEOUT_MS }).toBeGreaterThanOrEqual(2)
  const upAt = Date.now()
  await relay.up()
  // The tab redials the relay and sends what waited; the relay's share-chain view acknowledges the
  // outage shares (IndexedDB history: found while the relay was down, now accepted). Not all of them:
  // on a young devnet each share is also a block, so the relay may count later outage shares stale
  // when they arrive live (parents it fetches by sync are taken in as history).
  await expect.poll(async () => (await historyOf(page))
    .filter((e) => e.foundAt >= downAt && e.foundAt <= upAt && e.status === 'accepted').length, { timeout: DRAIN_TIMEOUT_MS })
    .toBeGreaterThanOrEqual(ACKED_AFTER_OUTAGE)
  await context.close()
})
