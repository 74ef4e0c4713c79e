// The PWA as a person meets it, before any mining: consent gates every worker and socket, a bad payout
// address is refused with a clear message, settings survive a reload, the shell loads offline, and
// Chromium finds the app installable. Screenshots of each screen (desktop and phone) for review.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium, type RunningRelay } from './helpers'
import {
  consentAndSetAddress,
  DESKTOP_VIEWPORT,
  startDevnetRelay,
  devnetAddress,
  installConstructionProbe,
  PHONE_VIEWPORT,
  readProbe,
  screenshot
} from './pwa-helpers'

let relay: RunningRelay
let browser: Browser

beforeAll(async () => {
  relay = await startDevnetRelay()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await relay?.stop()
})

/** The page globals these tests read (e2e/ compiles without DOM typings). */
interface PageGlobals {
  navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } }
  document: { documentElement: { dataset: Record<string, string | undefined> } }
  indexedDB: { open(name: string): IdbRequest<IdbDatabase> }
  performance: { getEntriesByType(type: string): Array<{ name: string }> }
}
interface IdbRequest<T> {
  result: T
  error: unknown
  onsuccess: (() => void) | null
  onerror: (() => void) | null
}
interface IdbDatabase {
  close(): void
  transaction(store: string): { objectStore(name: string): { get(key: string): IdbRequest<unknown> } }
}

async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (globalThis as unknown as PageGlobals).navigator.serviceWorker.ready
  })
  // The first load is not controlled until the worker claims it (clientsClaim via autoUpdate).
  await expect
    .poll(
      () => page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.serviceWorker.controller !== null),
      { timeout: 15_000 }
    )
    .toBe(true)
}

/** The settings record as the app stored it in IndexedDB. */
async function storedSettings(page: Page): Promise<unknown> {
  return await page.evaluate(
    async () =>
      await new Promise((resolve, reject) => {
        const open = (globalThis as unknown as PageGlobals).indexedDB.open('otedama')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const get = open.result.transaction('settings').objectStore('settings').get('settings/v1')
          get.onsuccess = () => {
            resolve(get.result)
            open.result.close()
          }
          get.onerror = () => reject(get.error)
        }
      })
  )
}

test('before the click nothing runs: no worker, no socket, no peer code; after it the workers start', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await installConstructionProbe(page)
  await page.goto(`${relay.url}/#/mine`)
  await expect.poll(() => page.getByTestId('consent-accept').isVisible()).toBe(true)
  await page.waitForTimeout(500) // let any eager code run, if there were some
  expect(await readProbe(page)).toEqual({ workers: 0, sockets: 0, rtc: 0 })
  expect(await page.getByTestId('hashing-indicator').textContent()).toContain('Not mining')

  await consentAndSetAddress(page, relay.url, devnetAddress(1))
  // Consent shows the miner; it still does not start it.
  expect((await readProbe(page)).workers).toBe(0)
  const peerCodeLoaded = (): Promise<boolean> =>
    page.evaluate(() =>
      (globalThis as unknown as PageGlobals).performance
        .getEntriesByType('resource')
        .some((e) => e.name.includes('browser-peer'))
    )
  expect(await peerCodeLoaded()).toBe(false)

  await page.getByTestId('mine-toggle').click()
  await expect.poll(async () => (await readProbe(page)).workers, { timeout: 10_000 }).toBeGreaterThan(0)
  expect(await peerCodeLoaded()).toBe(true)
  await page.getByTestId('mine-toggle').click() // stop
  await context.close()
})

test('a bad payout address is refused with a clear message and mining cannot start', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${relay.url}/#/mine`)
  await page.getByTestId('consent-accept').click()
  await page.goto(`${relay.url}/#/settings`)
  const field = page.getByLabel(/Payout address/)
  await expect.poll(() => page.getByText('(devnet)').isVisible()).toBe(true)

  const good = devnetAddress(7)
  const badChecksum = good.slice(0, -1) + (good.endsWith('q') ? 'p' : 'q')
  await field.fill(badChecksum)
  await expect.poll(() => page.locator('#address-help').textContent()).toMatch(/checksum/i)
  expect(await field.getAttribute('aria-invalid')).toBe('true')
  expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true)

  // A real Bitcoin address (BIP173 vector) is another network's.
  await field.fill('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')
  await expect.poll(() => page.locator('#address-help').textContent()).toMatch(/for bitcoin.*runs devnet/i)
  expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true)

  await page.goto(`${relay.url}/#/mine`)
  expect(await page.getByTestId('mine-toggle').isDisabled()).toBe(true)
  expect(await page.getByRole('alert').first().textContent()).toMatch(/payout address/i)
  await screenshot(page, 'mine-no-address')
  await context.close()
})

test('settings survive a reload', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const address = devnetAddress(3)
  await consentAndSetAddress(page, relay.url, address)
  await page.goto(`${relay.url}/#/settings`)
  await page.getByLabel('Colour scheme').selectOption('light')
  await page.getByLabel('Keep mining when this tab is hidden').check()
  // The settings are written to IndexedDB asynchronously: reload once they are there.
  await expect
    .poll(() => storedSettings(page))
    .toMatchObject({ theme: 'light', mineWhenHidden: true, payoutAddress: address })
  await page.reload()
  await expect.poll(() => page.getByLabel(/Payout address/).inputValue()).toBe(address)
  expect(await page.getByLabel('Colour scheme').inputValue()).toBe('light')
  expect(await page.getByLabel('Keep mining when this tab is hidden').isChecked()).toBe(true)
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme)).toBe(
    'light'
  )
  await page.goto(`${relay.url}/#/mine`)
  expect(await page.getByTestId('consent-accept').count()).toBe(0) // consent remembered too
  expect(await page.getByTestId('mine-toggle').isEnabled()).toBe(true)
  await context.close()
})

test('offline reload shows the shell and says it is offline', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${relay.url}/#/pool`)
  await waitForServiceWorker(page)
  await page.getByTestId('pool-hashrate').waitFor() // the relay's figures arrived (and were kept)
  await context.setOffline(true)
  await page.reload()
  await expect.poll(() => page.locator('h1').first().textContent()).toContain('Otedama')
  // Chromium 150 starts a document loaded under offline emulation with navigator.onLine true (the
  // network stays cut). Applying the emulation again gives the new document the 'offline' event a real
  // network loss gives; the app must follow that event.
  await context.setOffline(false)
  await context.setOffline(true)
  expect(await page.evaluate(() => navigator.onLine)).toBe(false)
  await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/offline/i)
  expect(await page.locator('#pool-title').isVisible()).toBe(true)
  // The last known figures with their time, not zeros; the network badge stays.
  await expect.poll(() => page.locator('main').innerText()).toMatch(/Last known figures, from /)
  expect(await page.getByTestId('pool-hashrate').isVisible()).toBe(true)
  expect(await page.locator('header').innerText()).toMatch(/devnet — no real coins/)
  await screenshot(page, 'offline-pool')
  await context.close()
})

test('Chromium reports the app installable (manifest, icons, service worker)', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'otedama-pwa-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(relay.url)
    await waitForServiceWorker(page)
    const cdp = await context.newCDPSession(page)
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: unknown[]
    }
    expect(installabilityErrors).toEqual([])
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
})

test('screenshots of every screen, desktop and phone', async () => {
  for (const [label, viewport] of [
    ['desktop', DESKTOP_VIEWPORT],
    ['phone', PHONE_VIEWPORT]
  ] as const) {
    const context = await browser.newContext({ viewport, colorScheme: 'dark' })
    const page = await context.newPage()
    await page.goto(`${relay.url}/#/mine`)
    await page.getByTestId('consent-accept').waitFor()
    await screenshot(page, `${label}-consent`)
    await consentAndSetAddress(page, relay.url, devnetAddress(5))
    for (const screen of ['mine', 'pool', 'miner', 'rig', 'peers', 'settings']) {
      await page.goto(`${relay.url}/#/${screen}`)
      await page.locator(`#${screen}-title`).waitFor()
      await screenshot(page, `${label}-${screen}`)
    }
    await context.close()
  }
})
