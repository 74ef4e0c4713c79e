// /metrics in Prometheus text format 0.0.4 through prom-client: the process and Node figures of its
// default collectors (CPU, memory, event-loop lag, GC, handles), the relay's own figures (read from
// the parts' counters at each scrape), and further registries (the monitor's histograms and per-rig
// series). Every label set is bounded: fixed reasons and statuses, logger names, and per-rig series
// capped where they are made (monitor/metrics.ts).
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import { BLOCK_STATUSES } from '../store/records'
import type { MetricsSnapshot, PrometheusSample, StatusView } from './views'

type Metric = PrometheusSample

const BLOCKS_HELP =
  "Found blocks recorded here, by status as the daemon's chain shows it (submitted, accepted, confirmed, orphaned, stale, rejected)."

function blockMetrics(m: MetricsSnapshot): Metric[] {
  const b = m.blocks
  if (b === undefined) return []
  return [
    {
      name: 'otedama_block_candidates_total',
      help: 'Blocks handed to the block pipeline since start, second hand-ins of the same block included.',
      type: 'counter',
      value: b.candidates
    },
    {
      name: 'otedama_block_submissions_total',
      help: 'submitblock calls since start, retries included.',
      type: 'counter',
      value: b.submitCalls
    },
    {
      name: 'otedama_block_submission_retries_total',
      help: 'submitblock calls since start that retried a failed one.',
      type: 'counter',
      value: b.submitRetries
    },
    {
      name: 'otedama_blocks_stale_unsent_total',
      help: 'Blocks recorded stale without a call since start: their parent was no longer the tip.',
      type: 'counter',
      value: b.staleUnsent
    },
    { name: 'otedama_block_queue', help: 'Blocks waiting for the daemon.', type: 'gauge', value: b.queued },
    {
      name: 'otedama_block_daemon_calls_in_flight',
      help: 'Calls of the block pipeline at the daemon now.',
      type: 'gauge',
      value: b.daemonCallsInFlight
    },
    ...BLOCK_STATUSES.map((status): Metric => ({
      name: 'otedama_blocks',
      help: BLOCKS_HELP,
      type: 'gauge',
      value: b.byStatus[status],
      labels: { status }
    }))
  ]
}

function stratumMetrics(m: MetricsSnapshot): Metric[] {
  const s = m.stratum
  if (s === undefined) return []
  const labelled = (name: string, help: string, values: Record<string, number>, label: string): Metric[] =>
    Object.entries(values).map(([value, n]) => ({ name, help, type: 'counter', value: n, labels: { [label]: value } }))
  return [
    { name: 'otedama_stratum_connections', help: 'Open Stratum connections.', type: 'gauge', value: s.connections },
    {
      name: 'otedama_stratum_authorized',
      help: 'Subscribed and authorized Stratum connections.',
      type: 'gauge',
      value: s.authorized
    },
    {
      name: 'otedama_stratum_pseudo_shares_accepted_total',
      help: 'Pseudo-shares accepted since start.',
      type: 'counter',
      value: s.acceptedPseudoShares
    },
    ...labelled(
      'otedama_stratum_pseudo_shares_rejected_total',
      'Pseudo-shares rejected since start, by reason.',
      s.rejectedPseudoShares,
      'reason'
    ),
    {
      name: 'otedama_stratum_accepted_on_stale_tip_total',
      help: 'Pseudo-shares accepted on a job of the previous share-chain tip within the grace.',
      type: 'counter',
      value: s.acceptedOnStaleTip
    },
    {
      name: 'otedama_stratum_shares_found_total',
      help: 'Headers from rigs meeting the share target since start.',
      type: 'counter',
      value: s.sharesFound
    },
    {
      name: 'otedama_stratum_stale_shares_total',
      help: 'Shares from rigs built on a share tip already replaced.',
      type: 'counter',
      value: s.staleShares
    },
    {
      name: 'otedama_stratum_block_candidates_total',
      help: 'Headers from rigs meeting the block target since start.',
      type: 'counter',
      value: s.blockCandidates
    },
    {
      name: 'otedama_stratum_connections_accepted_total',
      help: 'Stratum connections accepted since start.',
      type: 'counter',
      value: s.connectionsAccepted
    },
    ...labelled(
      'otedama_stratum_connections_refused_total',
      'Stratum connections refused since start, by reason.',
      s.connectionsRefused,
      'reason'
    ),
    ...labelled(
      'otedama_stratum_connections_dropped_total',
      'Stratum connections dropped since start, by reason.',
      s.connectionsDropped,
      'reason'
    ),
    { name: 'otedama_stratum_bans_total', help: 'IP bans since start.', type: 'counter', value: s.bans },
    {
      name: 'otedama_stratum_sink_errors_total',
      help: 'Errors handing shares or blocks on.',
      type: 'counter',
      value: s.sinkErrors
    }
  ]
}

/** The relay's figures as samples, read from a metrics snapshot and the status. */
export function relaySamples(m: MetricsSnapshot, status: StatusView): Metric[] {
  return [
    {
      name: 'otedama_info',
      help: 'Relay network and template source (value 1).',
      type: 'gauge',
      value: 1,
      labels: { network: status.network, source: status.source.kind }
    },
    { name: 'otedama_block_height', help: 'Height of the block being mined.', type: 'gauge', value: m.blockHeight },
    { name: 'otedama_share_height', help: 'Height of the share-chain tip.', type: 'gauge', value: m.shareHeight },
    {
      name: 'otedama_shares_accepted_total',
      help: 'Shares accepted into the share chain since start.',
      type: 'counter',
      value: m.sharesAccepted
    },
    {
      name: 'otedama_shares_rejected_total',
      help: 'Shares rejected (provably invalid) since start.',
      type: 'counter',
      value: m.sharesRejected
    },
    ...Object.entries(m.sharesRefused ?? {}).map(([key, n]): Metric => {
      const [origin, verdict] = key.split(' ') as [string, string]
      const [kind, reason] = verdict.split(':') as [string, string]
      return {
        name: 'otedama_shares_refused_total',
        help: 'Shares not taken since start, by origin (stratum, network, local), verdict (reject, ignore) and reason.',
        type: 'counter',
        value: n,
        labels: { origin, verdict: kind, reason }
      }
    }),
    {
      name: 'otedama_pool_hashrate',
      help: 'Pool hashrate estimated from recent shares, hashes per second.',
      type: 'gauge',
      value: m.poolHashrate
    },
    { name: 'otedama_rigs', help: 'Connected Stratum rigs.', type: 'gauge', value: m.rigs },
    {
      name: 'otedama_rig_hashrate',
      help: "Hashrate of this relay's Stratum rigs, hashes per second.",
      type: 'gauge',
      value: m.rigHashrate
    },
    { name: 'otedama_peers', help: 'Connected libp2p peers.', type: 'gauge', value: m.peers },
    {
      name: 'otedama_source_healthy',
      help: '1 when the template source (daemon or devnet) is healthy.',
      type: 'gauge',
      value: m.sourceHealthy ? 1 : 0
    },
    {
      name: 'otedama_template_age_seconds',
      help: 'Age of the current template, seconds.',
      type: 'gauge',
      value: m.templateAgeSeconds
    },
    {
      name: 'otedama_blocks_found_total',
      help: 'Distinct blocks found here since start (each once, whichever path found it).',
      type: 'counter',
      value: m.blocksFound
    },
    ...blockMetrics(m),
    ...stratumMetrics(m),
    {
      name: 'otedama_quorum_templates',
      help: 'Templates tallied now, by whether their quorum confirmed them (more than 2/3 of committee weight).',
      type: 'gauge',
      value: m.quorum?.templatesConfirmed,
      labels: { state: 'confirmed' }
    },
    {
      name: 'otedama_quorum_templates',
      help: 'Templates tallied now, by whether their quorum confirmed them (more than 2/3 of committee weight).',
      type: 'gauge',
      value: m.quorum?.templatesUnconfirmed,
      labels: { state: 'unconfirmed' }
    },
    {
      name: 'otedama_quorum_blocks',
      help: 'Blocks tallied now, by whether their quorum confirmed a status.',
      type: 'gauge',
      value: m.quorum?.blocksConfirmed,
      labels: { state: 'confirmed' }
    },
    {
      name: 'otedama_quorum_blocks',
      help: 'Blocks tallied now, by whether their quorum confirmed a status.',
      type: 'gauge',
      value: m.quorum?.blocksUnconfirmed,
      labels: { state: 'unconfirmed' }
    },
    {
      name: 'otedama_quorum_relays',
      help: 'Relays with work in the share window known by peer id (committee weight), this one included when its rigs did work.',
      type: 'gauge',
      value: m.quorum?.relays
    }
  ]
}

export interface PrometheusExporter {
  /** The exposition: relay figures, `extra` samples, then each further registry. */
  render: (
    m: MetricsSnapshot,
    status: StatusView,
    extra?: readonly Metric[],
    registries?: readonly Registry[]
  ) => Promise<string>
  contentType: string
}

/**
 * One exporter per HTTP face (a process may run several relays in tests): its own registry with the
 * default collectors, and one prom-client gauge or counter per relay metric name, set at each scrape.
 * A name without a value this time (no template yet) is left out, as Prometheus expects of an unknown value.
 */
export function createPrometheusExporter(): PrometheusExporter {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metrics = new Map<string, Gauge | Counter>()

  const metricFor = (sample: Metric): Gauge | Counter => {
    const known = metrics.get(sample.name)
    if (known !== undefined) return known
    const init = {
      name: sample.name,
      help: sample.help,
      labelNames: Object.keys(sample.labels ?? {}),
      registers: [registry]
    }
    const made = sample.type === 'counter' ? new Counter(init) : new Gauge(init)
    metrics.set(sample.name, made)
    return made
  }

  return {
    contentType: registry.contentType,
    async render(m, status, extra = [], registries = []) {
      const samples = [...relaySamples(m, status), ...extra].filter(
        (s) => s.value !== undefined && Number.isFinite(s.value)
      )
      const present = new Set(samples.map((s) => s.name))
      for (const [name, metric] of metrics) {
        if (present.has(name)) {
          metric.reset()
          continue
        }
        registry.removeSingleMetric(name)
        metrics.delete(name)
      }
      for (const sample of samples) {
        const metric = metricFor(sample)
        const value = sample.value as number
        const labels = sample.labels ?? {}
        if (metric instanceof Counter) metric.inc(labels, Math.max(0, value))
        else metric.set(labels, value)
      }
      const texts = [await registry.metrics(), ...(await Promise.all(registries.map(async (r) => await r.metrics())))]
      return texts.map((t) => (t.endsWith('\n') || t === '' ? t : t + '\n')).join('')
    }
  }
}
