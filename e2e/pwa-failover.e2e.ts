// Failover (docs/design.md, Network): shares found while the relay is away stay in the tab's IndexedDB
// outbox and are sent again when the relay comes back, until its share-chain view holds them. On a
// young devnet most of them are blocks too: the outbox sends every block message before any share, so
// the relay learns the blocks found offline before the shares that build on them.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './helpers'
import { consentAndSetAddress, devnetAddress, startDevnetRelay, tabHistory, type DevnetRelay } from './pwa-helpers'

/** Longest waits (ms): first acknowledged share; shares piling up while the relay is down; the outbox draining. */
const FIRST_ACK_TIMEOUT_MS = 60_000
const OUTAGE_SHARES_TIMEOUT_MS = 60_000
const DRAIN_TIMEOUT_MS = 90_000
/** Shares found while the relay is down, at least, before it comes back. */
const OUTAGE_SHARES = 2

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

const count = async (page: Page, label: string): Promise<number> =>
  Number(await page.locator(`[data-stat="${label}"]`).innerText())

test('every share found while the relay is down is kept and delivered after it returns', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await consentAndSetAddress(page, relay.url, devnetAddress(51))
  await page.getByTestId('mine-toggle').click()
  await expect.poll(() => count(page, 'Shares accepted'), { timeout: FIRST_ACK_TIMEOUT_MS }).toBeGreaterThan(0)

  const downAt = Date.now()
  await relay.down()
  // Shares found while no relay listens pile up in the outbox (none can be acknowledged).
  await expect
    .poll(async () => (await tabHistory(page)).filter((e) => e.foundAt >= downAt).length, {
      timeout: OUTAGE_SHARES_TIMEOUT_MS
    })
    .toBeGreaterThanOrEqual(OUTAGE_SHARES)
  expect(await count(page, 'Waiting to be sent')).toBeGreaterThanOrEqual(OUTAGE_SHARES)
  const upAt = Date.now()
  await relay.up()
  // The tab redials the relay and sends what waited, blocks first; the relay's share-chain view
  // acknowledges every outage share (IndexedDB history: found while the relay was down, now accepted).
  const outage = (await tabHistory(page)).filter((e) => e.foundAt >= downAt && e.foundAt <= upAt)
  expect(outage.length).toBeGreaterThanOrEqual(OUTAGE_SHARES)
  await expect
    .poll(
      async () =>
        (await tabHistory(page)).filter((e) => e.foundAt >= downAt && e.foundAt <= upAt && e.status !== 'accepted')
          .length,
      { timeout: DRAIN_TIMEOUT_MS }
    )
    .toBe(0)
  await context.close()
})
