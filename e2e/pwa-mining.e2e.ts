// Mining from the browser against a real devnet relay: the tab hashes after the click, its shares are
// accepted by the relay, a block it finds shows on the Pool screen with its payout, history survives a
// reload, and two tabs link directly over WebRTC and see each other's shares.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium, type RunningRelay } from './helpers'
import {
  consentAndSetAddress,
  DESKTOP_VIEWPORT,
  devnetAddress,
  PHONE_VIEWPORT,
  screenshot,
  startDevnetRelay
} from './pwa-helpers'

/** Longest wait for the relay to hold a share, or for a block, from one tab (ms). */
const SHARES_TIMEOUT_MS = 60_000
const BLOCK_TIMEOUT_MS = 120_000

let relay: RunningRelay
let browser: Browser

beforeAll(async () => {
  relay = await startDevnetRelay()
  // Loopback WebRTC needs this flag and the microphone permission (docs/field-notes.md (libp2p)).
  browser = await launchChromium(['--allow-loopback-in-peer-connection'])
})

afterAll(async () => {
  await browser?.close()
  await relay?.stop()
})

async function tab(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT })
  await context.grantPermissions(['microphone'], { origin: relay.url })
  return { context, page: await context.newPage() }
}

const stat = async (page: Page, label: string): Promise<string> =>
  await page.locator(`[data-stat="${label}"]`).innerText()
const count = async (page: Page, label: string): Promise<number> => Number(await stat(page, label))

async function relayShareCount(address: string): Promise<number> {
  const res = await fetch(`${relay.url}/api/v1/payouts/${encodeURIComponent(address)}`)
  const body = (await res.json()) as { sharesInWindow?: number }
  return body.sharesInWindow ?? 0
}

test('after the click the tab hashes, its shares are accepted by the relay, and a block shows with its payout', async () => {
  const { context, page } = await tab()
  const address = devnetAddress(11)
  await consentAndSetAddress(page, relay.url, address)
  await page.getByTestId('mine-toggle').click()
  await expect.poll(() => stat(page, 'Hashrate'), { timeout: 15_000 }).not.toMatch(/^0 H\/s$/)
  // One relay: no quorum can exist; the tab mines and says whom it trusts, in the relay's own words.
  const relayStatus = (await (await fetch(`${relay.url}/api/v1/status`)).json()) as {
    peerId: string
    trust: string
    trustWords: string
  }
  expect(relayStatus.trust).toBe('relay-alone')
  await expect
    .poll(() => page.getByTestId('trust').innerText())
    .toContain(`trusting relay ${relayStatus.peerId} alone: no quorum of weighted relays yet`)
  await expect.poll(() => count(page, 'Shares accepted'), { timeout: SHARES_TIMEOUT_MS }).toBeGreaterThan(0)
  // The relay's own view (not the tab's word): shares paying our address are in its window.
  await expect.poll(() => relayShareCount(address), { timeout: SHARES_TIMEOUT_MS }).toBeGreaterThan(0)
  await screenshot(page, 'mining-mine')

  // Pool shows the relay's blocks with the relay's statuses (the API's vocabulary, never "mature").
  await page.goto(`${relay.url}/#/pool`)
  const row = page.getByTestId('block-row').first()
  await row.waitFor({ timeout: BLOCK_TIMEOUT_MS })
  expect(await row.innerText()).toMatch(/DEV/)
  await expect
    .poll(
      async () => {
        const shown = await page
          .getByTestId('block-row')
          .evaluateAll((rows) =>
            rows.map((r) => [
              r.getAttribute('data-hash'),
              r.querySelector('[data-status]')?.getAttribute('data-status')
            ])
          )
        const api = (await (await fetch(`${relay.url}/api/v1/blocks?limit=1000`)).json()) as {
          blocks: Array<{ hash: string; status: string }>
        }
        const statusOf = new Map(api.blocks.map((b) => [b.hash, b.status]))
        return shown.length > 0 && shown.every(([hash, status]) => statusOf.get(hash ?? '') === status)
      },
      { timeout: 30_000 }
    )
    .toBe(true)
  expect(await page.getByTestId('block-row').locator('[data-status]').allInnerTexts()).not.toContainEqual(
    expect.stringMatching(/mature/)
  )
  // What a block paid this address is on its miner page, as the relay's coinbase records say.
  await page.goto(`${relay.url}/#/miner/${encodeURIComponent(address)}`)
  await page.getByTestId('payout-row').first().waitFor({ timeout: 30_000 })
  expect(await page.getByTestId('payout-row').first().locator('td').nth(3).innerText()).toMatch(/^[1-9][\d.]* DEV$/)
  await screenshot(page, 'mining-pool')
  await page.setViewportSize(PHONE_VIEWPORT)
  await screenshot(page, 'mining-pool-phone')
  await page.setViewportSize(DESKTOP_VIEWPORT)
  await page.goto(`${relay.url}/#/peers`)
  await page.getByTestId('peer-row').first().waitFor()
  await screenshot(page, 'mining-peers')

  // History survives a reload (IndexedDB), and so do the settings.
  await page.goto(`${relay.url}/#/mine`)
  await page.getByTestId('mine-toggle').click() // stop
  // The shares and their own states (a block's status comes from the relay and may move on meanwhile).
  const shares = async (): Promise<string[]> =>
    await page
      .getByTestId('share-history')
      .locator('li')
      .evaluateAll((items) =>
        items.map(
          (li) =>
            `${li.querySelector('code')?.getAttribute('title') ?? ''} ${li.querySelector('.status')?.textContent ?? ''}`
        )
      )
  const before = await shares()
  expect(before.length).toBeGreaterThan(0)
  await page.reload()
  await expect.poll(shares).toEqual(before)
  await context.close()
})

test('two tabs link directly over WebRTC and a share found in one shows in the other', async () => {
  const a = await tab()
  const b = await tab()
  await consentAndSetAddress(a.page, relay.url, devnetAddress(21))
  await consentAndSetAddress(b.page, relay.url, devnetAddress(22))
  // Both join as peers; B mines at full speed, A at a quarter on one thread.
  await a.page.getByRole('button', { name: '25%' }).click()
  await a.page.getByTestId('mine-toggle').click()
  await b.page.getByTestId('mine-toggle').click()

  await a.page.goto(`${relay.url}/#/peers`)
  await a.page.locator('[data-testid="peer-row"][data-link="webrtc"]').first().waitFor({ timeout: 60_000 })
  await screenshot(a.page, 'two-tabs-peers')

  // A share B found (marked "mine" in B's list) appears in A's share chain.
  const ids = async (page: Page, selector: string): Promise<string[]> =>
    await page.locator(selector).evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''))
  await b.page.goto(`${relay.url}/#/peers`)
  await a.page.goto(`${relay.url}/#/peers`)
  await expect
    .poll(
      async () => {
        const found = new Set(await ids(b.page, '.shares li.mine code'))
        return (await ids(a.page, '.shares li:not(.mine) code')).some((id) => found.has(id))
      },
      { timeout: SHARES_TIMEOUT_MS }
    )
    .toBe(true)
  await a.context.close()
  await b.context.close()
})
