// The Stratum v1 server: the connection base (line-server.ts) with a session per rig, jobs from the
// JobSource broadcast on every new block / share-chain tip / refresh, the timed duties (vardiff,
// refresh, keepalive), extranonce1 allocation with resume, and graceful drain.
import { createLogger } from '@otedama/shared/log'
import { difficultyToTarget } from '@otedama/shared/primitives'
import { EXTRANONCE2_BYTES } from '@otedama/shared/sharechain'
import { OWN_SHARES_PER_INTERVAL } from '@otedama/shared/sharechain'
import { BanList, type BanStore } from './ban-list'
import { DRAIN_TIMEOUT_MS, MAX_RESUMABLE_SESSIONS, RECONNECT_WAIT_SECONDS, SESSION_RESUME_WINDOW_MS } from './constants'
import { JobBook, type WorkEpoch } from './jobs'
import { LineServer, type DropReason } from './line-server'
import {
  createCounters,
  RigLedger,
  type RigInfo,
  type RigRecord,
  type StratumCounters,
  type StratumMetrics
} from './metrics'
import { feeMessage, OperatorFee } from './operator-fee'
import { createStratumParams, StratumConfigError, type StratumChain, type StratumParams } from './params'
import { StratumSession, type SessionHost } from './session'
import { parseStratumUser } from './stratum-user'
import type { BlockSink, JobSource, ShareSink, StratumWork } from './types'
import { clampDifficulty } from './vardiff'
import { BoundedMap } from '@otedama/shared/util'

const log = createLogger('stratum')

export interface StratumServerInit {
  chain: StratumChain
  jobSource: JobSource
  shareSink?: ShareSink
  blockSink?: BlockSink
  banStore?: BanStore
  params?: Partial<StratumParams>
}

interface Resumable {
  value: number
  difficulty: number
  closedAt: number
}

/** Share interval assumed when the chain does not say (devnet and regtests: 10 s). */
const DEFAULT_SHARE_INTERVAL_SECONDS = 10

/** Hashes as text with an SI prefix (the start-up line). */
function formatHashes(h: number): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E']
  let i = 0
  while (h >= 1000 && i < units.length - 1) {
    h /= 1000
    i++
  }
  return `${h.toPrecision(3)} ${units[i]}hashes`
}

/** Sessions sent a notify per event-loop turn during a broadcast (replies to submits interleave). */
const BROADCAST_CHUNK_SESSIONS = 250
/** Most cached difficulty -> target conversions (the cache is cleared when full). */
const MAX_TARGET_CACHE_ENTRIES = 4096

export class StratumServer implements SessionHost {
  readonly params: StratumParams
  readonly chain: StratumChain
  readonly counters: StratumCounters = createCounters()
  readonly fee: OperatorFee
  readonly operatorScript: Uint8Array | undefined
  readonly feeMessage: string | undefined
  readonly hashesPerDifficulty: number
  readonly ownShareRatio: number
  readonly extranonce2Bytes = EXTRANONCE2_BYTES
  readonly shareSink: ShareSink | undefined
  readonly blockSink: BlockSink | undefined
  readonly bans: BanList
  /** Rigs by address and worker across reconnects. */
  readonly rigLedger = new RigLedger()
  private readonly lines: LineServer
  private readonly book = new JobBook()
  private readonly sessions = new Set<StratumSession>()
  private readonly started = new Set<StratumSession>()
  private readonly activeExtranonces = new Set<number>()
  private readonly resumable = new BoundedMap<string, Resumable>(MAX_RESUMABLE_SESSIONS)
  private readonly targets = new Map<number, bigint>()
  private extranonceCounter = Math.floor(Math.random() * 0x100000000)
  private lastNotifyAt = 0
  private ticker: NodeJS.Timeout | undefined
  private unsubscribe: (() => void) | undefined

  constructor(private readonly init: StratumServerInit) {
    this.params = createStratumParams(init.params)
    this.chain = init.chain
    this.shareSink = init.shareSink
    this.blockSink = init.blockSink
    this.hashesPerDifficulty = Number((1n << 256n) / (init.chain.stratumDiff1Target + 1n))
    // Own targets aim at OWN_SHARES_PER_INTERVAL shares per interval (the required target binds in steady state).
    this.ownShareRatio = Math.max(
      1,
      (init.chain.shareIntervalSeconds ?? DEFAULT_SHARE_INTERVAL_SECONDS) /
        (OWN_SHARES_PER_INTERVAL * this.params.targetShareSeconds)
    )
    if (this.params.operatorFee > 0) {
      const operator = parseStratumUser(this.params.operatorAddress as string, init.chain.addresses, init.chain.name)
      if ('error' in operator) throw new StratumConfigError(`stratum.operatorAddress: ${operator.error}`)
      this.operatorScript = operator.payoutScript
      this.feeMessage = feeMessage(this.params.poolName, this.params.operatorFee, operator.address)
    }
    this.fee = new OperatorFee(this.params.operatorFee, this.operatorScript)
    const p = this.params
    this.bans = new BanList({
      store: init.banStore,
      strikesBeforeBan: p.strikesBeforeBan,
      strikeWindowMs: p.strikeWindowMs,
      banDurationMs: p.banDurationMs
    })
    this.lines = new LineServer(
      {
        host: p.host,
        port: p.port,
        maxLineBytes: p.maxLineBytes,
        maxConnections: p.maxConnections,
        maxConnectionsPerIp: p.maxConnectionsPerIp,
        writeHighWaterBytes: p.writeHighWaterBytes,
        messageRatePerSecond: p.messageRatePerSecond,
        messageBurst: p.messageBurst,
        maxInvalidMessages: p.maxInvalidMessages,
        idleBeforeReadyMs: p.idleBeforeAuthorizeMs,
        idleAfterReadyMs: p.idleAfterAuthorizeMs,
        tickMs: p.tickMs
      },
      this.bans,
      (conn) => {
        const session = new StratumSession(conn, this)
        this.sessions.add(session)
        return session
      }
    )
  }

  /** Loads bans, subscribes to work, listens. Returns the bound address. */
  async start(): Promise<{ host: string; port: number }> {
    await this.bans.load()
    this.unsubscribe = this.init.jobSource.onWork((work) => this.onWork(work))
    const first = this.init.jobSource.current()
    if (first !== undefined) this.onWork(first)
    const address = await this.lines.listen()
    this.ticker = setInterval(() => this.tick(), this.params.tickMs)
    this.ticker.unref()
    const start = this.clampDifficulty(this.params.startDifficulty, undefined)
    log.info(
      `Stratum on ${address.host}:${address.port} (${this.chain.name}): rigs start at difficulty ${start} (~${formatHashes(start * this.hashesPerDifficulty)} a pseudo-share), vardiff toward one per ${this.params.targetShareSeconds} s; each rig's own share target follows at ${this.ownShareRatio}x its difficulty`
    )
    return address
  }

  /**
   * Graceful shutdown: stop accepting, send client.reconnect to the sibling relay (when one is
   * configured or given), wait up to DRAIN_TIMEOUT_MS for rigs to leave, then close the rest.
   */
  async stop(reconnectTo = this.params.sibling, timeoutMs = DRAIN_TIMEOUT_MS): Promise<void> {
    this.unsubscribe?.()
    if (this.ticker !== undefined) clearInterval(this.ticker)
    this.lines.stopAccepting()
    if (reconnectTo !== undefined && this.lines.size > 0) {
      for (const session of this.started) session.reconnect(reconnectTo.host, reconnectTo.port, RECONNECT_WAIT_SECONDS)
      const deadline = Date.now() + timeoutMs
      while (this.lines.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await this.lines.closeAll('shutdown')
  }

  metrics(): StratumMetrics {
    const rigs = this.rigs()
    return {
      connections: this.lines.size,
      authorized: this.started.size,
      counters: this.counters,
      network: this.lines.counters,
      rigs,
      hashrate: rigs.reduce((sum, r) => sum + r.hashrate, 0)
    }
  }

  rigs(): RigInfo[] {
    const now = Date.now()
    return [...this.started].map((s) => s.rigInfo(now))
  }

  /** Every rig (address.worker) with its figures over all its connections since start. */
  rigRecords(): RigRecord[] {
    return this.rigLedger.records(this.rigs(), Date.now())
  }

  /** Changes the version-rolling mask of every rig that negotiated one (mining.set_version_mask). */
  setVersionMask(mask: number): void {
    for (const s of this.started) if (s.versionMask !== 0) s.setVersionMask((s.versionMask & mask) >>> 0)
  }

  /** Sends a message to every rig (client.show_message). */
  broadcastMessage(text: string): void {
    for (const s of this.started) s.showMessage(text)
  }

  /** Gives a rig a new extranonce1 via mining.set_extranonce (rigs that subscribed to it only). */
  renewExtranonce(session: StratumSession): boolean {
    if (!session.extranonceSubscribed) return false
    const old = session.extranonce1Value
    const value = this.freshExtranonce()
    this.activeExtranonces.add(value)
    this.activeExtranonces.delete(old)
    return session.setExtranonce(value)
  }

  /** Sessions that are subscribed and authorized (for tests and the API). */
  activeSessions(): StratumSession[] {
    return [...this.started]
  }

  // --- SessionHost -----------------------------------------------------------------------------
  readonly nextJobId = (): string => this.book.nextJobId()

  currentEpoch(): WorkEpoch | undefined {
    return this.book.current
  }

  targetFor(difficulty: number): bigint {
    let target = this.targets.get(difficulty)
    if (target === undefined) {
      if (this.targets.size >= MAX_TARGET_CACHE_ENTRIES) this.targets.clear()
      target = difficultyToTarget(difficulty, this.chain.stratumDiff1Target)
      this.targets.set(difficulty, target)
    }
    return target
  }

  maxDifficultyNow(): number {
    return this.params.maxDifficulty
  }

  clampDifficulty(difficulty: number, sessionFloor: number | undefined): number {
    const max = this.maxDifficultyNow()
    const min = Math.min(Math.max(this.params.minDifficulty, sessionFloor ?? 0), max)
    return clampDifficulty(difficulty, min, max)
  }

  allocateExtranonce1(resumeId: string | undefined): { value: number; resumedDifficulty: number | undefined } {
    if (resumeId !== undefined) {
      const key = resumeId.toLowerCase()
      const old = this.resumable.get(key)
      if (
        old !== undefined &&
        Date.now() - old.closedAt < SESSION_RESUME_WINDOW_MS &&
        !this.activeExtranonces.has(old.value)
      ) {
        this.resumable.delete(key)
        this.activeExtranonces.add(old.value)
        return { value: old.value, resumedDifficulty: old.difficulty }
      }
    }
    const value = this.freshExtranonce()
    this.activeExtranonces.add(value)
    return { value, resumedDifficulty: undefined }
  }

  onSessionStarted(session: StratumSession): void {
    this.started.add(session)
  }

  onSessionClosed(session: StratumSession, _reason: DropReason): void {
    this.sessions.delete(session)
    if (this.started.delete(session)) this.rigLedger.closed(session.rigInfo(Date.now()), Date.now())
    if (!session.subscribed) return
    const value = session.extranonce1Value
    this.activeExtranonces.delete(value)
    this.resumable.set(session.extranonce1Hex, { value, difficulty: session.difficulty, closedAt: Date.now() })
  }

  // --- work and time ---------------------------------------------------------------------------
  private onWork(work: StratumWork): void {
    const { epoch, replacedBy } = this.book.advance(work)
    this.counters.epochs[replacedBy ?? 'first']++
    // A new block or a new share-chain tip: rigs drop their old work at once (a share on the old
    // tip could only become an uncle); a refresh of the same tip and block is not clean.
    const clean = replacedBy !== 'refresh'
    this.lastNotifyAt = Date.now()
    this.broadcast(epoch, clean, [...this.started], 0)
  }

  /**
   * Sends `epoch`'s jobs in chunks of BROADCAST_CHUNK_SESSIONS, yielding between chunks so submits
   * waiting in the event loop are answered while thousands of notifies go out. A newer epoch
   * stops an older broadcast (its own broadcast reaches everyone).
   */
  private broadcast(epoch: WorkEpoch, clean: boolean, sessions: StratumSession[], from: number): void {
    if (this.book.current !== epoch) return
    const end = Math.min(from + BROADCAST_CHUNK_SESSIONS, sessions.length)
    for (let i = from; i < end; i++) {
      const session = sessions[i]
      if (session.conn.closed) continue
      session.sendJob(epoch, clean)
    }
    if (end < sessions.length) setImmediate(() => this.broadcast(epoch, clean, sessions, end))
  }

  private tick(): void {
    const now = Date.now()
    const current = this.book.current
    if (current !== undefined && now - this.lastNotifyAt >= this.params.jobRefreshIntervalMs) this.onWork(current.work)
    const keepaliveMs = this.params.idleAfterAuthorizeMs / 2
    for (const session of this.started) {
      const next = session.vardiff.onTick(session.difficulty, now)
      if (next !== undefined) session.changeDifficulty(next)
      // Probe silent rigs once before the idle rule drops them (ESP-Miner answers "pong").
      if (now - session.conn.lastLineAt > keepaliveMs && now - session.lastPingAt > keepaliveMs) {
        session.lastPingAt = now
        session.ping()
      }
    }
  }

  private freshExtranonce(): number {
    for (;;) {
      this.extranonceCounter = (this.extranonceCounter + 1) >>> 0
      const value = this.extranonceCounter
      const hex = value.toString(16).padStart(8, '0')
      if (!this.activeExtranonces.has(value) && !this.resumable.has(hex)) return value
    }
  }
}
