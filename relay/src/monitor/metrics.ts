// The monitor's Prometheus series (prom-client): latency histograms, per-rig and per-address gauges
// with a bounded label set, orphaned blocks, alerts firing per rule, webhook delivery, history size.
// The relay's /metrics appends this registry to its own (http/prometheus.ts).
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { RigView } from '../http/views'
import { ALERT_RULES, type ActiveAlert } from './alert-engine'
import type { DeliveryCounters } from './webhooks'

/** Rigs with their own labelled series at most (count): the longest-known first, so a rig keeps its series while it is remembered. */
export const MAX_PROMETHEUS_RIGS = 100
/** Addresses with their own labelled series at most (count). */
export const MAX_PROMETHEUS_ADDRESSES = 100
/** Share validation takes microseconds; a slow one (a coinbase rebuild on a cold cache) milliseconds (s). */
export const VALIDATION_BUCKETS_SECONDS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1
]
/** submitblock round trips: a few ms on a local daemon, seconds on a loaded one (s). */
export const SUBMIT_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export interface MonitorMetricsView {
  rigs: () => readonly RigView[]
  addressLastShareMs: () => ReadonlyMap<string, number>
  firing: () => readonly ActiveAlert[]
  delivery: () => DeliveryCounters
  historyPoints: () => number[]
  orphaned: () => number
}

/** Rigs that get labels: the longest-known MAX_PROMETHEUS_RIGS (a flood of new rigs cannot add series). */
export function labelledRigs(rigs: readonly RigView[]): RigView[] {
  return [...rigs]
    .sort((a, b) => a.firstSeenAtMs - b.firstSeenAtMs || (a.rig < b.rig ? -1 : 1))
    .slice(0, MAX_PROMETHEUS_RIGS)
}

/**
 * The monitor's prom-client registry: two latency histograms the relay's parts observe, and series
 * collected from the monitor's view at each scrape.
 */
export class MonitorMetrics {
  readonly registry = new Registry()
  /** Share validation times (instrumented around the ledger's add). */
  readonly validation: Histogram
  /** submitblock round trips (instrumented around the source's submitBlock). */
  readonly blockSubmit: Histogram

  constructor(view: MonitorMetricsView) {
    const registers = [this.registry]
    this.validation = new Histogram({
      name: 'otedama_share_validation_seconds',
      help: 'Time to validate one share (Stratum and gossip), seconds.',
      buckets: VALIDATION_BUCKETS_SECONDS,
      registers
    })
    this.blockSubmit = new Histogram({
      name: 'otedama_block_submit_seconds',
      help: 'submitblock round trip to the template source, seconds.',
      buckets: SUBMIT_BUCKETS_SECONDS,
      registers
    })
    new Gauge({
      name: 'otedama_stratum_rig_hashrate',
      help: `Hashrate of one Stratum rig (address.worker), hashes per second; the ${MAX_PROMETHEUS_RIGS} longest-known rigs.`,
      labelNames: ['rig'],
      registers,
      collect() {
        this.reset()
        for (const r of labelledRigs(view.rigs())) this.set({ rig: r.rig }, r.hashrateHashesPerSecond)
      }
    })
    new Gauge({
      name: 'otedama_stratum_rig_last_share_timestamp_seconds',
      help: "Unix time of the rig's last accepted pseudo-share (first seen, before any).",
      labelNames: ['rig'],
      registers,
      collect() {
        this.reset()
        for (const r of labelledRigs(view.rigs())) this.set({ rig: r.rig }, (r.lastShareAtMs ?? r.firstSeenAtMs) / 1000)
      }
    })
    new Gauge({
      name: 'otedama_stratum_rigs_unlabelled',
      help: 'Rigs known beyond the labelled ones (in the totals, without a series of their own).',
      registers,
      collect() {
        this.set(Math.max(0, view.rigs().length - MAX_PROMETHEUS_RIGS))
      }
    })
    new Gauge({
      name: 'otedama_address_last_share_timestamp_seconds',
      help: "Unix time of a watched payout address's last share or pseudo-share.",
      labelNames: ['address'],
      registers,
      collect() {
        this.reset()
        let n = 0
        for (const [address, ms] of view.addressLastShareMs()) {
          if (n++ >= MAX_PROMETHEUS_ADDRESSES) break
          this.set({ address }, ms / 1000)
        }
      }
    })
    new Counter({
      name: 'otedama_blocks_orphaned_total',
      help: 'Blocks found here that a reorganisation took out of the best chain, since start.',
      registers,
      collect() {
        this.reset()
        this.inc(view.orphaned())
      }
    })
    new Gauge({
      name: 'otedama_alerts_firing',
      help: 'Alerts firing now, by rule.',
      labelNames: ['rule'],
      registers,
      collect() {
        const firing = view.firing()
        for (const rule of ALERT_RULES) this.set({ rule }, firing.filter((a) => a.rule === rule).length)
      }
    })
    new Counter({
      name: 'otedama_alert_webhook_requests_total',
      help: 'Webhook requests carrying alert events, by result.',
      labelNames: ['result'],
      registers,
      collect() {
        const c = view.delivery()
        this.reset()
        this.inc({ result: 'sent' }, c.sent)
        this.inc({ result: 'failed' }, c.failed)
      }
    })
    new Counter({
      name: 'otedama_alert_events_dropped_total',
      help: 'Alert events a webhook target lost (queue full or every try failed).',
      registers,
      collect() {
        this.reset()
        this.inc(view.delivery().dropped)
      }
    })
    new Gauge({
      name: 'otedama_monitor_history_points',
      help: 'History points held, by tier (second, minute, hour).',
      labelNames: ['tier'],
      registers,
      collect() {
        const [s, m, h] = view.historyPoints()
        this.set({ tier: 'second' }, s ?? 0)
        this.set({ tier: 'minute' }, m ?? 0)
        this.set({ tier: 'hour' }, h ?? 0)
      }
    })
  }
}
