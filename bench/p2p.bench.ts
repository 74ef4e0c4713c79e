// P2P flood benchmark: one relay (its own process, so its CPU and RSS are its own) with 50 peers attached.
// 1. baseline: 5 honest peers gossip valid shares through the idle relay -> propagation p50/p95.
// 2. flood: 45 of the 50 peers (their own process) are noisy (valid PoW but stale: ignored, never
//    penalised) or hostile (forged PoW: rejected, graylisted, banned) and publish as fast as they can for
//    FLOOD_SECONDS while the honest peers keep gossiping -> relay msg/s ingested+validated, relay CPU
//    (its own CPU time over wall time: the machine is shared), RSS, honest p50/p95, and where the honest
//    shares wait: publisher -> relay validator (stamped in the share), the relay's event-loop delay.
// 3. RSS of the relay with 100 idle peers connected, after a GC, and the cost per connection.
// Runs twice: flood guard off (the relay's capacity: everything reaches validation) and on (the per-peer
// gossip rate bound of @otedama/shared src/p2p/flood-guard.ts ignores excess unhashed and disconnects flooders).
// Run: npx tsx bench/p2p.bench.ts   (prints figures, last line JSON). Bounded: ~90 s, loopback only.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setLogLevel } from '@otedama/shared/log'
import { networkTopics } from '@otedama/shared/p2p'
import { createRelayNode } from '../relay/src/p2p'
import {
  describeSpread,
  exited,
  makeShare,
  once,
  seqOf,
  sleep,
  spread,
  stamp,
  stampOf,
  startLightPeer,
  validateBenchShare,
  wallNowMs,
  type LightPeer,
  type Spread
} from './p2p-kit'

const PEERS = 50
const HONEST_PEERS = 5
const EXTRA_PEERS_FOR_RSS = 50
const BASELINE_SHARES = 200
const HONEST_RATE_PER_SECOND = 50
const FLOOD_SECONDS = 5
/** Each noisy peer keeps this many publishes in flight (bounded load loop). */
const NOISY_BATCH = 64
/** Pre-mined stale shares per noisy peer (unique ids, so gossipsub's seen-cache cannot drop them unvalidated). */
const NOISY_SHARES_EACH = 3000
/** Forged shares per hostile peer, one every HOSTILE_INTERVAL_MS until it is banned. */
const HOSTILE_SHARES_EACH = 100
const HOSTILE_INTERVAL_MS = 50
/** Wait for subscriptions, GRAFTs and a few heartbeats before measuring (ms). */
const MESH_SETTLE_MS = 3000
/** Event-loop delay histogram resolution (ms). */
const LOOP_DELAY_RESOLUTION_MS = 5

setLogLevel('error')

interface RelaySample {
  received: number
  accepted: number
  rejected: number
  ignored: number
  overRate: number
  connections: number
  banned: number
  meshPeers: number
  honestInMesh: number
  cpu: { user: number; system: number }
  rssBytes: number
  heapUsedBytes: number
  at: number
  /** Honest shares: publisher's stamp -> the relay's validator (ms), since the last reset. */
  hop: Spread
  /** The relay's event-loop delay since the last reset (ms). */
  loop: { p50: number; p99: number; max: number }
  /** The longest gap between two loop ticks since the last reset, and the CPU used within it (ms). */
  stall: { wallMs: number; cpuMs: number }
}

// --- relay child process --------------------------------------------------------------------------
async function relayChild(guard: boolean): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'otedama-bench-'))
  let hops: number[] = []
  const node = await createRelayNode(
    {
      network: 'devnet',
      dataDir,
      host: '127.0.0.1',
      tcpPort: 0,
      wsPort: 0,
      allowPrivateAddresses: true,
      inboundConnectionsPerHostPerSecond: 10_000,
      maxConnections: 1000,
      floodGuard: guard ? {} : { messagesPerSecond: Infinity }
    },
    {
      validators: {
        share: (bytes) => {
          const verdict = validateBenchShare(bytes)
          if (verdict.kind === 'accept') hops.push(wallNowMs() - stampOf(bytes))
          return verdict
        }
      }
    }
  )
  await node.start()
  const loop = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS })
  loop.enable()
  // The longest stall of the loop, with the CPU the process used during it: CPU ~ wall means our own
  // work blocked the loop; CPU << wall means the shared machine did not schedule us.
  let stall = { wallMs: 0, cpuMs: 0 }
  let tick = { at: performance.now(), cpu: process.cpuUsage() }
  setInterval(() => {
    const now = { at: performance.now(), cpu: process.cpuUsage() }
    const wallMs = now.at - tick.at
    if (wallMs > stall.wallMs)
      stall = { wallMs, cpuMs: (now.cpu.user + now.cpu.system - tick.cpu.user - tick.cpu.system) / 1000 }
    tick = now
  }, LOOP_DELAY_RESOLUTION_MS).unref()
  const pubsub = node.libp2p.services.pubsub as { getMeshPeers(topic: string): string[] }
  let honest = new Set<string>()
  const send = (m: unknown): void => void process.send?.(m)
  send({
    ready: node
      .multiaddrs()
      .find((a) => !a.toString().includes('/ws'))!
      .toString()
  })
  process.on(
    'message',
    async (m: { sample?: boolean; reset?: boolean; gc?: boolean; honest?: string[]; stop?: boolean }) => {
      if (m.honest !== undefined) honest = new Set(m.honest)
      if (m.sample) {
        if (m.gc === true) globalThis.gc?.()
        const metrics = node.metrics()
        const mesh = pubsub.getMeshPeers(networkTopics('devnet').share)
        const ms = (ns: number): number => +(ns / 1e6).toFixed(1)
        const sample: RelaySample = {
          ...metrics.gossip.share,
          connections: metrics.connections,
          banned: metrics.banned,
          meshPeers: mesh.length,
          honestInMesh: mesh.filter((p) => honest.has(p)).length,
          cpu: process.cpuUsage(),
          rssBytes: process.memoryUsage().rss,
          heapUsedBytes: process.memoryUsage().heapUsed,
          at: performance.now(),
          hop: spread(hops),
          loop: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
          stall: { wallMs: +stall.wallMs.toFixed(0), cpuMs: +stall.cpuMs.toFixed(0) }
        }
        if (m.reset === true) {
          hops = []
          loop.reset()
          stall = { wallMs: 0, cpuMs: 0 }
        }
        send({ sample })
      }
      if (m.stop) {
        await node.stop()
        await rm(dataDir, { recursive: true, force: true })
        process.exit(0)
      }
    }
  )
}

// --- flood child process: the 45 hostile/noisy peers, so their load does not run on the honest peers' loop.
async function floodChild(relayAddr: string): Promise<void> {
  const attackers = PEERS - HONEST_PEERS
  const noisyCount = Math.ceil(attackers * 0.6)
  // Mine first: a blocked event loop during connection set-up would miss pings and lose the links.
  const material = Array.from({ length: noisyCount }, (_, n) =>
    Array.from({ length: NOISY_SHARES_EACH }, (_, i) => makeShare(1e12 + n * 1e6 + i, true))
  )
  const forged = Array.from({ length: attackers - noisyCount }, (_, n) =>
    Array.from({ length: HOSTILE_SHARES_EACH }, (_, i) => makeShare(2e12 + n * 1e6 + i, false, true))
  )
  const nodes: LightPeer[] = []
  for (let i = 0; i < attackers; i++) nodes.push(await startLightPeer(relayAddr))
  const noisy = nodes.slice(0, noisyCount)
  const hostile = nodes.slice(noisyCount)
  const send = (m: unknown): void => void process.send?.(m)
  send({ ready: true, hostile: hostile.length })
  const extra: LightPeer[] = []
  process.on('message', async (m: { flood?: boolean; extraPeers?: number; dropExtra?: boolean; stop?: boolean }) => {
    if (m.flood) {
      const deadline = performance.now() + FLOOD_SECONDS * 1000
      let sent = 0
      await Promise.all([
        ...noisy.map(async (node, n) => {
          for (let i = 0; performance.now() < deadline && i < NOISY_SHARES_EACH; i += NOISY_BATCH) {
            await Promise.all(material[n].slice(i, i + NOISY_BATCH).map((share) => node.publish('share', share)))
            sent += Math.min(NOISY_BATCH, NOISY_SHARES_EACH - i)
            // publish() resolves at once (no signing), so without this the noisy loops would run as one
            // chain of microtasks: no socket I/O or timers (the hostile peers' pacing) until the deadline.
            await new Promise((resolve) => setImmediate(resolve))
          }
        }),
        ...hostile.map(async (node, n) => {
          for (let i = 0; performance.now() < deadline && i < forged[n].length; i++) {
            await node.publish('share', forged[n][i])
            sent++
            await sleep(HOSTILE_INTERVAL_MS)
          }
        })
      ])
      send({ flooded: sent })
    }
    if (m.extraPeers) {
      for (let i = 0; i < m.extraPeers; i++) extra.push(await startLightPeer(relayAddr))
      send({ extra: true })
    }
    if (m.dropExtra) {
      await Promise.all(extra.splice(0).map((p) => p.stop().catch(() => undefined)))
      send({ dropped: true })
    }
    if (m.stop) {
      await Promise.all([...nodes, ...extra].map((p) => p.stop().catch(() => undefined)))
      process.exit(0)
    }
  })
}

function sampleRelay(child: ChildProcess, options: { reset?: boolean; gc?: boolean } = {}): Promise<RelaySample> {
  const answer = once<{ sample: RelaySample }>(child, 'sample')
  child.send({ sample: true, ...options })
  return answer.then((m) => m.sample)
}

/** Honest peers publish valid shares (round robin) at `rate`/s for `count`; latency = first arrival at every other honest peer. */
async function honestRound(
  honest: LightPeer[],
  count: number,
  rate: number,
  arrivals: Map<number, number[]>
): Promise<number[]> {
  const sentAt = new Map<number, number>()
  const base = Math.floor(Math.random() * 1e9)
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    const seq = base + i
    const share = stamp(makeShare(seq, false))
    sentAt.set(seq, performance.now())
    arrivals.set(seq, [])
    void honest[i % honest.length].publish('share', share)
    await sleep(Math.max(0, start + ((i + 1) * 1000) / rate - performance.now()))
  }
  await sleep(500)
  const latencies: number[] = []
  for (const [seq, t0] of sentAt) for (const t of arrivals.get(seq) ?? []) latencies.push(t - t0)
  return latencies
}

interface FloodResult {
  baseline: Spread
  underFlood: Spread
  hop: Spread
  loopP99Ms: number
  rate: number
  cpuPercent: number
  msgPerCpuSecond: number
  rssMiB: number
  banned: number
  hostile: number
  overRate: number
  rss?: {
    connections50: number
    connections100: number
    rss50: number
    rss100: number
    heap50: number
    heap100: number
  }
}

/** One relay, 50 peers (5 honest), baseline then flood; `guard` = the per-peer gossip rate bound on. */
async function floodRun(guard: boolean, measureRss: boolean): Promise<FloodResult> {
  const self = new URL(import.meta.url).pathname
  const spawn = (execArgv: string[], ...args: string[]): ChildProcess =>
    fork(self, args, { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  // OTEDAMA_BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the relay (open in Chrome DevTools).
  const profile = process.env.OTEDAMA_BENCH_CPU_PROF
  const relay = spawn(
    ['--expose-gc', ...(profile !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    '--relay-child',
    guard ? 'guard' : 'no-guard'
  )
  const relayAddr = (await once<{ ready: string }>(relay, 'ready')).ready
  const flooder = spawn([], '--flood-child', relayAddr)
  const honest: LightPeer[] = []
  for (let i = 0; i < HONEST_PEERS; i++) honest.push(await startLightPeer(relayAddr))
  relay.send({ honest: honest.map((p) => p.peerId) })
  const { hostile } = await once<{ hostile: number }>(flooder, 'ready')
  const arrivals = new Map<number, number[]>()
  for (const node of honest) node.on('share', (bytes) => arrivals.get(seqOf(bytes))?.push(performance.now()))
  const loop = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS })
  loop.enable()
  await sleep(MESH_SETTLE_MS)
  const label = guard ? 'with flood guard' : 'flood guard off (capacity)'
  const mib = (b: number): number => Math.round(b / 2 ** 20)

  let rss: FloodResult['rss']
  if (measureRss) {
    const fifty = await sampleRelay(relay, { gc: true })
    flooder.send({ extraPeers: EXTRA_PEERS_FOR_RSS })
    await once(flooder, 'extra')
    await sleep(MESH_SETTLE_MS)
    const hundred = await sampleRelay(relay, { gc: true })
    rss = {
      connections50: fifty.connections,
      connections100: hundred.connections,
      rss50: fifty.rssBytes,
      rss100: hundred.rssBytes,
      heap50: fifty.heapUsedBytes,
      heap100: hundred.heapUsedBytes
    }
    flooder.send({ dropExtra: true })
    await once(flooder, 'dropped')
    await sleep(1000)
  }

  const idle = await sampleRelay(relay, { reset: true, gc: true })
  console.log(
    `[${label}] relay with ${idle.connections} peers attached: share mesh ${idle.meshPeers} peers (${idle.honestInMesh}/${HONEST_PEERS} honest), RSS ${mib(idle.rssBytes)} MiB`
  )
  const baseline = spread(await honestRound(honest, BASELINE_SHARES, HONEST_RATE_PER_SECOND, arrivals))
  const afterBaseline = await sampleRelay(relay, { reset: true })
  console.log(`  baseline (idle relay): honest propagation ${describeSpread(baseline)}`)
  console.log(
    `    publisher -> relay validator: ${describeSpread(afterBaseline.hop)}; relay loop delay p99 ${afterBaseline.loop.p99} ms (longest stall ${afterBaseline.stall.wallMs} ms wall, ${afterBaseline.stall.cpuMs} ms CPU)`
  )

  loop.reset()
  const before = await sampleRelay(relay, { reset: true })
  flooder.send({ flood: true })
  const flooded = once<{ flooded: number }>(flooder, 'flooded')
  const underFlood = spread(
    await honestRound(honest, HONEST_RATE_PER_SECOND * (FLOOD_SECONDS - 1), HONEST_RATE_PER_SECOND, arrivals)
  )
  const after = await sampleRelay(relay, { reset: true })
  const { flooded: sent } = await flooded
  const mainLoopP99 = +(loop.percentile(99) / 1e6).toFixed(1)
  const seconds = (after.at - before.at) / 1000
  const ingested = after.received - before.received
  const cpuSeconds = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6
  const rate = ingested / seconds
  const cpuPercent = (100 * cpuSeconds) / seconds
  const msgPerCpuSecond = ingested / cpuSeconds
  console.log(
    `  flood: attackers sent ${sent}; relay ingested ${ingested} msgs in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} msg/s ` +
      `(accepted ${after.accepted - before.accepted}, ignored ${after.ignored - before.ignored} of which over-rate ${after.overRate - before.overRate}, ` +
      `rejected ${after.rejected - before.rejected}); banned ${after.banned} (hostile ${hostile}), ${after.connections} peers left`
  )
  console.log(
    `    relay CPU ${cpuSeconds.toFixed(2)} s over ${seconds.toFixed(1)} s wall = ${cpuPercent.toFixed(0)} % of a core, ` +
      `${msgPerCpuSecond.toFixed(0)} msg per CPU-second, RSS ${mib(after.rssBytes)} MiB`
  )
  console.log(
    `  honest under flood: ${describeSpread(underFlood)} (p95 ${(underFlood.p95 / baseline.p95).toFixed(2)}x baseline)`
  )
  console.log(
    `    publisher -> relay validator: ${describeSpread(after.hop)}; relay loop delay p50 ${after.loop.p50} / p99 ${after.loop.p99} / max ${after.loop.max} ms ` +
      `(longest stall ${after.stall.wallMs} ms wall, ${after.stall.cpuMs} ms CPU); ` +
      `honest peers' loop p99 ${mainLoopP99} ms; share mesh ${after.meshPeers} (${after.honestInMesh}/${HONEST_PEERS} honest)`
  )

  flooder.send({ stop: true })
  relay.send({ stop: true })
  await Promise.all(honest.map((p) => p.stop().catch(() => undefined)))
  await Promise.all([exited(relay), exited(flooder)])
  return {
    baseline,
    underFlood,
    hop: after.hop,
    loopP99Ms: after.loop.p99,
    rate,
    cpuPercent,
    msgPerCpuSecond,
    rssMiB: mib(after.rssBytes),
    banned: after.banned,
    hostile,
    overRate: after.overRate - before.overRate,
    rss
  }
}

async function main(): Promise<void> {
  const open = await floodRun(false, true)
  const guarded = await floodRun(true, false)
  const rss = open.rss!
  const added = rss.connections100 - rss.connections50
  const kibPerConnection = (rss.rss100 - rss.rss50) / 1024 / Math.max(1, added)
  const heapKibPerConnection = (rss.heap100 - rss.heap50) / 1024 / Math.max(1, added)
  const mib = (b: number): number => Math.round(b / 2 ** 20)
  console.log(
    `relay with ${rss.connections100} idle connections: RSS ${mib(rss.rss100)} MiB, heap ${mib(rss.heap100)} MiB ` +
      `(with ${rss.connections50}: RSS ${mib(rss.rss50)} MiB, heap ${mib(rss.heap50)} MiB) -> ` +
      `${kibPerConnection.toFixed(0)} KiB RSS, ${heapKibPerConnection.toFixed(0)} KiB heap per added connection`
  )
  console.log(
    `flood guard: honest p95 ${open.underFlood.p95} -> ${guarded.underFlood.p95} ms (${(guarded.underFlood.p95 / open.underFlood.p95).toFixed(2)}x), ` +
      `peers banned ${open.banned} -> ${guarded.banned}`
  )
  console.log(
    JSON.stringify({
      baselineP50Ms: guarded.baseline.p50,
      baselineP95Ms: guarded.baseline.p95,
      floodMsgPerSec: Math.round(open.rate),
      floodRelayCpuPercent: Math.round(open.cpuPercent),
      floodRelayMsgPerCpuSecond: Math.round(open.msgPerCpuSecond),
      floodRelayRssMiB: open.rssMiB,
      floodHonestP50Ms: open.underFlood.p50,
      floodHonestP95Ms: open.underFlood.p95,
      floodHonestToRelayP95Ms: open.hop.p95,
      floodRelayLoopDelayP99Ms: open.loopP99Ms,
      floodP95OverBaseline: +(open.underFlood.p95 / open.baseline.p95).toFixed(2),
      guardedFloodMsgPerSec: Math.round(guarded.rate),
      guardedFloodRelayCpuPercent: Math.round(guarded.cpuPercent),
      guardedFloodRelayMsgPerCpuSecond: Math.round(guarded.msgPerCpuSecond),
      guardedFloodHonestP50Ms: guarded.underFlood.p50,
      guardedFloodHonestP95Ms: guarded.underFlood.p95,
      guardedP95OverBaseline: +(guarded.underFlood.p95 / guarded.baseline.p95).toFixed(2),
      guardedBanned: guarded.banned,
      hostileBanned: open.banned,
      relayConnectionsForRss: rss.connections100,
      relayRssMiBWith100Peers: mib(rss.rss100),
      relayHeapMiBWith100Peers: mib(rss.heap100),
      relayRssKiBPerConnection: Math.round(kibPerConnection)
    })
  )
  process.exit(0)
}

const floodArg = process.argv.indexOf('--flood-child')
const relayArg = process.argv.indexOf('--relay-child')
if (relayArg >= 0) void relayChild(process.argv[relayArg + 1] === 'guard')
else if (floodArg >= 0) void floodChild(process.argv[floodArg + 1])
else void main()
