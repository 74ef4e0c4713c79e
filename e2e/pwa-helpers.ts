// Helpers of the PWA e2e tests (engineer W): devnet payout addresses, a counter of Workers and sockets
// the page creates (the consent checks), and screenshots under e2e/screenshots/ (gitignored).
import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { scriptToAddress } from '../shared/src/address'
import { getChainParams } from '../shared/src/chain'
import { p2wpkhScript } from '../shared/src/primitives/script'

export const SCREENSHOT_DIR = new URL('./screenshots/', import.meta.url).pathname
export const PHONE_VIEWPORT = { width: 390, height: 844 }
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 }

/** A valid devnet bech32 address ('odev1…') paying P2WPKH to a 20-byte hash filled with `fill`. */
export function devnetAddress (fill: number): string {
  const address = scriptToAddress(p2wpkhScript(new Uint8Array(20).fill(fill)), getChainParams('devnet').addresses)
  if (address === undefined) throw new Error('devnet has no address for a P2WPKH script')
  return address
}

/**
 * Counts every Worker, WebSocket and RTCPeerConnection the page constructs, from before its first
 * script runs, in `window.__otedamaProbe` (the consent test reads it before and after the click).
 */
export async function installConstructionProbe (page: Page): Promise<void> {
  await page.addInitScript(() => {
    const probe = { workers: 0, sockets: 0, rtc: 0 }
    ;(window as unknown as { __otedamaProbe: typeof probe }).__otedamaProbe = probe
    const wrap = <T extends new (...args: any[]) => object>(Original: T, count: () => void): T =>
      class extends Original {
        constructor (...args: any[]) {
          count()
          super(...args)
        }
      }
    window.Worker = wrap(window.Worker, () => { probe.workers++ })
    window.WebSocket = wrap(window.WebSocket, () => { probe.sockets++ })
    if (typeof window.RTCPeerConnection === 'function') window.RTCPeerConnection = wrap(window.RTCPeerConnection, () => { probe.rtc++ })
  })
}

export async function readProbe (page: Page): Promise<{ workers: number; sockets: number; rtc: number }> {
  return await page.evaluate(() => (window as unknown as { __otedamaProbe: { workers: number; sockets: number; rtc: number } }).__otedamaProbe)
}

export async function screenshot (page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true })
}

/** Accepts the consent step, saves `address` in Settings, and returns to the Mine screen. */
export async function consentAndSetAddress (page: Page, baseUrl: string, address: string): Promise<void> {
  await page.goto(`${baseUrl}/#/mine`)
  await page.getByTestId('consent-accept').click()
  await page.goto(`${baseUrl}/#/settings`)
  await page.getByLabel(/Payout address/).fill(address)
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Saved.').waitFor()
  await page.goto(`${baseUrl}/#/mine`)
}
