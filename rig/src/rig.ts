// The rig: a Stratum connection (stratum-client.ts) feeding hash threads (hash-threads.ts). Each notify
// becomes a job at the difficulty in force (cpuminer: a set_difficulty applies from the next notify);
// clean_jobs switches every thread at once, other notifies are taken up after each thread's next find
// or within the scan time. Finds are submitted unless a clean job or a reconnect made them worthless.
// It counts what a pool operator wants to know: hashrate, accepted, rejected by reason, drops.
import { createLogger } from '@otedama/shared/log'
import { Emitter } from '../../web/src/miner/events'
import type { PowAlgorithm } from '../../web/src/miner/kernels/types'
import {
  DEFAULT_SCANTIME_SECONDS,
  MAX_EXTRANONCE2_BYTES,
  MIN_EXTRANONCE2_BYTES,
  SUMMARY_INTERVAL_MS
} from './constants'
import { HashThreads, type FoundWork } from './hash-threads'
import {
  StratumClient,
  type Disconnect,
  type PoolSession,
  type StratumEndpoint,
  type SubmitOutcome
} from './stratum-client'
import type { NotifyParams } from './stratum-messages'
import { extranonce2Bytes, rigJob, submitParams, type RigJob } from './work'

const log = createLogger('rig')

export interface RigOptions {
  endpoint: StratumEndpoint
  /** Backup pools (relays), in order: a drop moves the rig to the next at once (stratum-client.ts). */
  fallbacks?: StratumEndpoint[]
  /** Payout address, optionally `.worker`. */
  user: string
  password: string
  threads: number
  algorithm: PowAlgorithm
  /** Fraction of time the threads hash, (0, 1]; default 1. */
  dutyCycle?: number
  /** cpuminer's --scantime: longest a thread stays on a job after a notify without clean_jobs (s). */
  scantimeSeconds?: number
  summaryIntervalMs?: number
  extranonceSubscribe?: boolean
}

export interface RigStats {
  threads: number
  /** Hashes per second of each thread over the last summary interval. */
  hashrates: number[]
  hashrate: number
  /** Hashes done by each thread since start. */
  totalHashes: number[]
  submitted: number
  accepted: number
  rejected: number
  /** Rejections by the pool's reason text. */
  rejectReasons: Record<string, number>
  /** Submits whose connection ended before the pool answered. */
  lost: number
  /** Finds not submitted: their job was replaced by a clean job or belonged to an earlier connection. */
  discarded: number
  /** Difficulty of the job the threads are on (undefined before the first job). */
  difficulty: number | undefined
  /** Difficulty the pool set last (applies from its next notify). */
  poolDifficulty: number | undefined
  jobs: number
  cleanJobs: number
  /** Connections that reached `mining`. */
  sessions: number
  /** Connections the pool ended while mining, not asked for by client.reconnect. */
  drops: number
  /** Connections the pool ended before mining started (refused, closed at once: what a ban looks like). */
  refusals: number
  /** Reconnects the pool asked for (client.reconnect). */
  reconnectRequests: number
  lastDisconnect: Disconnect | undefined
  connected: boolean
}

export interface RigEvents {
  summary: RigStats
  /** One pool verdict on one submit. */
  submitted: { work: FoundWork; outcome: SubmitOutcome }
  job: RigJob
  /** A hash thread began hashing the job with this sequence number. */
  switched: { thread: number; jobSeq: number }
  disconnected: Disconnect
  mining: PoolSession
}

export class Rig extends Emitter<RigEvents> {
  readonly client: StratumClient
  private readonly threads: HashThreads
  private readonly scantimeMs: number
  private session: PoolSession | undefined
  private poolDifficulty: number | undefined
  private currentJob: RigJob | undefined
  private jobSeq = 0
  /** Finds of jobs below this sequence number are not submitted (a clean job or a new connection came). */
  private firstLiveSeq = 1
  private summaryTimer: NodeJS.Timeout | undefined
  private readonly stats: Omit<
    RigStats,
    'threads' | 'hashrates' | 'hashrate' | 'totalHashes' | 'difficulty' | 'poolDifficulty' | 'connected'
  > = {
    submitted: 0,
    accepted: 0,
    rejected: 0,
    rejectReasons: {},
    lost: 0,
    discarded: 0,
    jobs: 0,
    cleanJobs: 0,
    sessions: 0,
    drops: 0,
    refusals: 0,
    reconnectRequests: 0,
    lastDisconnect: undefined
  }

  private lastHashrates: number[]

  constructor(private readonly options: RigOptions) {
    super()
    this.threads = new HashThreads({
      threads: options.threads,
      algorithm: options.algorithm,
      dutyCycle: options.dutyCycle ?? 1
    })
    this.lastHashrates = new Array<number>(options.threads).fill(0)
    this.scantimeMs = (options.scantimeSeconds ?? DEFAULT_SCANTIME_SECONDS) * 1000
    this.client = new StratumClient({
      endpoint: options.endpoint,
      fallbacks: options.fallbacks,
      user: options.user,
      password: options.password,
      extranonceSubscribe: options.extranonceSubscribe
    })
    this.wire()
  }

  /** Starts the hash threads (kernels loaded), then connects. */
  async start(): Promise<void> {
    await this.threads.start()
    log.info(
      `${this.options.threads} ${this.options.algorithm} thread(s), WASM ${this.threads.simd ? 'SIMD' : 'scalar'} kernel; pool ${this.client.pools.map((p) => `${p.host}:${p.port}`).join(', then ')} as ${this.options.user}`
    )
    this.client.start()
    this.summaryTimer = setInterval(
      () => this.emit('summary', this.sample()),
      this.options.summaryIntervalMs ?? SUMMARY_INTERVAL_MS
    )
  }

  async stop(): Promise<void> {
    clearInterval(this.summaryTimer)
    this.client.stop()
    await this.threads.stop()
  }

  /** Counters now (hashrates as of the last summary). */
  snapshot(): RigStats {
    return this.withRates(this.lastHashrates)
  }

  /** Takes a hashrate sample (per thread, since the previous one) and returns the counters. */
  sample(): RigStats {
    this.lastHashrates = this.threads.sampleHashrates()
    return this.withRates(this.lastHashrates)
  }

  private withRates(hashrates: number[]): RigStats {
    return {
      ...this.stats,
      rejectReasons: { ...this.stats.rejectReasons },
      threads: this.options.threads,
      hashrates,
      hashrate: hashrates.reduce((a, b) => a + b, 0),
      totalHashes: this.threads.totalHashes(),
      difficulty: this.currentJob?.difficulty,
      poolDifficulty: this.poolDifficulty,
      connected: this.client.mining
    }
  }

  private wire(): void {
    const c = this.client
    c.on('connecting', (e) => log.info(`connecting to ${e.host}:${e.port} (attempt ${e.attempt})`))
    c.on('session', (s) => {
      if (s.extranonce2Size < MIN_EXTRANONCE2_BYTES || s.extranonce2Size > MAX_EXTRANONCE2_BYTES) {
        log.error(
          `pool's extranonce2 size ${s.extranonce2Size} is outside ${MIN_EXTRANONCE2_BYTES}..${MAX_EXTRANONCE2_BYTES} bytes: cannot mine`
        )
        c.stop()
        return
      }
      this.session = s
    })
    c.on('authorized', () => {
      this.stats.sessions++
      log.info(`authorized as ${this.options.user}`)
      if (this.session !== undefined) this.emit('mining', this.session)
    })
    c.on('unauthorized', (e) => log.error(`the pool refused ${e.user}: ${e.error.message}`))
    c.on('difficulty', (d) => {
      if (d !== this.poolDifficulty) log.info(`pool difficulty ${formatDifficulty(d)}`)
      this.poolDifficulty = d
    })
    c.on('notify', (n) => this.onNotify(n))
    c.on('extranonce', (x) => {
      if (this.session === undefined) return
      log.info(
        `pool set extranonce1 ${Buffer.from(x.extranonce1).toString('hex')} (extranonce2 ${x.extranonce2Size} bytes)`
      )
      this.session = { ...this.session, extranonce1: x.extranonce1, extranonce2Size: x.extranonce2Size }
      // Jobs so far were for the old extranonce1: stop until the pool's next notify.
      this.firstLiveSeq = this.jobSeq + 1
      this.currentJob = undefined
      this.threads.idle()
    })
    c.on('message', (text) => log.info(`pool says: ${text}`))
    c.on('disconnected', (d) => this.onDisconnected(d))
    c.on('reconnecting', (r) => log.info(`reconnecting to ${r.host}:${r.port} in ${(r.delayMs / 1000).toFixed(1)} s`))
    this.threads.on('found', (f) => {
      void this.onFound(f)
    })
    this.threads.on('switched', (s) => this.emit('switched', s))
    this.threads.on('warning', (w) => log.warn(`thread ${w.thread}: ${w.message}`))
    this.threads.on('failed', (f) => log.error(`thread ${f.thread} stopped: ${f.message}`))
  }

  private onNotify(n: NotifyParams): void {
    const session = this.session
    if (session === undefined) return
    const difficulty = this.poolDifficulty ?? 1
    const job = rigJob(++this.jobSeq, n, session, difficulty, this.options.algorithm)
    // The first job of a connection replaces whatever the threads had: treat it as clean.
    const clean = n.clean || this.currentJob === undefined
    if (clean) this.firstLiveSeq = job.seq
    this.stats.jobs++
    if (n.clean) this.stats.cleanJobs++
    this.currentJob = job
    this.threads.setJob({ ...job, clean }, clean ? 0 : Date.now() + this.scantimeMs)
    this.emit('job', job)
  }

  private onDisconnected(d: Disconnect): void {
    this.stats.lastDisconnect = d
    if (d.requested) this.stats.reconnectRequests++
    else if (d.byPool && d.stage === 'mining') this.stats.drops++
    else if (d.byPool) this.stats.refusals++
    const level = d.byPool && !d.requested ? 'warn' : 'info'
    log[level](`disconnected (${d.stage}): ${d.reason}`)
    this.currentJob = undefined
    this.firstLiveSeq = this.jobSeq + 1
    this.threads.idle()
    this.emit('disconnected', d)
  }

  private async onFound(work: FoundWork): Promise<void> {
    if (work.job.seq < this.firstLiveSeq || !this.client.mining) {
      this.stats.discarded++
      return
    }
    this.stats.submitted++
    const xn2 = extranonce2Bytes(work.extranonce2, work.job.extranonce2Size)
    const outcome = await this.client.submit(submitParams(this.options.user, work.job, xn2, work.nonce))
    if (outcome.kind === 'accepted') this.stats.accepted++
    else if (outcome.kind === 'lost') this.stats.lost++
    else {
      this.stats.rejected++
      this.stats.rejectReasons[outcome.reason] = (this.stats.rejectReasons[outcome.reason] ?? 0) + 1
    }
    this.emit('submitted', { work, outcome })
  }
}

/** A difficulty for people: 3 significant digits, exponent form for tiny ones. */
export function formatDifficulty(d: number): string {
  if (d >= 0.001 && d < 1e6) return Number(d.toPrecision(3)).toString()
  return d.toExponential(2)
}
