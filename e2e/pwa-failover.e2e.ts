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

let relay: DevnetRelay
let browser: Browser

beforeAll(async () => {
  relay = await startDevnetRelay()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await relay?.stop()
})

const count = async (page: Page, label: string): Promise<number> => Number(await page.locator(`[data-stat="${label}"]`).innerText())

test('shares found while the relay is down are kept and delivered after it returns', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await consentAndSetAddress(page, relay.url, devnetAddress(51))
  await page.getByTestId('mine-toggle').click()
  await expect.poll(() => count(page, 'Shares accepted'), { timeout: FIRST_ACK_TIMEOUT_MS }).toBeGreaterThan(0)

  await relay.down()
  // Shares found while no relay listens pile up in the outbox (none can be acknowledged).
  await expect.poll(() => count(page, 'Waiting in outbox'), { timeout: OUTAGE_SHARES_TIMEOUT_MS }).toBeGreaterThanOrEqual(2)
  const waiting = await count(page, 'Waiting in outbox')
  const acceptedBefore = await count(page, 'Shares accepted')
  await relay.up()
  // The tab redials the relay, sends what waited, and the relay's view acknowledges all of it.
  await expect.poll(async () => await count(page, 'Waiting in outbox') === 0 && await count(page, 'Shares accepted') >= acceptedBefore + waiting,
    { timeout: DRAIN_TIMEOUT_MS }).toBe(true)
  await context.close()
})
