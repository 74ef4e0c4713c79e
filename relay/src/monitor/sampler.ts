// One second's figures from the relay's parts: gauges as they are, counters as the change since the
// previous second, latencies from their recorders, CPU and memory of the process.
import type { FieldName } from './fields'
import type { Sample } from './history'
import type { LatencyRecorder } from './latency'
import type { MonitorInputs } from './inputs'
import type { MetricsSnapshot, RigView } from '../http/views'

export interface SecondReading {
  sample: Sample
  metrics: MetricsSnapshot
  rigs: RigView[]
  rssBytes: number
}

type CounterName =
  | 'sharesAccepted'
  | 'sharesRejected'
  | 'pseudoSharesAccepted'
  | 'pseudoSharesRejected'
  | 'pseudoSharesStale'
  | 'blocksFound'
  | 'bytesIn'
  | 'bytesOut'

function counters(
  m: MetricsSnapshot,
  bandwidth: { bytesIn: number; bytesOut: number } | undefined
): Partial<Record<CounterName, number>> {
  const rejected = m.stratum?.rejectedPseudoShares ?? {}
  const stale = rejected.stale ?? 0
  const allRejected = Object.values(rejected).reduce((s, n) => s + n, 0)
  return {
    sharesAccepted: m.sharesAccepted,
    sharesRejected: m.sharesRejected,
    ...(m.stratum !== undefined
      ? {
          pseudoSharesAccepted: m.stratum.acceptedPseudoShares,
          pseudoSharesRejected: allRejected - stale,
          pseudoSharesStale: stale
        }
      : {}),
    blocksFound: m.blocksFound,
    ...(bandwidth !== undefined ? { bytesIn: bandwidth.bytesIn, bytesOut: bandwidth.bytesOut } : {})
  }
}

export class Sampler {
  private previous: Partial<Record<CounterName, number>> | undefined
  private cpu = process.cpuUsage()
  private cpuAt = performance.now()

  constructor(
    private readonly inputs: MonitorInputs,
    private readonly latency: { validation: LatencyRecorder; blockSubmit: LatencyRecorder }
  ) {}

  read(now: number): SecondReading {
    const metrics = this.inputs.metrics()
    const rigs = this.inputs.rigs()
    const current = counters(metrics, this.inputs.bandwidth?.())
    const values: Partial<Record<FieldName, number>> = {
      poolHashrate: metrics.poolHashrate,
      rigHashrate: metrics.rigHashrate,
      rigsOnline: metrics.rigs,
      sourceHealthy: metrics.sourceHealthy ? 1 : 0,
      ...(this.inputs.network ? { peers: metrics.peers } : {})
    }
    // The first second only sets the baseline: counters since start are not one second's worth.
    for (const [name, value] of Object.entries(current) as Array<[CounterName, number]>) {
      const before = this.previous?.[name]
      values[name] = before === undefined ? 0 : Math.max(0, value - before)
    }
    this.previous = current
    const v = this.latency.validation.takeSecond()
    const b = this.latency.blockSubmit.takeSecond()
    Object.assign(values, {
      validations: v.count,
      validationMeanMs: v.meanMs,
      validationMaxMs: v.maxMs,
      blockSubmits: b.count,
      blockSubmitMeanMs: b.meanMs,
      blockSubmitMaxMs: b.maxMs
    })
    const cpu = process.cpuUsage(this.cpu)
    const at = performance.now()
    this.cpu = process.cpuUsage()
    values.cpuPercent = at > this.cpuAt ? ((cpu.user + cpu.system) / 1000 / (at - this.cpuAt)) * 100 : 0
    this.cpuAt = at
    const memory = process.memoryUsage()
    values.rssBytes = memory.rss
    values.heapUsedBytes = memory.heapUsed
    const rigRates = rigs.filter((r) => r.online).map((r) => [r.rig, r.hashrateHashesPerSecond] as const)
    return { sample: { t: now, values, rigs: rigRates }, metrics, rigs, rssBytes: memory.rss }
  }
}
