// Two Chromium tabs run the real browser node: they connect to a real relay over WebSockets, find each
// other on the discovery topic, dial each other's /p2p-circuit/webrtc address (signalling through the
// relay reservation), exchange shares over the direct WebRTC link, and keep exchanging after the relay
// is gone. Loopback only: ICE with iceServers [] and --allow-loopback-in-peer-connection (docs/field-notes.md (libp2p)).
import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, stopTestNodes, waitFor, wsAddr, type TestNode } from '../relay/test/p2p/fixtures'
import { buildHarness, HARNESS_CHROMIUM_ARGS, serveHarness } from '../web/test/p2p-harness/serve'

const CHROMIUM = '/usr/bin/chromium'
const SHARES_AFTER_RELAY_LOSS = 50

interface HarnessConnection {
  peer: string
  multiplexer: string | null
  limited: boolean
  addr: string
}

async function pollPage<T>(
  page: Page,
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 20_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (ok(value)) return value
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} in ${page.url()}: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Each tab's connections opened and closed, in order (harness.ts connectionEvents). */
async function connectionHistory(pages: Page[]): Promise<string[][]> {
  return await Promise.all(
    pages.map((page) => page.evaluate(() => (globalThis as any).otedamaTest.connectionEvents() as string[]))
  )
}

describe('browser to browser over direct WebRTC', () => {
  let dir: string
  let server: Server
  let origin: string
  let relay: TestNode
  let browser: Browser
  let pages: Page[]

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otedama-webrtc-'))
    await buildHarness(dir)
    ;({ server, origin } = await serveHarness(dir))
    relay = await startTestNode()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: HARNESS_CHROMIUM_ARGS
    })
    const context = await browser.newContext()
    if (process.env.OTEDAMA_E2E_DEBUG_LIBP2P) {
      await context.addInitScript((ns) => localStorage.setItem('debug', ns), process.env.OTEDAMA_E2E_DEBUG_LIBP2P)
    }
    // Chromium hides host candidates behind mDNS names unless the origin holds a media permission.
    await context.grantPermissions(['microphone'], { origin })
    pages = [await context.newPage(), await context.newPage()]
    for (const page of pages) {
      page.on('pageerror', (err) => console.error(`page error: ${err.message}`))
      if (process.env.OTEDAMA_E2E_DEBUG)
        page.on('console', (m) => console.error(`[tab ${pages.indexOf(page)}] ${m.text()}`))
      await page.goto(process.env.OTEDAMA_E2E_DEBUG ? `${origin}/?debug` : origin)
      await page.waitForFunction(() => 'otedamaTest' in globalThis)
    }
  })

  afterAll(async () => {
    if (process.env.OTEDAMA_E2E_DEBUG && pages)
      console.error(`connections at the end: ${JSON.stringify(await connectionHistory(pages))}`)
    await browser?.close()
    await stopTestNodes([relay].filter(Boolean))
    server?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('connects two tabs directly, exchanges shares, and keeps exchanging without the relay', async () => {
    const relayAddr = wsAddr(relay.node)
    const ids = await Promise.all(
      pages.map((page) => page.evaluate((addr) => (globalThis as any).otedamaTest.start(addr), relayAddr))
    )

    // Both hold a reservation on the relay, so each has a /p2p-circuit/webrtc address.
    for (const page of pages) {
      await pollPage(
        page,
        'a WebRTC address',
        () => page.evaluate(() => (globalThis as any).otedamaTest.webrtcAddrs() as string[]),
        (a) => a.length > 0
      )
    }
    // They find each other on the discovery topic and dial directly (no explicit dial here).
    const [a, b] = pages
    // Both halves: the responder's connection opens while the initiator is still closing its signalling
    // stream through the relay, so a link one tab sees may not have completed at the other yet.
    const isDirectTo =
      (peer: string) =>
      (c: HarnessConnection): boolean =>
        c.peer === peer && c.multiplexer === '/webrtc' && !c.limited
    for (const [page, other] of [
      [a, ids[1]],
      [b, ids[0]]
    ] as const) {
      const conns = await pollPage(
        page,
        'a direct WebRTC link to the other tab',
        () => page.evaluate(() => (globalThis as any).otedamaTest.connections() as HarnessConnection[]),
        (list) => list.some(isDirectTo(other)),
        30_000
      ).catch(async (err: Error) => {
        const history = await connectionHistory(pages)
        throw new Error(
          `${err.message}\nconnections opened and closed, tab by tab:\n${history.map((h) => h.join('; ')).join('\n')}`
        )
      })
      const direct = conns.find(isDirectTo(other))!
      expect(direct.multiplexer).toBe('/webrtc')
      expect(direct.limited).toBe(false)
    }
    // The share mesh holds the relay and the other tab, so shares keep flowing when the relay goes.
    for (const page of pages)
      await pollPage(
        page,
        'share mesh with the relay and the other tab',
        () => page.evaluate(() => (globalThis as any).otedamaTest.meshPeers() as number),
        (n) => n >= 2
      )

    // Shares both ways while the relay is up.
    const fromA = await a.evaluate(() => (globalThis as any).otedamaTest.publish('from a'))
    const fromB = await b.evaluate(() => (globalThis as any).otedamaTest.publish('from b'))
    await pollPage(
      b,
      'share from a',
      () => b.evaluate(() => (globalThis as any).otedamaTest.received() as string[]),
      (r) => r.includes(fromA)
    )
    await pollPage(
      a,
      'share from b',
      () => a.evaluate(() => (globalThis as any).otedamaTest.received() as string[]),
      (r) => r.includes(fromB)
    )
    await waitFor('relay saw both shares', () => relay.received.length >= 2)

    // The relay goes away; the direct link carries on.
    await stopTestNodes([relay])
    const sent: string[] = []
    for (let i = 0; i < SHARES_AFTER_RELAY_LOSS; i++)
      sent.push(await a.evaluate((n) => (globalThis as any).otedamaTest.publish(`after relay ${n}`), i))
    const missing = await pollPage(
      b,
      'shares after the relay is gone',
      async () => {
        const r = new Set(await b.evaluate(() => (globalThis as any).otedamaTest.received() as string[]))
        const recipients = await a.evaluate(() => (globalThis as any).otedamaTest.publishRecipients() as number[])
        const first = recipients.length - sent.length // tab a's publishes before these
        return sent.flatMap((id, i) => (r.has(id) ? [] : [{ share: i, id, recipients: recipients[first + i] }]))
      },
      (m) => m.length === 0
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\nconnections: ${JSON.stringify(await connectionHistory(pages))}`)
    })
    if (process.env.OTEDAMA_E2E_DEBUG) console.error(`connections: ${JSON.stringify(await connectionHistory(pages))}`)
    expect(missing).toEqual([])
    const still = await b.evaluate(() => (globalThis as any).otedamaTest.directPeers() as string[])
    expect(still).toContain(ids[0])
  })
})
