import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scriptToAddress } from '@otedama/shared/address'
import { hashToDisplayHex, p2wpkhScript, sha256d } from '@otedama/shared/primitives'
import { Relay } from '../src/app/relay'
import type { RelayConfig } from '../src/config'
import { easyDevnetParams, mineShare } from './harness/devnet'

const devnet = easyDevnetParams()
let dir: string
let relay: Relay
let base: string
const payee = p2wpkhScript(new Uint8Array(20).fill(5))
const payeeAddress = scriptToAddress(payee, devnet.params.addresses) as string

function configFor(dataDir: string, extra: Partial<RelayConfig['http']> = {}): RelayConfig {
  return {
    poolName: 'Test',
    poolFee: 0,
    p2pPort: 0,
    wsPort: 0,
    stratumPort: 0,
    blockchain: 'devnet',
    bootstrapNodes: [],
    bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: 0, ...extra },
    dataDir,
    optimization: {
      sharePropagation: { batchSize: 10, batchInterval: 10 },
      validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 }
    }
  }
}

async function getJson(path: string): Promise<any> {
  return await (await get(path)).json()
}

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(base + path, init)
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otedama-http-'))
  const dist = join(dir, 'dist')
  await mkdir(join(dist, 'assets'), { recursive: true })
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>otedama</title>')
  await writeFile(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {})')
  await writeFile(join(dist, 'manifest.webmanifest'), '{}')
  await writeFile(join(dist, 'assets', 'kernel-abc123.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
  relay = await Relay.start({
    config: configFor(join(dir, 'data')),
    staticRoot: dist,
    network: false,
    stratum: false,
    devnet
  })
  base = relay.http.url()
  // Two shares (both blocks at this difficulty) so the API has something to show.
  for (let i = 0; i < 2; i++) {
    const entry = await relay.book.add(relay.source.current()!)
    const result = await relay.pool.receiveShare(mineShare(relay.pool, entry, payee, i).bytes, 'local')
    expect(result.verdict.kind).toBe('accept')
  }
})

afterAll(async () => {
  await relay?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('relay HTTP: PWA, API, stream, metrics', () => {
  it('serves the PWA with the right types and caching, and falls back to index.html for app routes', async () => {
    const index = await get('/')
    expect(index.headers.get('content-type')).toMatch(/text\/html/)
    expect(index.headers.get('cache-control')).toBe('no-cache')
    const route = await get('/pool/blocks')
    expect(await route.text()).toMatch(/<title>otedama/)
    const wasm = await get('/assets/kernel-abc123.wasm')
    expect(wasm.headers.get('content-type')).toBe('application/wasm')
    expect(wasm.headers.get('cache-control')).toMatch(/immutable/)
    expect((await get('/sw.js')).headers.get('cache-control')).toBe('no-cache')
    expect((await get('/manifest.webmanifest')).headers.get('content-type')).toBe('application/manifest+json')
    expect((await get('/assets/missing.js')).status).toBe(404)
    expect((await get('/%E0%A4%A')).status).toBe(400)
  })

  it('answers status, share chain, payouts, blocks and rigs as JSON', async () => {
    const status = await getJson('/api/v1/status')
    expect(status).toMatchObject({
      network: 'devnet',
      isTestNetwork: true,
      source: { kind: 'devnet', healthy: true, height: 2, templateHeight: 3 },
      shareChain: { height: 1, shares: 2 }
    })
    const chain = await getJson('/api/v1/sharechain?limit=5')
    expect(chain.shares).toHaveLength(2)
    expect(chain.shares[0].payoutAddress).toBe(payeeAddress)
    expect(chain.window).toEqual([
      { payoutScript: chain.shares[0].payoutScript, payoutAddress: payeeAddress, weightPpm: 1_000_000 }
    ])
    expect(chain.shares.map((s: { uncles: string[] }) => s.uncles)).toEqual([[], []])
    for (const [i, s] of chain.shares.entries()) {
      expect(await getJson(`/api/v1/sharechain/share/${s.id}`)).toEqual({
        id: s.id,
        height: s.height,
        place: 'main',
        tipHeight: chain.height
      })
      expect(s.height).toBe(chain.height - i)
    }
    const unknown = await get(`/api/v1/sharechain/share/${'ab'.repeat(32)}`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown-share' }, refused: [] })
    // A share the relay refused: its 404 says why (what a sender reads when its share is held by no relay).
    const entry = await relay.book.add(relay.source.current()!)
    const mined = mineShare(relay.pool, entry, payee, 99)
    const tampered = mined.bytes.slice()
    tampered[tampered.length - 2] ^= 1 // the coinbase's locktime: the header (and the share id) stay, the merkle root no longer matches
    const { verdict } = await relay.pool.receiveShare(tampered, 'network')
    if (verdict.kind !== 'reject') throw new Error(`tampered share not rejected: ${verdict.kind}`)
    const refusedId = hashToDisplayHex(sha256d(mined.header80))
    const refused = await get(`/api/v1/sharechain/share/${refusedId}`)
    expect(refused.status).toBe(404)
    expect(((await refused.json()) as { refused: unknown[] }).refused).toEqual([
      expect.objectContaining({ origin: 'network', mode: 'live', kind: 'reject', reason: verdict.reason })
    ])
    const payouts = await getJson(`/api/v1/payouts/${payeeAddress}`)
    expect(payouts).toMatchObject({ address: payeeAddress, sharesInWindow: 2, weightPpm: 1_000_000 })
    expect(BigInt(payouts.expectedNextBlock)).toBe(5_000_000_000n - (5_000_000_000n * 5000n) / 1_000_000n)
    expect(
      payouts.blocks.map((b: { amount: string; height: number; status: string }) => [b.height, b.status, b.amount])
    ).toEqual([
      [2, 'accepted', '5000000000'],
      [1, 'accepted', '5000000000']
    ])
    expect(payouts).toMatchObject({
      immatureAmount: '10000000000',
      matureAmount: '0',
      coinbaseMaturity: devnet.params.coinbaseMaturity
    })
    const blocks = await getJson('/api/v1/blocks')
    expect(blocks.blocks.map((b: { status: string; height: number }) => [b.height, b.status])).toEqual([
      [2, 'accepted'],
      [1, 'accepted']
    ])
    expect(await (await get('/api/v1/rigs')).json()).toEqual({ rigs: [] })
  })

  it('answers bad requests with clear JSON errors', async () => {
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['/api/v1/payouts/bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', {}, 400, /bitcoin.*devnet|devnet/],
      ['/api/v1/status', { method: 'POST', body: 'x' }, 405, /read-only/],
      ['/api/v1/nothing', {}, 404, /no API endpoint/],
      ['/api/v1/sharechain?limit=0', {}, 400, /limit/],
      ['/api/v1/blocks?limit=99999999', {}, 400, /limit/],
      [`/api/v1/status?${'x'.repeat(3000)}`, {}, 414, /longer than/]
    ]
    for (const [path, init, status, message] of cases) {
      const res = await get(path, init)
      expect(res.status, path).toBe(status)
      const body: any = await res.json()
      expect(body.error.message, path).toMatch(message)
    }
  })

  it('streams metrics every second over SSE', async () => {
    const controller = new AbortController()
    const res = await get('/api/v1/stream', { signal: controller.signal })
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = res.body!.getReader()
    const frames: Array<Record<string, unknown>> = []
    let text = ''
    while (frames.length < 2) {
      const { value } = await reader.read()
      text += new TextDecoder().decode(value)
      const parts = text.split('\n\n')
      text = parts.pop() ?? ''
      for (const p of parts) {
        const data = p.split('\n').find((l) => l.startsWith('data: '))
        if (data !== undefined) frames.push(JSON.parse(data.slice(6)))
      }
    }
    controller.abort()
    expect(frames[0]).toMatchObject({
      blockHeight: 3,
      shareHeight: 1,
      sharesAccepted: 2,
      blocksFound: 2,
      sourceHealthy: true
    })
    expect(frames[1].t as number).toBeGreaterThan(frames[0].t as number)
  })

  it('exports Prometheus metrics', async () => {
    const res = await get('/metrics')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/)
    const text = await res.text()
    expect(text).toMatch(/^# TYPE otedama_shares_accepted_total counter$/m)
    expect(text).toMatch(/^otedama_shares_accepted_total 2$/m)
    expect(text).toMatch(/^otedama_info\{network="devnet",source="devnet"\} 1$/m)
  })

  it('counts the shares it did not take by origin, verdict and reason (/metrics and the metrics snapshot)', async () => {
    const tip = relay.pool.chain.tip!
    expect((await relay.pool.receiveShare(tip.bytes, 'network')).verdict).toMatchObject({
      kind: 'ignore',
      reason: 'duplicate'
    })
    const forged = tip.bytes.slice()
    forged[forged.length - 1] ^= 1 // trailing byte of the encoding changed: the share no longer decodes as sent
    const forgedVerdict = (await relay.pool.receiveShare(forged, 'network')).verdict
    expect(forgedVerdict.kind).toBe('reject')
    // A /metrics answer is cached for a second (heavyCacheMs, relay/src/http/guard.ts): wait for a fresh one.
    await vi.waitFor(
      async () => {
        const text = await (await get('/metrics')).text()
        expect(text).toMatch(
          /^otedama_shares_refused_total\{origin="network",verdict="ignore",reason="duplicate"\} 1$/m
        )
        expect(text).toContain(
          `otedama_shares_refused_total{origin="network",verdict="reject",reason="${forgedVerdict.kind === 'reject' ? forgedVerdict.reason : ''}"} 1`
        )
      },
      { timeout: 5_000, interval: 200 }
    )
  })

  it('serves HTTPS from a configured certificate and key', async () => {
    const tlsDir = join(dir, 'tls')
    await mkdir(tlsDir)
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(tlsDir, 'key.pem'),
        '-out',
        join(tlsDir, 'cert.pem')
      ],
      { stdio: 'ignore' }
    )
    const tlsRelay = await Relay.start({
      config: configFor(join(dir, 'data-tls'), { tlsCert: join(tlsDir, 'cert.pem'), tlsKey: join(tlsDir, 'key.pem') }),
      staticRoot: join(dir, 'dist'),
      network: false,
      stratum: false,
      devnet
    })
    try {
      expect(tlsRelay.http.url()).toMatch(/^https:/)
      const body = await new Promise<string>((resolve, reject) => {
        httpsRequest(`${tlsRelay.http.url()}/api/v1/status`, { rejectUnauthorized: false }, (res) => {
          let data = ''
          res.on('data', (d: Buffer) => {
            data += d.toString()
          })
          res.on('end', () => resolve(data))
        })
          .on('error', reject)
          .end()
      })
      expect(JSON.parse(body).network).toBe('devnet')
    } finally {
      await tlsRelay.stop()
    }
  })
})
