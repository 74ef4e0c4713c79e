// Cost of the relay's monitor per second: one sample, the history write (real LevelDB), trends and
// every alert rule, with 1 000 Stratum rigs against 10 rigs measured in the same run; and the bytes
// the history writes per day and holds at most. Virtual clock: seconds are ticked back to back.
// Run: npm run bench -- monitor
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { defaultAlertsConfig } from '../relay/src/config/alerts'
import type { MetricsSnapshot, RigView } from '../relay/src/http/views'
import { historyBoundBytes, HistoryStore, Monitor, TIERS } from '../relay/src/monitor'
import { encodePoint, emptyValues } from '../relay/src/monitor/point'

const TICKS = Number(process.env.MONITOR_BENCH_TICKS ?? 600) // seconds sampled per case
const WARMUP_TICKS = 60

function rigsOf(n: number, t0: number): RigView[] {
  return Array.from({ length: n }, (_, i) => ({
    rig: `odev1q${i.toString(16).padStart(38, '0')}.rig${i}`,
    address: `odev1q${i.toString(16).padStart(38, '0')}`,
    worker: `rig${i}`,
    online: true,
    connections: 1,
    hashrateHashesPerSecond: 1e12 * (1 + (i % 7)),
    stratumDifficulty: 1024,
    acceptedPseudoShares: 0,
    rejectedPseudoShares: 0,
    sharesFound: 0,
    userAgent: 'bitaxe/2.4',
    firstSeenAtMs: t0,
    lastSeenAtMs: t0,
    lastShareAtMs: t0
  }))
}

async function measure(
  rigCount: number
): Promise<{ cpuMicrosPerTick: number; wallMicrosPerTick: number; liveBytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'otedama-monitor-bench-'))
  const db = new ClassicLevel<string, string>(join(dir, 'db'), { valueEncoding: 'utf8' })
  await db.open()
  let clock = Date.UTC(2026, 0, 1)
  const rigs = rigsOf(rigCount, clock)
  let accepted = 0
  const metrics = (): MetricsSnapshot => ({
    t: clock,
    sharesAccepted: accepted,
    sharesRejected: 0,
    poolHashrate: 5e15,
    rigs: rigs.length,
    rigHashrate: rigs.reduce((s, r) => s + r.hashrateHashesPerSecond, 0),
    peers: 8,
    sourceHealthy: true,
    blocksFound: 0,
    stratum: {
      connections: rigs.length,
      authorized: rigs.length,
      acceptedPseudoShares: accepted,
      rejectedPseudoShares: { stale: 0 },
      acceptedOnStaleTip: 0,
      sharesFound: 0,
      staleShares: 0,
      blockCandidates: 0,
      connectionsAccepted: 0,
      connectionsRefused: {},
      connectionsDropped: {},
      bans: 0,
      sinkErrors: 0
    }
  })
  const monitor = await Monitor.open({
    store: new HistoryStore(db),
    alerts: defaultAlertsConfig(),
    relayName: 'bench',
    now: () => clock,
    timer: false
  })
  monitor.start({ metrics, rigs: () => rigs, health: () => ({ healthy: true }), network: true })
  const tick = async (): Promise<void> => {
    clock += 1000
    accepted += rigs.length / 5
    for (const r of rigs) {
      r.lastShareAtMs = clock
      r.lastSeenAtMs = clock
    }
    await monitor.tick()
  }
  for (let i = 0; i < WARMUP_TICKS; i++) await tick()
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  for (let i = 0; i < TICKS; i++) await tick()
  const cpu = process.cpuUsage(cpu0)
  const wall = performance.now() - wall0
  await monitor.stop()
  const live = await new HistoryStore(db).liveBytes()
  await db.close()
  rmSync(dir, { recursive: true, force: true })
  return {
    cpuMicrosPerTick: (cpu.user + cpu.system) / TICKS,
    wallMicrosPerTick: (wall * 1000) / TICKS,
    liveBytes: live.bytes
  }
}

/** Bytes of point values the history writes in a day, and holds at most, for `rigCount` rigs with hashrate. */
function bytesFor(rigCount: number): { writtenPerDay: number; heldFull: number } {
  const point = {
    t: 0,
    values: emptyValues(),
    rigSlots: Uint16Array.from({ length: rigCount }, (_, i) => i),
    rigHashrates: new Float32Array(rigCount)
  }
  const perPoint = encodePoint(point).length + 14
  const perDay = 86_400 + 1440 + 24
  return { writtenPerDay: perDay * perPoint, heldFull: TIERS.reduce((s, t) => s + t.keep, 0) * perPoint }
}

const small = await measure(10)
const large = await measure(1000)
const mib = (b: number): string => (b / 1024 / 1024).toFixed(2)
for (const [name, m, n] of [
  ['10 rigs', small, 10],
  ['1000 rigs', large, 1000]
] as const) {
  const b = bytesFor(n)
  process.stdout.write(
    `${name.padEnd(10)} ${m.cpuMicrosPerTick.toFixed(0).padStart(7)} µs CPU per second sampled (${(m.cpuMicrosPerTick / 1e4).toFixed(3)} % of a core), ${m.wallMicrosPerTick.toFixed(0)} µs wall; history writes ${mib(b.writtenPerDay)} MiB/day, holds ${mib(b.heldFull)} MiB when full (held after ${TICKS + WARMUP_TICKS} s: ${mib(m.liveBytes)} MiB)\n`
  )
}
process.stdout.write(
  `ratio 1000/10 rigs: ${(large.cpuMicrosPerTick / small.cpuMicrosPerTick).toFixed(1)}x CPU; bound with ${2048} rig series: ${mib(historyBoundBytes())} MiB\n`
)
process.stdout.write(
  JSON.stringify({
    cpuMicrosPerSecond10Rigs: Math.round(small.cpuMicrosPerTick),
    cpuMicrosPerSecond1000Rigs: Math.round(large.cpuMicrosPerTick),
    bytesWrittenPerDay1000Rigs: bytesFor(1000).writtenPerDay,
    bytesHeld1000Rigs: bytesFor(1000).heldFull,
    boundBytes: historyBoundBytes()
  }) + '\n'
)
