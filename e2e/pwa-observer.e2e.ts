// The PWA as a miner's observer, against a real devnet relay: Pool's figures are the relay's API
// figures with their windows, "What will I earn?" answers in coins per hour and day, a second tab
// shows "Mining in another tab" and can take over (never two miners), Connect a rig gives the relay's
// Stratum URL and the miner page lists a real Stratum rig, and losing the relay shows in the header.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { TestRig } from '../relay/test/stratum/clients'
import { launchChromium } from './helpers'
import {
  consentAndSetAddress,
  DESKTOP_VIEWPORT,
  devnetAddress,
  PHONE_VIEWPORT,
  screenshot,
  startDevnetRelay,
  type DevnetRelay
} from './pwa-helpers'

/** Longest waits (ms): a measured hashrate, the first accepted share, a take-over, the relay loss showing. */
const HASHRATE_TIMEOUT_MS = 20_000
const SHARE_TIMEOUT_MS = 60_000
const TAKE_OVER_TIMEOUT_MS = 20_000
const RELAY_LOSS_TIMEOUT_MS = 30_000
/** Two of the Pool screen's 5-second refreshes, and some slack (ms). */
const POOL_REFRESH_TIMEOUT_MS = 15_000

let relay: DevnetRelay
let browser: Browser
let context: BrowserContext
const address = devnetAddress(61)

beforeAll(async () => {
  relay = await startDevnetRelay()
  browser = await launchChromium()
  context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, colorScheme: 'dark' })
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await relay?.stop()
})

const text = async (page: Page, testId: string): Promise<string> => await page.getByTestId(testId).innerText()
const headerState = async (page: Page): Promise<string | null> =>
  await page.getByTestId('hashing-indicator').getAttribute('data-state')
const stat = async (page: Page, label: string): Promise<string> =>
  await page.locator(`[data-stat="${label}"]`).innerText()

test("Connect a rig gives the relay's Stratum URL and user, and the miner page lists the connected rig", async () => {
  const page = await context.newPage()
  await consentAndSetAddress(page, relay.url, address)
  await page.goto(`${relay.url}/#/rig`)
  await expect.poll(() => text(page, 'stratum-url')).toBe(`stratum+tcp://127.0.0.1:${relay.stratumPort}`)
  expect(await text(page, 'stratum-user')).toBe(`${address}.rig1`)
  expect(await text(page, 'stratum-password')).toMatch(/^d=[\d.e-]+$/)
  await screenshot(page, 'observer-rig')

  // A real Stratum connection with the user the screen gave.
  const rig = await TestRig.connect(relay.stratumPort, 'cpuminer', { user: `${address}.rig1` })
  try {
    await rig.handshake()
    await page.goto(`${relay.url}/#/miner/${encodeURIComponent(address)}`)
    await expect
      .poll(() => page.getByTestId('rig-row').allInnerTexts(), { timeout: 15_000 })
      .toContainEqual(expect.stringMatching(/^rig1\b/))
    expect(await text(page, 'miner-address')).toBe(address)
    await screenshot(page, 'observer-miner-rig')
  } finally {
    rig.close()
  }
  await page.close()
})

test('mining: earnings in coins per hour and day, Pool matches the API, a second tab takes over, never two miners', async () => {
  const first = await context.newPage()
  await first.goto(`${relay.url}/#/mine`)
  await first.getByTestId('mine-toggle').click()
  await expect.poll(() => headerState(first), { timeout: HASHRATE_TIMEOUT_MS }).toBe('mining')
  await expect.poll(() => text(first, 'earn-hour'), { timeout: HASHRATE_TIMEOUT_MS }).toMatch(/^≈ [\d.,]+ DEV$/)
  expect(await text(first, 'earn-day')).toMatch(/^≈ [\d.,]+ DEV$/)
  expect(await first.getByTestId('earnings').innerText()).toMatch(/9 days in 10 between [\d.,]+ DEV and [\d.,]+ DEV/)
  await expect.poll(() => stat(first, 'Shares accepted'), { timeout: SHARE_TIMEOUT_MS }).not.toBe('0')
  await screenshot(first, 'observer-mining')

  // Pool: the same figures as the relay's API, with their windows; the pool's part of blocks is at most all of them.
  await first.goto(`${relay.url}/#/pool`)
  await first.getByTestId('pool-hashrate').waitFor()
  const api = (await (await fetch(`${relay.url}/api/v1/pool`)).json()) as {
    poolHashrate: { windowSeconds: number }
    recentBlocks: { found: number; of: number }
    shareChain: { windowShares: number }
  }
  expect(api.recentBlocks.found).toBeLessThanOrEqual(api.recentBlocks.of)
  await expect
    .poll(() => first.getByTestId('payee-row').allInnerTexts(), { timeout: POOL_REFRESH_TIMEOUT_MS })
    .toContainEqual(expect.stringContaining(address.slice(0, 10)))
  expect(await first.locator('.stat', { has: first.getByTestId('pool-hashrate') }).innerText()).toMatch(
    /share work found in the last \d+ (s|min)/
  )
  expect(await first.locator('.stat', { has: first.getByTestId('network-hashrate') }).innerText()).toMatch(
    /from the (last \d+ blocks?'|difficulty)/
  )
  expect(await first.locator('main').innerText()).not.toMatch(/% of the network|every never/)
  await screenshot(first, 'observer-pool')
  await first.goto(`${relay.url}/#/mine`)

  // A second tab of the same browser: it knows the first mines and does not start a second miner.
  const second = await context.newPage()
  await second.goto(`${relay.url}/#/mine`)
  await expect.poll(() => headerState(second), { timeout: 10_000 }).toBe('other-tab')
  expect(await second.getByTestId('other-tab').innerText()).toMatch(/Mining in another tab/)
  expect(await second.getByTestId('mine-toggle').count()).toBe(0)
  await screenshot(second, 'observer-second-tab')

  // Take over: the second mines, the first stops.
  await second.getByTestId('take-over').click()
  await expect.poll(() => headerState(second), { timeout: TAKE_OVER_TIMEOUT_MS }).toBe('mining')
  await expect.poll(() => headerState(first), { timeout: TAKE_OVER_TIMEOUT_MS }).toBe('other-tab')
  expect(await stat(first, 'Hashrate')).toBe('0 H/s')
  expect(await first.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringMatching(/Another tab took over/))

  // Stopping (from the header, on any screen) drops the hashrate to 0; the estimate stays, from the measured average.
  await second.goto(`${relay.url}/#/peers`)
  await second.getByTestId('header-stop').click()
  await expect.poll(() => headerState(second), { timeout: 10_000 }).toBe('idle')
  await second.goto(`${relay.url}/#/mine`)
  expect(await stat(second, 'Hashrate')).toBe('0 H/s')
  const earnings = await second.getByTestId('earnings').innerText()
  expect(earnings).toMatch(/average when it last mined/)
  expect(earnings).not.toMatch(/If you stop now/)
  await second.close()
  await first.close()
})

test('losing the relay shows in the header, on Mine and on Peers while the tab keeps hashing', async () => {
  const page = await context.newPage()
  await page.goto(`${relay.url}/#/mine`)
  await page.getByTestId('mine-toggle').click()
  await expect.poll(() => headerState(page), { timeout: HASHRATE_TIMEOUT_MS }).toBe('mining')
  await relay.down()
  await expect.poll(() => headerState(page), { timeout: RELAY_LOSS_TIMEOUT_MS }).toBe('reconnecting')
  expect(await page.getByTestId('hashing-indicator').innerText()).toMatch(/No relay link — reconnecting/)
  expect(await text(page, 'relay-lost')).toMatch(/No link to a relay/)
  await screenshot(page, 'observer-relay-lost')
  await page.setViewportSize(PHONE_VIEWPORT)
  await screenshot(page, 'observer-relay-lost-phone')
  await page.goto(`${relay.url}/#/peers`)
  expect(await text(page, 'no-peers')).toMatch(/Mining, but no peer is linked/)
  expect(await page.locator('main').innerText()).not.toMatch(/joins the network when you start mining/)
  await page.getByTestId('header-stop').click()
  await page.close()
})
