// The monitor on a real relay (easy devnet, LevelDB, the Stratum server, a rig that really grinds):
// a loopback HTTP server receives the webhooks (generic JSON, Discord's and Telegram's shapes) when the
// rig stops and the resolve when it returns; /metrics passes a strict text-format reader; the rules
// file names only series /metrics has; the history answers the rig's hashrate and survives a restart.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createServer, type Server } from 'node:http'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { Relay } from '../src/app/relay'
import { defaultAlertsConfig } from '../src/config/alerts'
import type { AlertsConfig, RelayConfig } from '../src/config/types'
import { ALERT_RULES } from '../src/monitor'
import { easyDevnetParams } from './harness/devnet'
import { parsePrometheusText } from './harness/prom-text'
import { TestRig } from './stratum/clients'
import { testAddress } from './stratum/harness'

const devnet = easyDevnetParams()
/**
 * The rig is offline after this long without an accepted pseudo-share (s): short, so the test is, yet
 * longer than a loaded machine takes between two of the test rig's shares (at 2 s the alert once fired
 * while the rig was still mining).
 */
const OFFLINE_SECONDS = 5
const BOT_TOKEN = '123:test-token'
let dir: string
let relay: Relay
let hooks: Server
let hooksUrl: string
const received: Array<{ path: string; body: any }> = []
const rigUser = `${testAddress(0x5a)}.shed`

function configFor(dataDir: string, alerts: AlertsConfig): RelayConfig {
  return {
    poolName: 'Monitor',
    poolFee: 0,
    p2pPort: 0,
    wsPort: 0,
    stratumPort: 0,
    blockchain: 'devnet',
    bootstrapNodes: [],
    bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: 0 },
    dataDir,
    optimization: {
      sharePropagation: { batchSize: 10, batchInterval: 10 },
      validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 }
    },
    alerts
  }
}

async function startRelay(): Promise<Relay> {
  const off = { enabled: false, holdSeconds: 0 }
  const alerts: AlertsConfig = {
    ...defaultAlertsConfig(),
    rigOffline: { enabled: true, offlineSeconds: OFFLINE_SECONDS },
    addressOffline: { enabled: false, offlineSeconds: 0, addresses: [] },
    hashrateDrop: { ...off, percent: 50 },
    rejectRate: { ...off, percent: 5, windowSeconds: 60 },
    staleRate: { ...off, percent: 5, windowSeconds: 60 },
    webhooks: [`${hooksUrl}/json`],
    discordWebhooks: [`${hooksUrl}/discord`],
    telegram: { apiUrl: hooksUrl, botToken: BOT_TOKEN, chatId: '-100' }
  }
  return await Relay.start({
    config: configFor(join(dir, 'data'), alerts),
    staticRoot: join(dir, 'dist'),
    network: false,
    devnet
  })
}

async function getJson(path: string): Promise<any> {
  const res = await fetch(relay.http.url() + path)
  expect(res.status, path).toBe(200)
  return await res.json()
}

/** A rig that connects, authorizes at an easy difficulty and mines `count` accepted pseudo-shares. */
async function mine(count: number): Promise<TestRig> {
  const rig = await TestRig.connect(relay.stratum!.port, 'cpuminer', { user: rigUser, password: 'd=0.00001' })
  await rig.handshake()
  for (let i = 0; i < count; i++) expect((await rig.mineOne()).reply.result).toBe(true)
  return rig
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otedama-monitor-'))
  await mkdir(join(dir, 'dist'))
  await writeFile(join(dir, 'dist', 'index.html'), '<!doctype html><title>otedama</title>')
  hooks = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      text += chunk
    })
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve))
  hooksUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}`
  relay = await startRelay()
})

afterAll(async () => {
  await relay?.stop()
  await new Promise((resolve) => hooks?.close(resolve))
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** The alert events each target got, as [state, rule, subject]. */
function delivered(path: string): Array<[string, string, string]> {
  return received
    .filter((r) => r.path === path)
    .flatMap((r) => (r.body.events as any[]).map((e) => [e.state, e.rule, e.subject] as [string, string, string]))
}

describe('monitor on a relay', () => {
  it('a rig that stops fires rig-offline on every webhook, and its return resolves it', async () => {
    // The monitor's first second sets its counters' baseline; the rig mines after it.
    await vi.waitFor(
      async () =>
        expect((await getJson('/api/v1/monitor/history?range=10m&series=samples')).t.length).toBeGreaterThan(1),
      { timeout: 10_000, interval: 200 }
    )
    // Mines, then stops at once: the rig is quiet from its last share, and disconnected.
    const rig = await mine(3)
    rig.close()
    const firing: [string, string, string] = ['firing', 'rigOffline', rigUser]
    await vi.waitFor(() => expect(delivered('/json')).toContainEqual(firing), { timeout: 20_000, interval: 200 })
    const json = received.find((r) => r.path === '/json')!.body
    expect(json.relay).toBe('Monitor')
    expect(json.events[0]).toMatchObject({
      rule: 'rigOffline',
      subject: rigUser,
      state: 'firing',
      threshold: OFFLINE_SECONDS,
      unit: 's',
      severity: 'warning'
    })
    expect(json.events[0].value).toBeGreaterThanOrEqual(OFFLINE_SECONDS)
    await vi.waitFor(
      () => {
        expect(received.find((r) => r.path === '/discord')?.body.content).toMatch(
          new RegExp(
            `^Monitor:\\n\\[FIRING\\] rigOffline ${rigUser.replace('.', '\\.')}: rig .* (disconnected,|connected but) no accepted share for`
          )
        )
        const telegram = received.find((r) => r.path === `/bot${BOT_TOKEN}/sendMessage`)?.body
        expect(telegram).toMatchObject({ chat_id: '-100', disable_web_page_preview: true })
        expect(telegram.text).toContain(`[FIRING] rigOffline ${rigUser}`)
      },
      { timeout: 10_000, interval: 200 }
    )
    expect((await getJson('/api/v1/monitor/alerts')).firing.map((a: { key: string }) => a.key)).toEqual([
      `rigOffline/${rigUser}`
    ])

    const back = await mine(1)
    await vi.waitFor(() => expect(delivered('/json')).toContainEqual(['resolved', 'rigOffline', rigUser]), {
      timeout: 20_000,
      interval: 200
    })
    await vi.waitFor(
      () =>
        expect(received.some((r) => r.path === '/discord' && /\[RESOLVED\] rigOffline/.test(r.body.content))).toBe(
          true
        ),
      { timeout: 10_000 }
    )
    const alerts = await getJson('/api/v1/monitor/alerts')
    expect(alerts.firing).toEqual([])
    expect(alerts.events.slice(0, 2).map((e: { state: string }) => e.state)).toEqual(['resolved', 'firing'])
    expect(alerts.deliveries.map((d: { kind: string }) => d.kind)).toEqual(['json', 'discord', 'telegram'])
    back.close()
    // The history has the rig's own series: its hashrate while it mined, its shares counted.
    await vi.waitFor(
      async () => {
        const h = await getJson(
          `/api/v1/monitor/history?range=10m&series=pseudoSharesAccepted,rig:${encodeURIComponent(rigUser)}`
        )
        expect(Math.max(...h.series[`rig:${rigUser}`].map((v: number | null) => v ?? 0))).toBeGreaterThan(0)
        expect(h.series.pseudoSharesAccepted.reduce((s: number, v: number | null) => s + (v ?? 0), 0)).toBe(4)
      },
      { timeout: 5_000, interval: 250 }
    )
  })

  it('/metrics is valid text format with the process metrics, the latency histograms, per-rig series and every relay series of before', async () => {
    const res = await fetch(relay.http.url() + '/metrics')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const families = parsePrometheusText(await res.text())
    for (const name of [
      'otedama_info',
      'otedama_shares_accepted_total',
      'otedama_pool_hashrate',
      'otedama_rig_hashrate',
      'otedama_peers',
      'otedama_source_healthy',
      'otedama_blocks_found_total',
      'otedama_blocks',
      'otedama_stratum_pseudo_shares_accepted_total',
      'otedama_stratum_pseudo_shares_rejected_total',
      'otedama_http_connections',
      'otedama_http_requests_limited_total',
      'otedama_stream_clients_refused_total'
    ])
      expect(families.has(name), name).toBe(true)
    expect(families.get('otedama_shares_accepted_total')?.type).toBe('counter')
    expect(families.get('otedama_info')?.samples[0]?.labels).toEqual({ network: 'devnet', source: 'devnet' })
    expect(families.get('process_resident_memory_bytes')?.samples[0]?.value).toBeGreaterThan(0)
    expect(families.has('nodejs_eventloop_lag_seconds')).toBe(true)
    const validation = families.get('otedama_share_validation_seconds')
    expect(validation?.type).toBe('histogram')
    expect(validation?.samples.find((s) => s.name === 'otedama_share_validation_seconds_count')?.value).toBeGreaterThan(
      0
    )
    expect(families.get('otedama_stratum_rig_hashrate')?.samples.map((s) => s.labels.rig)).toEqual([rigUser])
    expect(families.get('otedama_stratum_pseudo_shares_accepted_total')?.samples[0]?.value).toBeGreaterThanOrEqual(4)
    expect(families.get('otedama_alerts_firing')?.samples.map((s) => s.labels.rule)).toEqual([...ALERT_RULES])
  })

  it('the Prometheus rules file names only series /metrics exports', async () => {
    const res = await fetch(relay.http.url() + '/api/v1/monitor/prometheus-rules')
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/)
    const doc = parseYaml(await res.text()) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }
    const families = parsePrometheusText(await (await fetch(relay.http.url() + '/metrics')).text())
    const rules = doc.groups[0]!.rules
    expect(rules.map((r) => r.alert)).toContain('OtedamaRigOffline')
    for (const rule of rules) {
      for (const name of rule.expr.match(/\b(otedama|process)_[a-z_]+/g) ?? [])
        expect(families.has(name), `${rule.alert}: ${name}`).toBe(true)
    }
  })

  it('streams live frames and answers trends with waiting times', async () => {
    const controller = new AbortController()
    const res = await fetch(relay.http.url() + '/api/v1/monitor/stream', { signal: controller.signal })
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    const frame = JSON.parse(
      text
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6)
    )
    expect(frame.values.rssBytes).toBeGreaterThan(0)
    expect(frame.values.sourceHealthy).toBe(1)
    const trends = await getJson(
      `/api/v1/monitor/trends?rig=${encodeURIComponent(rigUser)}&address=${testAddress(0x5a)}`
    )
    expect(trends.rig.rig).toBe(rigUser)
    expect(trends.pool.trend.ageSeconds).toBeGreaterThan(0)
    expect(trends.miner.address).toBe(testAddress(0x5a))
    const bad = await fetch(relay.http.url() + '/api/v1/monitor/trends?address=bc1qnotours')
    expect(bad.status).toBe(400)
  })

  it('the history survives a restart of the relay', async () => {
    const before = await getJson('/api/v1/monitor/history?range=10m&series=rigsOnline,samples')
    const last = before.t[before.t.length - 1] as number
    await relay.stop()
    relay = await startRelay()
    await vi.waitFor(
      async () =>
        expect((await getJson('/api/v1/monitor/history?range=10m&series=samples')).t.at(-1)).toBeGreaterThan(last),
      { timeout: 10_000 }
    )
    const after = await getJson('/api/v1/monitor/history?range=10m&series=rigsOnline,samples')
    const kept = after.t.filter((t: number) => t <= last)
    expect(kept.length).toBe(before.t.length)
    expect(after.series.rigsOnline.slice(0, kept.length)).toEqual(before.series.rigsOnline)
  })
})
