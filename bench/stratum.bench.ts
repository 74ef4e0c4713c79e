// Stratum server under simulated rigs on loopback: 100 / 1 000 / 5 000 connections, each submitting
// one real pseudo-share (real sha256d PoW at a tiny difficulty, fully verified by the server) about
// every 3 s (p2poolv2's load-test rate), while a new share-chain tip arrives every 5 s (notify
// without clean_jobs: the race that gave ckpool 27 % stale-job errors at 5 000 rigs).
// Figures: submit latency p50/p99 (client write -> reply), submits/s, server RSS (the server runs
// in a child process so its RSS is its own), rejects by reason. Ratios against the 100-rig level.
// Run: npx tsx bench/stratum.bench.ts [levels, e.g. 100,1000]   (JSON last line)
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

const LEVELS = (process.argv[2] ?? '100,1000,5000').split(',').map(Number)
/** Mean seconds between one rig's submits (p2poolv2 load tests: one share per 3 s per miner). */
const SUBMIT_INTERVAL_S = 3
/** Measured seconds per level (bounded load loop). */
const MEASURE_S = Number(process.env.OTEDAMA_BENCH_SECONDS ?? 15)
/** A new share-chain tip (clean_jobs=false notify to every rig) every this many ms. */
const TIP_INTERVAL_MS = 5_000
/** Connections opened concurrently while ramping up. */
const CONNECT_BATCH = 200
const FD_HEADROOM = 512

// --- server child ------------------------------------------------------------------------------
async function runServer(): Promise<void> {
  const { StratumServer } = await import('../relay/src/stratum')
  const { makeTestWork, TestJobSource, devnet } = await import('../relay/test/stratum/work')
  const { setLogLevel } = await import('@otedama/shared/log')
  setLogLevel('warn')
  let work = makeTestWork({ shareTarget: 0xffffn << 208n }) // share difficulty 1: the share sink is rarely hit
  const source = new TestJobSource(work)
  const server = new StratumServer({
    chain: devnet,
    jobSource: source,
    shareSink: { submitShare: () => {} },
    params: {
      host: '127.0.0.1',
      port: 0,
      startDifficulty: 2 ** -32,
      minDifficulty: 2 ** -32,
      maxDifficulty: 2 ** -26,
      maxConnections: 20_000,
      maxConnectionsPerIp: 20_000,
      idleBeforeAuthorizeMs: 120_000
    }
  })
  const { port } = await server.start()
  const tips = setInterval(() => {
    work = makeTestWork({ prevHash: work.prevHash, height: work.height, shareTarget: work.shareTarget })
    source.push(work)
  }, TIP_INTERVAL_MS)
  const { monitorEventLoopDelay } = await import('node:perf_hooks')
  const loopDelay = monitorEventLoopDelay({ resolution: 1 })
  loopDelay.enable()
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'mark') {
      loopDelay.reset()
      process.send?.({ cpuUs: process.cpuUsage().user + process.cpuUsage().system, accepted: server.counters.accepted })
    }
    if (m.cmd === 'stats') {
      process.send?.({
        rss: process.memoryUsage().rss,
        counters: server.counters,
        connections: server.metrics().connections,
        cpuUs: process.cpuUsage().user + process.cpuUsage().system,
        accepted: server.counters.accepted,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6
      })
    }
    if (m.cmd === 'stop') {
      clearInterval(tips)
      void server.stop(undefined, 0).then(() => process.exit(0))
    }
  })
  // The bench process went away: do not linger.
  process.on('disconnect', () => process.exit(0))
  process.send?.({ port })
}

// --- load generator ----------------------------------------------------------------------------
interface Job {
  id: string
  prev: Buffer
  coinb1: string
  coinb2: string
  branches: Buffer[]
  version: number
  nbits: number
  ntime: number
}

class SimRig {
  private buf = ''
  xn1 = ''
  job: Job | undefined
  difficulty = 1
  pending = new Map<number, number>()
  private nextId = 10
  private xn2 = 0
  ready: Promise<void>
  private onReady!: () => void

  constructor(
    readonly socket: Socket,
    readonly user: string,
    readonly stats: Stats
  ) {
    this.ready = new Promise((resolve) => {
      this.onReady = resolve
    })
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => this.onData(d))
    socket.on('error', () => {})
    socket.write(
      `{"id":1,"method":"mining.subscribe","params":["simrig/1"]}\n{"id":2,"method":"mining.authorize","params":["${user}","x"]}\n`
    )
  }

  submit(): void {
    const job = this.job
    if (job === undefined) return
    const xn2 = (this.xn2++).toString(16).padStart(8, '0')
    const header = Buffer.alloc(80)
    let root = dsha(Buffer.from(job.coinb1 + this.xn1 + xn2 + job.coinb2, 'hex'))
    for (const b of job.branches) root = dsha(Buffer.concat([root, b]))
    header.writeUInt32LE(job.version, 0)
    job.prev.copy(header, 4)
    root.copy(header, 36)
    header.writeUInt32LE(job.ntime, 68)
    header.writeUInt32LE(job.nbits, 72)
    const target = (0xffffn << 208n) * BigInt(Math.round(1 / this.difficulty))
    let nonce = 0
    for (; ; nonce++) {
      header.writeUInt32LE(nonce, 76)
      const h = dsha(header)
      if (BigInt(`0x${Buffer.from(h).reverse().toString('hex')}`) <= target) break
    }
    const id = this.nextId++
    this.pending.set(id, performance.now())
    this.socket.write(
      `{"id":${id},"method":"mining.submit","params":["${this.user}","${job.id}","${xn2}","${job.ntime.toString(16)}","${nonce.toString(16).padStart(8, '0')}"]}\n`
    )
  }

  private onData(d: string): void {
    this.buf += d
    let nl: number
    while ((nl = this.buf.indexOf('\n')) !== -1) {
      const line = this.buf.slice(0, nl)
      this.buf = this.buf.slice(nl + 1)
      const m = JSON.parse(line) as {
        id: unknown
        method?: string
        params?: unknown[]
        result?: unknown
        error?: unknown
      }
      if (m.id === 1) this.xn1 = (m.result as [unknown, string])[1]
      else if (m.method === 'mining.set_difficulty') this.difficulty = (m.params as number[])[0]
      else if (m.method === 'mining.notify') {
        const p = m.params as [string, string, string, string, string[], string, string, string]
        const prev = Buffer.from(p[1], 'hex')
        for (let i = 0; i < 32; i += 4) prev.subarray(i, i + 4).reverse()
        this.job = {
          id: p[0],
          prev,
          coinb1: p[2],
          coinb2: p[3],
          branches: p[4].map((b) => Buffer.from(b, 'hex')),
          version: parseInt(p[5], 16),
          nbits: parseInt(p[6], 16),
          ntime: parseInt(p[7], 16)
        }
        this.onReady()
      } else if (typeof m.id === 'number' && this.pending.has(m.id)) {
        const t0 = this.pending.get(m.id) as number
        this.pending.delete(m.id)
        if (!this.stats.measuring) continue
        this.stats.latencies.push(performance.now() - t0)
        if (m.result === true) this.stats.accepted++
        else
          this.stats.rejects[String((m.error as unknown[])?.[1])] =
            (this.stats.rejects[String((m.error as unknown[])?.[1])] ?? 0) + 1
      }
    }
  }
}

interface Stats {
  measuring: boolean
  latencies: number[]
  accepted: number
  rejects: Record<string, number>
}

function dsha(b: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(b).digest()).digest()
}

async function startServerChild(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--server'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)))
  return { child, port }
}

interface ServerStats {
  rss: number
  connections: number
  cpuUs: number
  accepted: number
  loopDelayP99Ms: number
}

async function ask(child: ChildProcess, cmd = 'stats'): Promise<ServerStats> {
  child.send({ cmd })
  return await new Promise((resolve) => child.once('message', resolve as (m: unknown) => void))
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

async function runLevel(rigCount: number): Promise<Record<string, number>> {
  const { child, port } = await startServerChild()
  const stats: Stats = { measuring: false, latencies: [], accepted: 0, rejects: {} }
  const rigs: SimRig[] = []
  const { testAddress } = await import('../relay/test/stratum/harness')
  const users = Array.from({ length: 64 }, (_, i) => `${testAddress(i + 1)}.w`)
  for (let i = 0; i < rigCount; i += CONNECT_BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(CONNECT_BATCH, rigCount - i) }, async (_, j) => {
        const socket = connect({ host: '127.0.0.1', port, noDelay: true })
        await new Promise((resolve, reject) => {
          socket.once('connect', resolve)
          socket.once('error', reject)
        })
        return new SimRig(socket, users[(i + j) % users.length], stats)
      })
    )
    rigs.push(...batch)
  }
  await Promise.all(rigs.map(async (r) => await r.ready))
  const idleRss = (await ask(child)).rss
  // Each rig submits at a random phase, then every ~SUBMIT_INTERVAL_S (jittered so load is smooth).
  const timers = rigs.map((r) => {
    const tick = (): void => {
      r.submit()
      timer.t = setTimeout(tick, SUBMIT_INTERVAL_S * 1000 * (0.5 + Math.random()))
    }
    const timer = { t: setTimeout(tick, Math.random() * SUBMIT_INTERVAL_S * 1000) }
    return timer
  })
  await new Promise((resolve) => setTimeout(resolve, SUBMIT_INTERVAL_S * 1000)) // warm-up
  const mark = await ask(child, 'mark')
  stats.measuring = true
  const t0 = performance.now()
  await new Promise((resolve) => setTimeout(resolve, MEASURE_S * 1000))
  stats.measuring = false
  const seconds = (performance.now() - t0) / 1000
  const server = await ask(child)
  for (const t of timers) clearTimeout(t.t)
  for (const r of rigs) r.socket.destroy()
  child.send({ cmd: 'stop' })
  await new Promise((resolve) => child.once('exit', resolve))
  const sorted = stats.latencies.sort((a, b) => a - b)
  const staleErrors = (stats.rejects['Stale job'] ?? 0) + (stats.rejects['Job not found'] ?? 0)
  const result = {
    rigs: rigCount,
    submits: sorted.length,
    submitsPerSecond: Math.round(sorted.length / seconds),
    p50Ms: Number(percentile(sorted, 0.5).toFixed(3)),
    p99Ms: Number(percentile(sorted, 0.99).toFixed(3)),
    maxMs: Number((sorted.at(-1) ?? NaN).toFixed(3)),
    accepted: stats.accepted,
    rejected: sorted.length - stats.accepted,
    staleJobErrors: staleErrors,
    serverRssMB: Math.round(server.rss / 2 ** 20),
    /** Server CPU (user+system) per accepted submit, including notifies and timers: load-independent cost. */
    serverCpuUsPerSubmit: Math.round((server.cpuUs - mark.cpuUs) / Math.max(1, server.accepted - mark.accepted)),
    /** p99 of the server's event-loop delay: how long a reply can wait behind other work in the server itself. */
    serverLoopDelayP99Ms: Number(server.loopDelayP99Ms.toFixed(2)),
    loadAverage1m: Number(os.loadavg()[0].toFixed(1)),
    serverIdleRssMB: Math.round(idleRss / 2 ** 20)
  }
  console.log(
    `${rigCount} rigs: ${result.submitsPerSecond} submits/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms, ` +
      `stale-job errors ${staleErrors}, other rejects ${JSON.stringify(stats.rejects)}, server RSS ${result.serverRssMB} MB (idle ${result.serverIdleRssMB} MB), ` +
      `server CPU ${result.serverCpuUsPerSubmit} us/submit, server loop delay p99 ${result.serverLoopDelayP99Ms} ms, load average ${result.loadAverage1m} on ${os.cpus().length} CPUs`
  )
  return result
}

async function runBench(): Promise<void> {
  const needFds = 2 * Math.max(...LEVELS) + FD_HEADROOM
  const limit = Number(spawnSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim())
  if (Number.isFinite(limit) && limit < needFds && process.env.OTEDAMA_BENCH_REEXEC === undefined) {
    // Raise the open-files limit for this process tree (a child of bash inherits it), then re-run.
    const res = spawnSync(
      'bash',
      [
        '-c',
        `ulimit -n ${needFds} && exec "${process.execPath}" --import tsx "${fileURLToPath(import.meta.url)}" ${LEVELS.join(',')}`
      ],
      { stdio: 'inherit', env: { ...process.env, OTEDAMA_BENCH_REEXEC: '1' } }
    )
    process.exit(res.status ?? 1)
  }
  const results: Array<Record<string, number>> = []
  for (const n of LEVELS) results.push(await runLevel(n))
  const base = results[0]
  const figures: Record<string, number> = {}
  for (const r of results) {
    const k = `rigs${r.rigs}`
    for (const [name, v] of Object.entries(r)) if (name !== 'rigs') figures[`${k}_${name}`] = v
    figures[`${k}_p99VsBaseline`] = Number((r.p99Ms / base.p99Ms).toFixed(2))
  }
  console.log(
    'goals: p99 < 2 ms at 1 000 rigs, 0 stale-job errors from races, server RSS < 256 MB at 1 000 rigs (baseline = first level)'
  )
  console.log(JSON.stringify(figures))
}

// Last: classes above must be initialised before either mode runs.
if (process.argv[2] === '--server') await runServer()
else await runBench()
