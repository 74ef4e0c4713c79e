// P2P benchmark: one relay (its own process, so its CPU and RSS are its own) with 50 peers attached.
// 1. baseline: honest peers gossip valid shares through the idle relay -> propagation p50/p95.
// 2. flood: 45 of the 50 peers are hostile (forged PoW, rejected, graylisted) or noisy (valid PoW but
//    stale: ignored, never penalised) and publish as fast as they can for FLOOD_SECONDS, while the 5
//    honest peers keep gossiping -> relay messages/s ingested+validated, CPU, RSS, honest p95.
// 3. RSS of the relay with 100 peers connected.
// Run: npx tsx bench/p2p.bench.ts   (prints figures, last line JSON). Bounded: ~30 s, loopback only.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setLogLevel } from '../shared/src/log'
import { ACCEPT, ignore, reject, SHARE_HEADER_OFFSET, type Verdict } from '../shared/src/p2p'
import { sha256d } from '../shared/src/primitives/hash'
import { createRelayNode, type RelayNode } from '../relay/src/p2p'
import '../relay/src/p2p/shims'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PeerId } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { createGossipScorePolicy, GossipRouter, networkTopics, sharedGossipOptions, type PubSubLike } from '../shared/src/p2p'

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
const HEADER_BYTES = 80
const STALE_FLAG_OFFSET = SHARE_HEADER_OFFSET + HEADER_BYTES // payload byte 0: 1 = stale share
const SHARE_BYTES = SHARE_HEADER_OFFSET + HEADER_BYTES + 400 // ~ a real share (~620 B)

setLogLevel('error')

// --- bench shares: real sha256d PoW under a 1/16 target (hash's top nibble zero), so making 100k costs
// ~1.6M hashes; the validator checks size, version, the hash, then the stale flag (cheapest first).
function meets(header: Uint8Array): boolean {
  return sha256d(header)[31] < 16
}

function makeShare(seq: number, stale: boolean, forged = false): Uint8Array {
  const share = new Uint8Array(SHARE_BYTES)
  share[0] = 1
  share[STALE_FLAG_OFFSET] = stale ? 1 : 0
  const header = share.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES)
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES)
  view.setFloat64(4, seq)
  view.setFloat64(12, Math.random())
  for (let nonce = 0; ; nonce++) {
    view.setUint32(76, nonce, true)
    if (meets(header) !== forged) return share
  }
}

function validateBenchShare(bytes: Uint8Array): Verdict {
  if (bytes.length < STALE_FLAG_OFFSET + 1 || bytes.length > 4096) return reject('size')
  if (bytes[0] !== 1) return reject('version')
  if (!meets(bytes.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES))) return reject('pow')
  if (bytes[STALE_FLAG_OFFSET] === 1) return ignore('stale')
  return ACCEPT
}

async function startRelay(bootstrap: string[] = [], pubsubDiscovery = true): Promise<{ node: RelayNode; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'otedama-bench-'))
  const node = await createRelayNode(
    { network: 'devnet', dataDir, host: '127.0.0.1', tcpPort: 0, wsPort: 0, bootstrap, allowPrivateAddresses: true, inboundConnectionsPerHostPerSecond: 10_000, maxConnections: 1000, pubsubDiscovery },
    { validators: { share: (bytes) => validateBenchShare(bytes) } }
  )
  await node.start()
  return { node, dataDir }
}

/** A light peer, as a browser is to the relay: one link to the relay, gossipsub under the shared policy. */
interface LightPeer {
  publishShare(bytes: Uint8Array): Promise<number>
  onShare(handler: (bytes: Uint8Array) => void): void
  stop(): Promise<void>
}

async function startPeer(relayAddr: string): Promise<LightPeer> {
  const topics = networkTopics('devnet')
  const policy = createGossipScorePolicy()
  const node = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ ...sharedGossipOptions(topics, policy), doPX: false }) }
  })
  const router = new GossipRouter<PeerId>({
    pubsub: node.services.pubsub as unknown as PubSubLike<PeerId>,
    topics,
    validators: { share: (bytes) => validateBenchShare(bytes) },
    graylistThreshold: policy.graylistThreshold
  })
  router.start()
  await node.dial(multiaddr(relayAddr))
  return {
    publishShare: (bytes) => router.publish('share', bytes),
    onShare: (handler) => void router.on('share', handler),
    async stop() {
      router.stop()
      await node.stop()
    }
  }
}

// --- relay child process --------------------------------------------------------------------------
async function relayChild(): Promise<void> {
  const { node, dataDir } = await startRelay()
  const send = (m: unknown): void => void process.send?.(m)
  send({ ready: node.multiaddrs().find((a) => !a.toString().includes('/ws'))!.toString() })
  process.on('message', async (m: { sample?: boolean; stop?: boolean }) => {
    if (m.sample) {
      const metrics = node.metrics()
      send({ sample: { ...metrics.gossip.share, connections: metrics.connections, banned: metrics.banned, cpu: process.cpuUsage(), rssBytes: process.memoryUsage().rss, at: performance.now() } })
    }
    if (m.stop) {
      await node.stop()
      await rm(dataDir, { recursive: true, force: true })
      process.exit(0)
    }
  })
}

// --- flood child process: the 45 hostile/noisy peers, so their load does not run on the honest peers' loop.
async function floodChild(relayAddr: string): Promise<void> {
  const attackers = PEERS - HONEST_PEERS
  const nodes: LightPeer[] = []
  for (let i = 0; i < attackers; i++) nodes.push(await startPeer(relayAddr))
  const noisy = nodes.slice(0, Math.ceil(attackers * 0.6))
  const hostile = nodes.slice(noisy.length)
  const material = noisy.map((_, n) => Array.from({ length: NOISY_SHARES_EACH }, (_, i) => makeShare(1e12 + n * 1e6 + i, true)))
  const forged = hostile.map((_, n) => Array.from({ length: 100 }, (_, i) => makeShare(2e12 + n * 1e6 + i, false, true)))
  const send = (m: unknown): void => void process.send?.(m)
  await sleep(2000)
  send({ ready: true, hostile: hostile.length })
  process.on('message', async (m: { flood?: boolean; extraPeers?: number; stop?: boolean }) => {
    if (m.flood) {
      const deadline = performance.now() + FLOOD_SECONDS * 1000
      let sent = 0
      await Promise.all([
        ...noisy.map(async (node, n) => {
          for (let i = 0; performance.now() < deadline && i < NOISY_SHARES_EACH; i += NOISY_BATCH) {
            await Promise.all(material[n].slice(i, i + NOISY_BATCH).map((share) => node.publishShare(share)))
            sent += Math.min(NOISY_BATCH, NOISY_SHARES_EACH - i)
          }
        }),
        ...hostile.map(async (node, n) => {
          for (let i = 0; performance.now() < deadline && i < forged[n].length; i++) {
            await node.publishShare(forged[n][i])
            sent++
            await sleep(50)
          }
        })
      ])
      send({ flooded: sent })
    }
    if (m.extraPeers) {
      for (let i = 0; i < m.extraPeers; i++) nodes.push(await startPeer(relayAddr))
      send({ extra: true })
    }
    if (m.stop) {
      await Promise.all(nodes.map((p) => p.stop().catch(() => undefined)))
      process.exit(0)
    }
  })
}

function once<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: Record<string, unknown>): void => {
      if (key in m) {
        child.off('message', onMessage)
        resolve(m as T)
      }
    }
    child.on('message', onMessage)
  })
}

interface Sample {
  received: number
  accepted: number
  rejected: number
  ignored: number
  connections: number
  banned: number
  cpu: { user: number; system: number }
  rssBytes: number
  at: number
}

function ask(child: ChildProcess): Promise<Sample> {
  return new Promise((resolve) => {
    const onMessage = (m: { sample?: Sample }): void => {
      if (m.sample) {
        child.off('message', onMessage)
        resolve(m.sample)
      }
    }
    child.on('message', onMessage)
    child.send({ sample: true })
  })
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Honest peers publish valid shares (round robin) at `rate`/s for `count`; latency = first arrival at every other honest peer. */
async function honestRound(honest: LightPeer[], count: number, rate: number, arrivals: Map<number, number[]>): Promise<number[]> {
  const sentAt = new Map<number, number>()
  const base = Math.floor(Math.random() * 1e9)
  for (let i = 0; i < count; i++) {
    const seq = base + i
    const share = makeShare(seq, false)
    sentAt.set(seq, performance.now())
    arrivals.set(seq, [])
    void honest[i % honest.length].publishShare(share)
    await sleep(1000 / rate)
  }
  await sleep(500)
  const latencies: number[] = []
  for (const [seq, t0] of sentAt) for (const t of arrivals.get(seq) ?? []) latencies.push(t - t0)
  return latencies.sort((a, b) => a - b)
}

async function main(): Promise<void> {
  const self = new URL(import.meta.url).pathname
  const spawn = (...args: string[]): ChildProcess => fork(self, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const relay = spawn('--relay-child')
  const relayAddr = (await once<{ ready: string }>(relay, 'ready')).ready
  const flooder = spawn('--flood-child', relayAddr)
  const honestPeers: LightPeer[] = []
  for (let i = 0; i < HONEST_PEERS; i++) honestPeers.push(await startPeer(relayAddr))
  const { hostile } = await once<{ hostile: number }>(flooder, 'ready')
  const honest = honestPeers
  const arrivals = new Map<number, number[]>()
  for (const node of honest) {
    node.onShare((bytes) => {
      const seq = new DataView(bytes.buffer, bytes.byteOffset + SHARE_HEADER_OFFSET).getFloat64(4)
      arrivals.get(seq)?.push(performance.now())
    })
  }
  await sleep(3000) // subscriptions and a heartbeat or two for the mesh
  const idle = await ask(relay)

  const baseline = await honestRound(honest, BASELINE_SHARES, HONEST_RATE_PER_SECOND, arrivals)
  console.log(`baseline (${idle.connections} peers, idle relay): ${baseline.length} deliveries, p50 ${percentile(baseline, 0.5).toFixed(1)} ms, p95 ${percentile(baseline, 0.95).toFixed(1)} ms`)

  const before = await ask(relay)
  flooder.send({ flood: true })
  const flooded = once<{ flooded: number }>(flooder, 'flooded')
  const underFlood = await honestRound(honest, HONEST_RATE_PER_SECOND * (FLOOD_SECONDS - 1), HONEST_RATE_PER_SECOND, arrivals)
  const after = await ask(relay)
  const { flooded: sent } = await flooded
  const seconds = (after.at - before.at) / 1000
  const ingested = after.received - before.received
  const cpuSeconds = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6
  const rate = ingested / seconds
  console.log(
    `flood: attackers sent ${sent}; relay ingested+validated ${ingested} msgs in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} msg/s ` +
      `(accepted ${after.accepted - before.accepted}, ignored ${after.ignored - before.ignored}, rejected ${after.rejected - before.rejected}), ` +
      `hostile banned ${after.banned}/${hostile}, relay CPU ${((100 * cpuSeconds) / seconds).toFixed(0)} %, RSS ${(after.rssBytes / 2 ** 20).toFixed(0)} MiB`
  )
  console.log(`honest under flood: ${underFlood.length} deliveries, p50 ${percentile(underFlood, 0.5).toFixed(1)} ms, p95 ${percentile(underFlood, 0.95).toFixed(1)} ms`)

  flooder.send({ extraPeers: EXTRA_PEERS_FOR_RSS })
  await once(flooder, 'extra')
  await sleep(2000)
  const hundred = await ask(relay)
  console.log(`relay with ${hundred.connections} connections: RSS ${(hundred.rssBytes / 2 ** 20).toFixed(0)} MiB (with ${idle.connections} idle: ${(idle.rssBytes / 2 ** 20).toFixed(0)} MiB)`)

  flooder.send({ stop: true })
  relay.send({ stop: true })
  await Promise.all(honestPeers.map((p) => p.stop().catch(() => undefined)))
  await Promise.all([relay, flooder].map((c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null)))))
  console.log(
    JSON.stringify({
      baselineP50Ms: +percentile(baseline, 0.5).toFixed(2),
      baselineP95Ms: +percentile(baseline, 0.95).toFixed(2),
      floodMsgPerSec: Math.round(rate),
      floodRelayCpuPercent: Math.round((100 * cpuSeconds) / seconds),
      floodRelayRssMiB: Math.round(after.rssBytes / 2 ** 20),
      floodHonestP50Ms: +percentile(underFlood, 0.5).toFixed(2),
      floodHonestP95Ms: +percentile(underFlood, 0.95).toFixed(2),
      floodP95OverBaseline: +(percentile(underFlood, 0.95) / percentile(baseline, 0.95)).toFixed(2),
      hostileBanned: after.banned,
      relayConnectionsForRss: hundred.connections,
      relayRssMiBWith100Peers: Math.round(hundred.rssBytes / 2 ** 20)
    })
  )
  process.exit(0)
}

const floodArg = process.argv.indexOf('--flood-child')
if (process.argv.includes('--relay-child')) void relayChild()
else if (floodArg >= 0) void floodChild(process.argv[floodArg + 1])
else void main()
