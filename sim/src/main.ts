// `npm run simulate -- --peers N [--hours H] [--seed S] [--interval S] [--window N] [--uncle-depth N]
//  [--loss P] [--session-minutes M] [--sweep] [--intervals 5,10,20]`
// Prints a table of each run's figures and, as the last line, one JSON object (like bench/*.bench.ts).
import { createSimConfig, type SimConfig } from './config'
import { Simulation } from './simulator'
import type { SimReport } from './report'

interface Measured extends SimReport {
  wallSeconds: number
  /** CPU seconds of this process (user + system) during the run: what the run costs whatever else the machine does. */
  cpuSeconds: number
  heapBytesPerPeer: number
}

const SWEEP_PEERS = [100, 1000, 10_000]

function parseArgs(argv: string[]): { base: Partial<SimConfig>; peers: number[]; intervals: number[] } {
  const base: Partial<SimConfig> = {}
  let peers = [100]
  let intervals: number[] = []
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): number => {
      const v = Number(argv[++i])
      if (!Number.isFinite(v)) throw new RangeError(`${flag} needs a number`)
      return v
    }
    switch (flag) {
      case '--peers':
        peers = [value()]
        break
      case '--sweep':
        peers = SWEEP_PEERS
        break
      case '--hours':
        base.durationSeconds = value() * 3600
        break
      case '--seed':
        base.seed = value()
        break
      case '--interval':
        base.shareIntervalSeconds = value()
        break
      case '--intervals':
        intervals = (argv[++i] ?? '').split(',').map(Number)
        break
      case '--window':
        base.windowShares = value()
        break
      case '--uncle-depth':
        base.maxUncleDepth = value()
        break
      case '--loss':
        base.extraPacketLoss = value()
        break
      case '--session-minutes':
        base.meanSessionSeconds = value() * 60
        break
      default:
        throw new RangeError(`unknown option ${flag}; see sim/README.md`)
    }
  }
  return { base, peers, intervals }
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  return process.memoryUsage().heapUsed
}

function measure(config: SimConfig): Measured {
  const before = heapUsed()
  const started = performance.now()
  const cpu = process.cpuUsage()
  const sim = new Simulation(config)
  const report = sim.run((t) =>
    process.stderr.write(
      `  ${config.peers} peers: ${t} simulated s, ${((performance.now() - started) / 1000).toFixed(0)} s wall\n`
    )
  )
  const wallSeconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  // The simulation is still referenced here: the heap holds every peer's chain view.
  const heapBytesPerPeer = (heapUsed() - before) / config.peers
  void sim.peers.length
  return { ...report, wallSeconds, cpuSeconds, heapBytesPerPeer }
}

const COLUMNS: [string, (m: Measured) => string][] = [
  ['peers', (m) => String(m.peers)],
  ['int s', (m) => String(m.shareIntervalSeconds)],
  ['shares', (m) => String(m.sharesFound)],
  ['orphan %', (m) => (100 * m.orphanRate).toFixed(2)],
  ['uncle %', (m) => (100 * m.uncleRate).toFixed(2)],
  ['stale %', (m) => (100 * m.staleRate).toFixed(2)],
  ['95% p50 ms', (m) => (1000 * m.spreadP50Seconds).toFixed(0)],
  ['95% p95 ms', (m) => (1000 * m.spreadP95Seconds).toFixed(0)],
  ['in B/s', (m) => m.bytesInPerPeerPerSecond.toFixed(0)],
  ['out B/s', (m) => m.bytesOutPerPeerPerSecond.toFixed(0)],
  ['relay out B/s', (m) => m.relayBytesOutPerSecond.toFixed(0)],
  ['quorum p50 ms', (m) => (1000 * m.quorumP50Seconds).toFixed(0)],
  ['quorum p95 ms', (m) => (1000 * m.quorumP95Seconds).toFixed(0)],
  ['agree %', (m) => (100 * m.ledgerAgreement).toFixed(1)],
  ['KB/peer', (m) => (m.heapBytesPerPeer / 1024).toFixed(0)],
  ['wall s', (m) => m.wallSeconds.toFixed(1)],
  ['cpu s', (m) => m.cpuSeconds.toFixed(1)]
]

function table(rows: Measured[]): string {
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))]
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)))
  return cells.map((row) => row.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n')
}

/** How a figure grows per 10x peers: ratio of consecutive runs' values. */
function growth(rows: Measured[]): Record<string, number[]> {
  const keys: (keyof Measured)[] = [
    'orphanRate',
    'uncleRate',
    'staleRate',
    'spreadP50Seconds',
    'spreadP95Seconds',
    'bytesInPerPeerPerSecond',
    'bytesOutPerPeerPerSecond',
    'relayBytesOutPerSecond',
    'quorumP50Seconds',
    'heapBytesPerPeer',
    'wallSeconds',
    'cpuSeconds'
  ]
  const out: Record<string, number[]> = {}
  for (const k of keys) out[k] = rows.slice(1).map((r, i) => Number(r[k]) / Number(rows[i][k]))
  return out
}

const { base, peers, intervals } = parseArgs(process.argv.slice(2))
const rows: Measured[] = []
for (const n of peers) {
  for (const interval of intervals.length
    ? intervals
    : [base.shareIntervalSeconds ?? createSimConfig({ peers: n }).shareIntervalSeconds]) {
    const m = measure(createSimConfig({ ...base, peers: n, shareIntervalSeconds: interval }))
    rows.push(m)
    process.stderr.write(`done: ${n} peers, interval ${interval} s, ${m.wallSeconds.toFixed(1)} s wall\n`)
  }
}
process.stdout.write(table(rows) + '\n')
const json = {
  runs: rows.map(({ payoutsAtTip: _, ...r }) => r),
  ...(peers.length > 1 && intervals.length <= 1 ? { growthPer10xPeers: growth(rows) } : {})
}
process.stdout.write(JSON.stringify(json) + '\n')
