// Propagation of valid shares across 50 light peers through 3 relays (each relay its own process), with
// latency simulated by delay proxies: PEER_LINK_DELAY_MS one way on every peer-relay link and
// RELAY_LINK_DELAY_MS on every relay-relay link (RTT 2x). Shares are published by random peers; latency is
// the first arrival at each of the 49 others: p50/p95, and the floor the simulated links impose
// (2 peer hops + 1 relay hop) as the baseline for ratios.
// Run: npx tsx bench/p2p-relays.bench.ts   (prints figures, last line JSON). Bounded: ~40 s, loopback only.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  startDelayProxy,
  startLightPeer,
  validateBenchShare,
  type LightPeer
} from './p2p-kit'

const RELAYS = 3
const PEERS = 50
const SHARES = 150
const SHARES_PER_SECOND = 20
/** One-way delays (ms): a browser's link to a nearby relay, and relays in different regions. */
const PEER_LINK_DELAY_MS = 10
const RELAY_LINK_DELAY_MS = 25
const MESH_SETTLE_MS = 4000
const DRAIN_MS = 1500

setLogLevel('error')

interface RelayReady {
  ready: { peerId: string; peerProxyPort: number; relayProxyPort: number }
}

async function relayChild(bootstrap: string[]): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'otedama-bench-'))
  const node = await createRelayNode(
    {
      network: 'devnet',
      dataDir,
      host: '127.0.0.1',
      tcpPort: 0,
      wsPort: 0,
      bootstrap,
      allowPrivateAddresses: true,
      inboundConnectionsPerHostPerSecond: 10_000,
      pubsubDiscovery: false
    },
    { validators: { share: (bytes) => validateBenchShare(bytes) } }
  )
  await node.start()
  const tcpPort = Number(
    node
      .multiaddrs()
      .find((a) => !a.toString().includes('/ws'))!
      .toString()
      .split('/tcp/')[1]
      .split('/')[0]
  )
  const peerProxy = await startDelayProxy(tcpPort, PEER_LINK_DELAY_MS)
  const relayProxy = await startDelayProxy(tcpPort, RELAY_LINK_DELAY_MS)
  const send = (m: unknown): void => void process.send?.(m)
  send({ ready: { peerId: node.peerId.toString(), peerProxyPort: peerProxy.port, relayProxyPort: relayProxy.port } })
  const pubsub = node.libp2p.services.pubsub as { getMeshPeers(topic: string): string[] }
  process.on('message', async (m: { sample?: boolean; stop?: boolean }) => {
    if (m.sample) {
      const metrics = node.metrics()
      send({
        sample: {
          connections: metrics.connections,
          mesh: pubsub.getMeshPeers(networkTopics('devnet').share).length,
          cpu: process.cpuUsage(),
          rssBytes: process.memoryUsage().rss
        }
      })
    }
    if (m.stop) {
      await node.stop()
      await Promise.all([peerProxy.close(), relayProxy.close()])
      await rm(dataDir, { recursive: true, force: true })
      process.exit(0)
    }
  })
}

interface RelaySample {
  connections: number
  mesh: number
  cpu: { user: number; system: number }
  rssBytes: number
}

function sample(child: ChildProcess): Promise<RelaySample> {
  const answer = once<{ sample: RelaySample }>(child, 'sample')
  child.send({ sample: true })
  return answer.then((m) => m.sample)
}

async function main(): Promise<void> {
  const self = new URL(import.meta.url).pathname
  const relays: ChildProcess[] = []
  const ready: RelayReady['ready'][] = []
  for (let r = 0; r < RELAYS; r++) {
    const bootstrap = ready.map((x) => `/ip4/127.0.0.1/tcp/${x.relayProxyPort}/p2p/${x.peerId}`)
    const child = fork(self, ['--relay-child', JSON.stringify(bootstrap)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    relays.push(child)
    ready.push((await once<RelayReady>(child, 'ready')).ready)
  }
  const peers: LightPeer[] = []
  for (let i = 0; i < PEERS; i++) {
    const relay = ready[i % RELAYS]
    peers.push(await startLightPeer(`/ip4/127.0.0.1/tcp/${relay.peerProxyPort}/p2p/${relay.peerId}`))
  }
  const arrivals = new Map<number, number[]>()
  for (const peer of peers) peer.on('share', (bytes) => arrivals.get(seqOf(bytes))?.push(performance.now()))
  await sleep(MESH_SETTLE_MS)
  const before = await Promise.all(relays.map(sample))
  console.log(
    `${RELAYS} relays (connections ${before.map((s) => s.connections).join('/')}, share mesh ${before.map((s) => s.mesh).join('/')}), ${PEERS} peers; one-way delay peer-relay ${PEER_LINK_DELAY_MS} ms, relay-relay ${RELAY_LINK_DELAY_MS} ms`
  )

  const sentAt = new Map<number, number>()
  const base = Math.floor(Math.random() * 1e9)
  const start = performance.now()
  for (let i = 0; i < SHARES; i++) {
    const seq = base + i
    const share = makeShare(seq, false)
    arrivals.set(seq, [])
    sentAt.set(seq, performance.now())
    void peers[Math.floor(Math.random() * PEERS)].publish('share', share)
    await sleep(Math.max(0, start + ((i + 1) * 1000) / SHARES_PER_SECOND - performance.now()))
  }
  await sleep(DRAIN_MS)
  const after = await Promise.all(relays.map(sample))
  const seconds = (performance.now() - start) / 1000
  const latencies: number[] = []
  for (const [seq, t0] of sentAt) for (const t of arrivals.get(seq) ?? []) latencies.push(t - t0)
  const expected = SHARES * (PEERS - 1)
  const s = spread(latencies)
  const floorMs = 2 * PEER_LINK_DELAY_MS + RELAY_LINK_DELAY_MS
  const cpu = after.map(
    (a, i) => (100 * (a.cpu.user + a.cpu.system - before[i].cpu.user - before[i].cpu.system)) / 1e6 / seconds
  )
  console.log(
    `propagation: ${describeSpread(s)}; delivered ${latencies.length}/${expected} (${((100 * latencies.length) / expected).toFixed(1)} %)`
  )
  console.log(
    `  vs the links' floor for a cross-relay path (${floorMs} ms): p50 ${(s.p50 / floorMs).toFixed(2)}x, p95 ${(s.p95 / floorMs).toFixed(2)}x`
  )
  console.log(
    `  relay CPU ${cpu.map((c) => c.toFixed(0)).join('/')} % of a core, RSS ${after.map((a) => (a.rssBytes / 2 ** 20).toFixed(0)).join('/')} MiB`
  )

  for (const relay of relays) relay.send({ stop: true })
  await Promise.all(peers.map((p) => p.stop().catch(() => undefined)))
  await Promise.all(relays.map(exited))
  console.log(
    JSON.stringify({
      relays: RELAYS,
      peers: PEERS,
      peerLinkDelayMs: PEER_LINK_DELAY_MS,
      relayLinkDelayMs: RELAY_LINK_DELAY_MS,
      propagationP50Ms: s.p50,
      propagationP95Ms: s.p95,
      propagationP99Ms: s.p99,
      deliveredPercent: +((100 * latencies.length) / expected).toFixed(2),
      p50OverLinkFloor: +(s.p50 / floorMs).toFixed(2),
      p95OverLinkFloor: +(s.p95 / floorMs).toFixed(2)
    })
  )
  process.exit(0)
}

const relayArg = process.argv.indexOf('--relay-child')
if (relayArg >= 0) void relayChild(JSON.parse(process.argv[relayArg + 1]) as string[])
else void main()
