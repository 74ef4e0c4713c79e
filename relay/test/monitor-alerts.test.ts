// Alert rules with thresholds from a real config file, on a monitor driven by a virtual clock (real
// LevelDB, the relay's own metrics shapes): when a rule fires follows the file's threshold and hold;
// a firing alert resolves when its condition ends; the Prometheus rules carry the same thresholds;
// waiting times follow the Erlang law.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { parse as parseYaml } from 'yaml'
import { loadConfig } from '../src/config'
import type { AlertsConfig } from '../src/config/types'
import type { MetricsSnapshot, RigView } from '../src/http/views'
import {
  erlangCdf,
  erlangQuantile,
  HistoryStore,
  Monitor,
  renderPrometheusRules,
  waitFor,
  type AlertEvent,
  type MonitorInputs
} from '../src/monitor'

let dir: string
let db: ClassicLevel<string, string>
let clock = Date.UTC(2026, 0, 1)

/** What the fake relay reports: counters since start, as the real parts keep them. */
interface RelayState {
  accepted: number
  rejected: number
  stale: number
  healthy: boolean
  peers: number
  rigs: RigView[]
}

function inputsFor(state: RelayState): MonitorInputs {
  const metrics = (): MetricsSnapshot => ({
    t: clock,
    sharesAccepted: 0,
    sharesRejected: 0,
    poolHashrate: 0,
    rigs: state.rigs.length,
    rigHashrate: 0,
    peers: state.peers,
    sourceHealthy: state.healthy,
    blocksFound: 0,
    stratum: {
      connections: 1,
      authorized: 1,
      acceptedPseudoShares: state.accepted,
      rejectedPseudoShares: { 'low-difficulty': state.rejected, stale: state.stale },
      acceptedOnStaleTip: 0,
      sharesFound: 0,
      staleShares: 0,
      blockCandidates: 0,
      connectionsAccepted: 1,
      connectionsRefused: {},
      connectionsDropped: {},
      bans: 0,
      sinkErrors: 0
    }
  })
  return {
    metrics,
    rigs: () => state.rigs,
    health: () => (state.healthy ? { healthy: true } : { healthy: false, reason: 'daemon starting' }),
    network: true
  }
}

async function configFile(alerts: object): Promise<AlertsConfig> {
  const file = join(dir, `config-${Math.random().toString(16).slice(2)}.json`)
  await writeFile(file, JSON.stringify({ alerts }))
  return loadConfig({ argv: ['--config', file], env: {}, cwd: dir }).config.alerts as AlertsConfig
}

async function monitorFor(
  alerts: AlertsConfig,
  state: RelayState
): Promise<{ monitor: Monitor; events: AlertEvent[] }> {
  const monitor = await Monitor.open({
    store: new HistoryStore(db),
    alerts,
    relayName: 'test',
    now: () => clock,
    timer: false
  })
  const events: AlertEvent[] = []
  monitor.onEvent((e) => events.push(e))
  monitor.start(inputsFor(state))
  return { monitor, events }
}

/** Seconds of submits: `accepted` and `rejected` per second. */
async function run(
  monitor: Monitor,
  state: RelayState,
  seconds: number,
  perSecond: { accepted: number; rejected: number } = { accepted: 0, rejected: 0 }
): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    state.accepted += perSecond.accepted
    state.rejected += perSecond.rejected
    clock += 1000
    await monitor.tick()
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otedama-alerts-'))
  db = new ClassicLevel<string, string>(join(dir, 'db'), { valueEncoding: 'utf8' })
  await db.open()
})
afterEach(async () => {
  await db.close()
  await rm(dir, { recursive: true, force: true })
})

const quiet = {
  rigOffline: { enabled: false },
  addressOffline: { enabled: false },
  hashrateDrop: { enabled: false },
  staleRate: { enabled: false },
  noPeers: { enabled: false },
  memory: { enabled: false },
  blockOrphaned: { enabled: false }
}

describe('alert rules from the config file', () => {
  it("fires the reject-rate rule at the file's threshold and hold, not below it, and resolves when the rate falls", async () => {
    // 8 rejects per 100 accepted: 7.4 % of submits.
    const load = { accepted: 100, rejected: 8 }
    const lenient = await configFile({ ...quiet, rejectRate: { percent: 10, windowSeconds: 60, holdSeconds: 5 } })
    const stateA = { accepted: 0, rejected: 0, stale: 0, healthy: true, peers: 2, rigs: [] }
    const a = await monitorFor(lenient, stateA)
    await run(a.monitor, stateA, 90, load)
    expect(a.events).toEqual([])
    await a.monitor.stop()

    const strict = await configFile({ ...quiet, rejectRate: { percent: 5, windowSeconds: 60, holdSeconds: 5 } })
    const stateB = { accepted: 0, rejected: 0, stale: 0, healthy: true, peers: 2, rigs: [] }
    const b = await monitorFor(strict, stateB)
    await run(b.monitor, stateB, 1, load) // the baseline second
    const firstRejects = clock
    await run(b.monitor, stateB, 4, load)
    expect(b.events).toEqual([])
    await run(b.monitor, stateB, 2, load)
    const fired = b.events.filter((e) => e.rule === 'rejectRate' && e.state === 'firing')
    expect(fired).toHaveLength(1)
    expect(fired[0]?.atMs).toBeGreaterThanOrEqual(firstRejects + 5000)
    expect(fired[0]?.threshold).toBe(5)
    expect(fired[0]?.value).toBeCloseTo(800 / 108, 1)
    expect(b.monitor.alerts().firing.map((f) => f.key)).toEqual(['rejectRate/relay'])
    // Clean submits for a window: the rate falls under 5 % and the alert resolves.
    await run(b.monitor, stateB, 60, { accepted: 100, rejected: 0 })
    expect(b.events.map((e) => e.state)).toEqual(['firing', 'resolved'])
    expect(b.monitor.alerts().firing).toEqual([])
    await b.monitor.stop()
  })

  it('fires daemon-unhealthy only after its hold, with the reason, and keeps an alert firing across a restart until it is checked', async () => {
    const cfg = await configFile({ ...quiet, rejectRate: { enabled: false }, daemonUnhealthy: { holdSeconds: 3 } })
    const state = { accepted: 0, rejected: 0, stale: 0, healthy: false, peers: 2, rigs: [] }
    const first = await monitorFor(cfg, state)
    await run(first.monitor, state, 3)
    expect(first.events).toEqual([])
    await run(first.monitor, state, 1)
    expect(first.events).toMatchObject([
      {
        rule: 'daemonUnhealthy',
        state: 'firing',
        severity: 'critical',
        message: 'template source unhealthy: daemon starting'
      }
    ])
    await first.monitor.stop()
    // The alert log is in the store: a restarted relay shows the alert firing, then resolves it when healthy.
    state.healthy = true
    const second = await monitorFor(cfg, state)
    expect(second.monitor.alerts().firing.map((a) => a.key)).toEqual(['daemonUnhealthy/relay'])
    await run(second.monitor, state, 1)
    expect(second.events).toMatchObject([{ rule: 'daemonUnhealthy', state: 'resolved', seq: 2 }])
    expect(second.monitor.alerts().events.map((e) => e.state)).toEqual(['resolved', 'firing'])
    await second.monitor.stop()
  })

  it('writes the same thresholds into the Prometheus rules file', async () => {
    const cfg = await configFile({
      rejectRate: { percent: 7.5, windowSeconds: 120, holdSeconds: 30 },
      memory: { limitMiB: 512 },
      noPeers: { enabled: false }
    })
    const doc = parseYaml(renderPrometheusRules(cfg)) as {
      groups: Array<{
        name: string
        rules: Array<{ alert: string; expr: string; for: string; labels: { severity: string } }>
      }>
    }
    const rules = new Map(doc.groups[0]!.rules.map((r) => [r.alert, r]))
    expect(rules.get('OtedamaRejectRate')).toMatchObject({ for: '30s', labels: { severity: 'warning' } })
    expect(rules.get('OtedamaRejectRate')?.expr).toMatch(/\[120s\].* > 0\.075$/)
    expect(rules.get('OtedamaMemory')?.expr).toBe(`process_resident_memory_bytes > ${512 * 1024 * 1024}`)
    expect(rules.has('OtedamaNoPeers')).toBe(false)
    expect(rules.get('OtedamaRigOffline')?.expr).toBe('time() - otedama_stratum_rig_last_share_timestamp_seconds > 600')
  })

  it('refuses a webhook that is not an http URL and half a Telegram pair, naming the keys', async () => {
    const file = join(dir, 'bad.json')
    await writeFile(
      file,
      JSON.stringify({
        alerts: { webhooks: ['ftp://x'], telegram: { botToken: 'secret' }, rejectRate: { percent: 150 } }
      })
    )
    expect(() => loadConfig({ argv: ['--config', file], env: {}, cwd: dir })).toThrow(
      /alerts\.rejectRate\.percent must be between 0 and 100/
    )
    await writeFile(file, JSON.stringify({ alerts: { webhooks: ['ftp://x'], telegram: { botToken: 'secret' } } }))
    expect(() => loadConfig({ argv: ['--config', file], env: {}, cwd: dir })).toThrow(
      /alerts\.webhooks entry "ftp:\/\/x…" is not an http:\/\/ or https:\/\/ URL[\s\S]*alerts\.telegram\.botToken and alerts\.telegram\.chatId go together/
    )
    expect(
      loadConfig({ argv: [], env: { OTEDAMA_ALERT_REJECT_RATE_PERCENT: '2.5' }, cwd: dir }).config.alerts?.rejectRate
        .percent
    ).toBe(2.5)
  })
})

describe('waiting times (Poisson process)', () => {
  it('the next event: exponential law, mean 1/λ, 90 % range from its quantiles', () => {
    const w = waitFor(1, 0.1)!
    expect(w.expectedSeconds).toBe(10)
    expect(w.lowSeconds).toBeCloseTo(-Math.log(0.95) * 10, 9)
    expect(w.highSeconds).toBeCloseTo(-Math.log(0.05) * 10, 9)
    expect(waitFor(1, 0)).toBeUndefined()
  })

  it('k events: the Erlang quantiles invert its CDF, and approach the normal law for large k', () => {
    const rate = 1 / 10
    for (const k of [2, 5, 30, 2160]) {
      const low = erlangQuantile(k, rate, 0.05)
      const high = erlangQuantile(k, rate, 0.95)
      expect(erlangCdf(k, rate * low)).toBeCloseTo(0.05, 6)
      expect(erlangCdf(k, rate * high)).toBeCloseTo(0.95, 6)
      expect(low).toBeLessThan(k / rate)
      expect(high).toBeGreaterThan(k / rate)
    }
    // Erlang(2160, λ) has mean k/λ and sd √k/λ: the 95 % quantile is within 1 % of mean + 1.645 sd.
    const k = 2160
    expect(erlangQuantile(k, rate, 0.95) / ((k + 1.6449 * Math.sqrt(k)) / rate)).toBeCloseTo(1, 2)
    // Two events: P(T ≤ t) = 1 − e^−μ (1 + μ).
    expect(erlangCdf(2, 3)).toBeCloseTo(1 - Math.exp(-3) * 4, 12)
  })
})
