// The monitor: once a second it samples the relay (sampler.ts), adds the point to the history
// (history.ts), feeds the hashrate trends (trends.ts), evaluates the alert rules (rules.ts) through
// the alert engine, and hands alert events to the webhooks, the store and the live stream.
import { createLogger } from '@otedama/shared/log'
import type { AlertsConfig } from '../config/types'
import { AlertEngine, type ActiveAlert, type AlertEvent } from './alert-engine'
import { History, type HistoryAnswer } from './history'
import type { HistoryStore } from './history-store'
import type { MonitorInputs } from './inputs'
import { LatencyRecorder } from './latency'
import { MonitorMetrics } from './metrics'
import { renderPrometheusRules } from './prometheus-rules'
import { alertRules, type EvaluatedRule, type RuleInputs } from './rules'
import { Sampler } from './sampler'
import { HashrateTrend, waitFor, type TrendView, type WaitView } from './trends'
import { WebhookDelivery, webhookTargets, type WebhookKind } from './webhooks'
import type { RigView } from '../http/views'
import { errorMessage, BoundedMap, ListenerSet } from '@otedama/shared/util'

const log = createLogger('monitor')

/** Sampling period (ms): DESIGN's 1-second metrics. */
export const MONITOR_INTERVAL_MS = 1000
/** Alert events kept (memory and store; count): the newest. */
export const MAX_ALERT_EVENTS = 1000
/** Events a live frame repeats (ms back): a client that missed a frame still sees them (ids dedupe). */
export const LIVE_EVENTS_MS = 5000
/** Orphaned blocks followed at once (count). */
export const MAX_ORPHANS_TRACKED = 256

export interface MonitorInit {
  store: HistoryStore
  alerts: AlertsConfig
  relayName: string
  /** Wall clock (ms); tests pass a virtual one. */
  now?: () => number
  /** Run the 1-second timer (default true); tests call tick() themselves. */
  timer?: boolean
}

export interface LiveFrame {
  t: number
  values: Record<string, number | null>
  firing: number
  events: AlertEvent[]
}

export interface AlertsAnswer {
  firing: ActiveAlert[]
  /** Newest first. */
  events: AlertEvent[]
  rules: Array<{ rule: string; enabled: boolean; severity: string; holdSeconds: number }>
  deliveries: Array<{ kind: WebhookKind; target: string; queued: number }>
}

export interface TrendsAnswer {
  t: number
  pool: { hashesPerSecond: number; trend: TrendView; nextShare?: WaitView; nextBlock?: WaitView }
  rigs: { hashesPerSecond: number; trend: TrendView; nextBlock?: WaitView }
  rig?: {
    rig: string
    online: boolean
    hashesPerSecond: number
    trend?: TrendView
    nextShare?: WaitView
    nextBlock?: WaitView
  }
  miner?: {
    address: string
    sharesInWindow: number
    lastShareHeight?: number
    lastShareAtMs?: number
    sharesUntilOut?: number
    leavesWindow?: WaitView
  }
}

export class Monitor {
  readonly latency: { validation: LatencyRecorder; blockSubmit: LatencyRecorder }
  readonly metrics: MonitorMetrics
  private readonly engine: AlertEngine
  private readonly rules: EvaluatedRule[]
  private readonly delivery: WebhookDelivery
  private readonly now: () => number
  private inputs: MonitorInputs | undefined
  private sampler: Sampler | undefined
  private readonly poolTrend = new HashrateTrend()
  private readonly relayTrend = new HashrateTrend()
  private readonly rigTrends = new Map<string, HashrateTrend>()
  private readonly orphans = new BoundedMap<string, { height: number; sinceMs: number; backInChain: boolean }>(
    MAX_ORPHANS_TRACKED
  )
  private orphanedCount = 0
  private addressActivity = new Map<string, number>()
  private lastRigs: RigView[] = []
  private frame: LiveFrame | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private ticking: Promise<void> | undefined
  private eventWrites: Promise<void> = Promise.resolve()
  private offBlocks: (() => void) | undefined
  private stopped = false
  private readonly eventListeners = new ListenerSet<[event: AlertEvent]>('alert event')

  private constructor(
    private readonly init: MonitorInit,
    readonly history: History,
    private readonly events: AlertEvent[]
  ) {
    this.now = init.now ?? Date.now
    this.rules = alertRules(init.alerts)
    this.delivery = new WebhookDelivery(webhookTargets(init.alerts, init.relayName), this.now)
    this.metrics = new MonitorMetrics({
      rigs: () => this.lastRigs,
      addressLastShareMs: () => this.addressActivity,
      firing: () => this.engine.firing(),
      delivery: () => this.delivery.counters,
      historyPoints: () => this.history.counts(),
      orphaned: () => this.orphanedCount
    })
    this.latency = {
      validation: new LatencyRecorder(this.metrics.validation),
      blockSubmit: new LatencyRecorder(this.metrics.blockSubmit)
    }
    this.engine = new AlertEngine(events[events.length - 1]?.seq ?? 0)
    // Alerts firing when the relay stopped fire on until an evaluation says otherwise.
    const last = new Map<string, AlertEvent>()
    for (const e of events) last.set(e.key, e)
    this.engine.restore(
      [...last.values()].filter((e) => e.state === 'firing').map(({ seq: _s, state: _st, atMs: _a, ...alert }) => alert)
    )
    this.engine.onEvent((event) => this.onAlertEvent(event))
  }

  /** Loads the stored history and alert log. */
  static async open(init: MonitorInit): Promise<Monitor> {
    const history = await History.open(init.store)
    const events: AlertEvent[] = []
    for (const json of await init.store.loadEvents()) {
      try {
        events.push(JSON.parse(json) as AlertEvent)
      } catch {
        continue
      }
    }
    return new Monitor(init, history, events.slice(-MAX_ALERT_EVENTS))
  }

  /** Starts sampling the relay's parts. */
  start(inputs: MonitorInputs): void {
    this.inputs = inputs
    this.sampler = new Sampler(inputs, this.latency)
    this.offBlocks = inputs.onBlockChange?.((record) => this.onBlock(record.hash, record.height, record.status))
    if (this.init.timer !== false) this.schedule()
  }

  private schedule(): void {
    if (this.stopped) return
    // On the next second boundary (+5 ms), so each second gets one sample however long a tick took.
    const delay = MONITOR_INTERVAL_MS - (Date.now() % MONITOR_INTERVAL_MS) + 5
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((err: unknown) => log.warn(`sampling failed: ${errorMessage(err)}`))
        .finally(() => {
          this.ticking = undefined
          this.schedule()
        })
    }, delay)
    this.timer.unref()
  }

  /** One second: sample, store, trends, rules. */
  async tick(): Promise<void> {
    const inputs = this.inputs
    if (inputs === undefined || this.sampler === undefined) return
    const now = this.now()
    const reading = this.sampler.read(now)
    this.lastRigs = reading.rigs
    this.poolTrend.add(now, reading.metrics.poolHashrate)
    this.relayTrend.add(now, reading.metrics.rigHashrate)
    const known = new Set<string>()
    for (const r of reading.rigs) {
      known.add(r.rig)
      let trend = this.rigTrends.get(r.rig)
      if (trend === undefined) this.rigTrends.set(r.rig, (trend = new HashrateTrend()))
      trend.add(now, r.hashrateHashesPerSecond)
    }
    for (const rig of this.rigTrends.keys()) if (!known.has(rig)) this.rigTrends.delete(rig)
    const history = this.history.add(reading.sample)
    this.evaluate(now, reading.rigs, reading.rssBytes, reading.metrics.peers)
    const values: Record<string, number | null> = {}
    for (const [k, v] of Object.entries(reading.sample.values))
      values[k] = v === undefined || Number.isNaN(v) ? null : v
    this.frame = {
      t: now,
      values,
      firing: this.engine.firing().length,
      events: this.events.filter((e) => e.atMs > now - LIVE_EVENTS_MS)
    }
    await history
  }

  private evaluate(now: number, rigs: readonly RigView[], rssBytes: number, peers: number): void {
    const inputs = this.inputs as MonitorInputs
    const watched = [...new Set([...this.init.alerts.addressOffline.addresses, ...rigs.map((r) => r.address)])]
    const chainShares = inputs.addressLastShares?.(watched) ?? new Map<string, number>()
    const activity = new Map<string, number>()
    for (const a of watched) {
      const at = chainShares.get(a)
      if (at !== undefined) activity.set(a, at)
    }
    for (const r of rigs)
      activity.set(r.address, Math.max(activity.get(r.address) ?? 0, r.lastShareAtMs ?? r.firstSeenAtMs))
    this.addressActivity = activity
    const ruleInputs: RuleInputs = {
      now,
      rigs,
      addressLastShareMs: chainShares,
      watchedAddresses: this.init.alerts.addressOffline.addresses,
      rigTrends: this.rigTrends,
      relayTrend: this.relayTrend,
      submits: (windowSeconds) => {
        const s = this.history.sumRecent(
          ['pseudoSharesAccepted', 'pseudoSharesRejected', 'pseudoSharesStale'],
          windowSeconds * 1000,
          now
        )
        return { accepted: s.pseudoSharesAccepted, rejected: s.pseudoSharesRejected, stale: s.pseudoSharesStale }
      },
      peers: inputs.network ? peers : undefined,
      source: inputs.health(),
      rssBytes,
      orphans: this.orphans
    }
    for (const rule of this.rules) {
      if (rule.enabled) this.engine.evaluate(rule.spec, rule.observe(ruleInputs), now)
    }
    for (const [hash, o] of this.orphans) {
      if (
        o.backInChain ||
        now - o.sinceMs > this.init.alerts.blockOrphaned.keepFiringSeconds * 1000 + MONITOR_INTERVAL_MS
      )
        this.orphans.delete(hash)
    }
  }

  private onBlock(hash: string, height: number, status: string): void {
    const known = this.orphans.get(hash)
    if (status === 'orphaned') {
      if (known !== undefined && !known.backInChain) return
      this.orphanedCount++
      this.orphans.delete(hash)
      this.orphans.set(hash, { height, sinceMs: this.now(), backInChain: false })
    } else if (known !== undefined && (status === 'accepted' || status === 'confirmed')) {
      known.backInChain = true
    }
  }

  private onAlertEvent(event: AlertEvent): void {
    ;(event.state === 'firing' ? log.warn : log.info).call(
      log,
      `alert ${event.state}: ${event.rule} ${event.subject}: ${event.message}`
    )
    this.events.push(event)
    const overflow = this.events.length - MAX_ALERT_EVENTS
    if (overflow > 0) this.events.splice(0, overflow)
    this.delivery.enqueue(event)
    const oldest = this.events[0] as AlertEvent
    this.eventWrites = this.eventWrites
      .then(
        async () =>
          await this.init.store.write({
            events: {
              put: [{ t: event.atMs, seq: event.seq, json: JSON.stringify(event) }],
              delBefore: { t: oldest.atMs, seq: oldest.seq }
            }
          })
      )
      .catch((err: unknown) => log.warn(`storing an alert event failed: ${errorMessage(err)}`))
    this.eventListeners.emit(event)
  }

  onEvent(listener: (event: AlertEvent) => void): () => void {
    return this.eventListeners.add(listener)
  }

  queryHistory(range: string, series: readonly string[] | undefined): HistoryAnswer {
    return this.history.query(range, series, this.now())
  }

  liveFrame(): LiveFrame {
    return this.frame ?? { t: this.now(), values: {}, firing: this.engine.firing().length, events: [] }
  }

  alerts(limit = MAX_ALERT_EVENTS): AlertsAnswer {
    return {
      firing: this.engine.firing(),
      events: this.events.slice(-limit).reverse(),
      rules: this.rules.map((r) => ({
        rule: r.spec.rule,
        enabled: r.enabled,
        severity: r.spec.severity,
        holdSeconds: r.spec.holdMs / 1000
      })),
      deliveries: this.delivery.targets
    }
  }

  prometheusRules(): string {
    return renderPrometheusRules(this.init.alerts)
  }

  /** Trends of the pool and this relay's rigs; with `rig` or `address`, of that rig or miner too. Throws AddressError for a foreign address. */
  trends(opts: { rig?: string; address?: string } = {}): TrendsAnswer {
    const now = this.now()
    const m = this.frame?.values ?? {}
    const poolRate = this.poolTrend.short
    const chain = this.inputs?.chain?.()
    const answer: TrendsAnswer = {
      t: now,
      pool: {
        hashesPerSecond: (m.poolHashrate as number | null) ?? 0,
        trend: this.poolTrend.view(now),
        ...optional('nextShare', chain === undefined ? undefined : waitFor(1, poolRate / chain.hashesPerShare)),
        ...optional(
          'nextBlock',
          chain?.hashesPerBlock === undefined ? undefined : waitFor(1, poolRate / chain.hashesPerBlock)
        )
      },
      rigs: {
        hashesPerSecond: (m.rigHashrate as number | null) ?? 0,
        trend: this.relayTrend.view(now),
        ...optional(
          'nextBlock',
          chain?.hashesPerBlock === undefined ? undefined : waitFor(1, this.relayTrend.short / chain.hashesPerBlock)
        )
      }
    }
    if (opts.rig !== undefined) {
      const r = this.lastRigs.find((x) => x.rig === opts.rig)
      const trend = this.rigTrends.get(opts.rig)
      answer.rig = {
        rig: opts.rig,
        online: r?.online ?? false,
        hashesPerSecond: r?.hashrateHashesPerSecond ?? 0,
        ...optional('trend', trend?.view(now)),
        ...optional(
          'nextShare',
          chain === undefined || trend === undefined ? undefined : waitFor(1, trend.short / chain.hashesPerShare)
        ),
        ...optional(
          'nextBlock',
          chain?.hashesPerBlock === undefined || trend === undefined
            ? undefined
            : waitFor(1, trend.short / chain.hashesPerBlock)
        )
      }
    }
    if (opts.address !== undefined) {
      const w = this.inputs?.minerWindow?.(opts.address)
      const untilOut =
        w === undefined || chain?.shareHeight === undefined
          ? undefined
          : w.lastShareHeight + chain.windowShares - chain.shareHeight
      answer.miner = {
        address: opts.address,
        sharesInWindow: w?.sharesInWindow ?? 0,
        ...optional('lastShareHeight', w?.lastShareHeight),
        ...optional('lastShareAtMs', w?.lastShareAtMs),
        ...optional('sharesUntilOut', untilOut),
        ...optional(
          'leavesWindow',
          untilOut === undefined || chain === undefined ? undefined : waitFor(untilOut, poolRate / chain.hashesPerShare)
        )
      }
    }
    return answer
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.offBlocks?.()
    await this.ticking
    await this.delivery.stop()
    await this.eventWrites
    await this.history.flush()
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>)
}
