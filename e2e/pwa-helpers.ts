// Helpers of the PWA e2e tests: devnet payout addresses, a counter of Workers and sockets
// the page creates (the consent checks), and screenshots under e2e/screenshots/ (gitignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { scriptToAddress } from '@otedama/shared/address'
import { getChainParams } from '@otedama/shared/chain'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { freePorts, startRelay, type RunningRelay } from './helpers'

export const SCREENSHOT_DIR = new URL('./screenshots/', import.meta.url).pathname
export const PHONE_VIEWPORT = { width: 390, height: 844 }
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 }

/** A valid devnet bech32 address ('odev1…') paying P2WPKH to a 20-byte hash filled with `fill`. */
export function devnetAddress(fill: number): string {
  const address = scriptToAddress(p2wpkhScript(new Uint8Array(20).fill(fill)), getChainParams('devnet').addresses)
  if (address === undefined) throw new Error('devnet has no address for a P2WPKH script')
  return address
}

/**
 * Counts every Worker, WebSocket and RTCPeerConnection the page constructs, from before its first
 * script runs, in `window.__otedamaProbe` (the consent test reads it before and after the click).
 */
export async function installConstructionProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    // Runs in the page; e2e/ compiles without DOM typings, so the globals are typed by what we use.
    type Ctor = new (...args: any[]) => object
    const g = globalThis as unknown as Record<'Worker' | 'WebSocket' | 'RTCPeerConnection', Ctor | undefined> & {
      __otedamaProbe: unknown
    }
    const probe = { workers: 0, sockets: 0, rtc: 0 }
    g.__otedamaProbe = probe
    const wrap = (Original: Ctor, count: () => void): Ctor =>
      class extends Original {
        constructor(...args: any[]) {
          count()
          super(...args)
        }
      }
    if (g.Worker !== undefined)
      g.Worker = wrap(g.Worker, () => {
        probe.workers++
      })
    if (g.WebSocket !== undefined)
      g.WebSocket = wrap(g.WebSocket, () => {
        probe.sockets++
      })
    if (g.RTCPeerConnection !== undefined)
      g.RTCPeerConnection = wrap(g.RTCPeerConnection, () => {
        probe.rtc++
      })
  })
}

export async function readProbe(page: Page): Promise<{ workers: number; sockets: number; rtc: number }> {
  return await page.evaluate(
    () =>
      (globalThis as unknown as { __otedamaProbe: { workers: number; sockets: number; rtc: number } }).__otedamaProbe
  )
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true })
}

/** Accepts the consent step, saves `address` in Settings, and returns to the Mine screen. */
export async function consentAndSetAddress(page: Page, baseUrl: string, address: string): Promise<void> {
  await page.goto(`${baseUrl}/#/mine`)
  await page.getByTestId('consent-accept').click()
  await page.goto(`${baseUrl}/#/settings`)
  await page.getByLabel(/Payout address/).fill(address)
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Saved.').waitFor()
  await page.goto(`${baseUrl}/#/mine`)
}

export interface DevnetRelay extends RunningRelay {
  /** Stops the relay process, keeping its data directory. */
  down(): Promise<void>
  /** Starts it again on the same data directory and libp2p ports (its HTTP port changes). */
  up(): Promise<void>
  /** Where its Stratum server listens (127.0.0.1). */
  stratumPort: number
}

/** A devnet relay of its own: a fresh data directory and free ports, removed again by `stop`. */
export async function startDevnetRelay(): Promise<DevnetRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otedama-e2e-relay-'))
  const [httpPort, p2pPort, wsPort, stratumPort] = await freePorts(4)
  const env = {
    OTEDAMA_DATA_DIR: dataDir,
    OTEDAMA_HTTP_PORT: String(httpPort),
    OTEDAMA_P2P_PORT: String(p2pPort),
    OTEDAMA_WS_PORT: String(wsPort),
    OTEDAMA_STRATUM_PORT: String(stratumPort)
  }
  let current = await startRelay(env)
  return {
    stratumPort: Number(env.OTEDAMA_STRATUM_PORT),
    get url() {
      return current.url
    },
    get process() {
      return current.process
    },
    down: async () => {
      await current.stop()
    },
    up: async () => {
      current = await startRelay(env)
    },
    stop: async () => {
      await current.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** A share the tab found, as its IndexedDB history holds it (web/src/app: found, pending or acknowledged). */
export interface TabHistoryRow {
  id: string
  foundAt: number
  status: string
  /** Why a share was rejected or given up as stale. */
  reason?: string
  isBlock: boolean
}

/** The tab's share history as stored in IndexedDB (e2e/ compiles without DOM typings). */
export async function tabHistory(page: Page): Promise<TabHistoryRow[]> {
  return await page.evaluate(
    async () =>
      await new Promise<TabHistoryRow[]>((resolve, reject) => {
        type Req<T> = { result: T; error: unknown; onsuccess: (() => void) | null; onerror: (() => void) | null }
        type Db = {
          close(): void
          transaction(s: string): { objectStore(n: string): { getAll(): Req<TabHistoryRow[]> } }
        }
        const open = (globalThis as unknown as { indexedDB: { open(name: string): Req<Db> } }).indexedDB.open('otedama')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const all = open.result.transaction('history').objectStore('history').getAll()
          all.onsuccess = () => {
            resolve(all.result)
            open.result.close()
          }
          all.onerror = () => reject(all.error)
        }
      })
  )
}
