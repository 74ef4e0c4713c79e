import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, startRelay, type RunningRelay } from './helpers'

let relay: RunningRelay
let browser: Browser

beforeAll(async () => {
  relay = await startRelay()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await relay?.stop()
})

test('the page served by the relay loads and shows the app name', async () => {
  const page = await browser.newPage()
  await page.goto(relay.url)
  await expect.poll(() => page.locator('h1').first().textContent()).toContain('Otedama')
  expect(await page.title()).toContain('Otedama')
  await page.close()
})

test('the relay serves the web manifest with installable icons', async () => {
  const res = await fetch(relay.url + '/manifest.webmanifest')
  expect(res.status).toBe(200)
  const manifest = (await res.json()) as { icons: Array<{ sizes: string }> }
  expect(manifest.icons.map((i) => i.sizes)).toContain('512x512')
})
