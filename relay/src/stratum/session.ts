// One rig's Stratum session: the request dispatch, subscription and authorization, difficulty and
// job delivery. Quirks from docs/field-notes.md (Stratum) are marked (Q1..Q10).
import { createLogger } from '@otedama/shared/log'
import { BoundedMap } from '@otedama/shared/util'
import {
  MAX_AUTHORIZED_WORKERS_PER_CONNECTION,
  MAX_JOBS_PER_CONNECTION,
  MAX_PENDING_SERVER_REQUESTS,
  MAX_SUBMITS_TRACKED_PER_JOB,
  MAX_USER_AGENT_CHARS,
  ERROR_NOT_SUBSCRIBED,
  ERROR_OTHER,
  ERROR_UNAUTHORIZED
} from './constants'
import {
  encodeCall,
  encodeError,
  encodeResult,
  parseLine,
  stratumError,
  type RpcId,
  type StratumError
} from './json-rpc'
import type { WorkEpoch } from './jobs'
import type { DropReason, LineConnection, LineHandler } from './line-server'
import type { RigInfo } from './metrics'
import { handleConfigure, handleSuggestDifficulty, handleSuggestTarget } from './session-options'
import { judgeSubmit, NOT_THE_RIGS_FAULT, SUBMIT_ERROR_CODE, type SubmitOutcome } from './session-submit'
import type { SessionContext, SubmitView } from './session-context'
import type { SessionServices } from './session-host'
import { parseStratumUser, passwordDifficulty, type StratumUser } from './stratum-user'
import type { SessionJob } from './submit'
import { HashrateMeter, Vardiff } from './vardiff'

const log = createLogger('stratum:session')

/** What a session needs from its server: the services, and to be told when the session starts and ends. */
export interface SessionHost extends SessionServices {
  onSessionStarted: (session: StratumSession) => void
  onSessionClosed: (session: StratumSession, reason: DropReason) => void
}

export class StratumSession implements LineHandler, SessionContext, SubmitView {
  subscribed = false
  extranonce1 = new Uint8Array(4)
  extranonce1Hex = ''
  userAgent = ''
  extranonceSubscribed = false
  /** Negotiated BIP310 mask; 0 until mining.configure. */
  versionMask = 0
  readonly users = new Map<string, StratumUser>()
  /** The user whose address the coinbase pays (the first one authorized). */
  payee: StratumUser | undefined
  /** Difficulty now in force for new jobs, and its target. */
  difficulty: number
  target: bigint
  /** Floor asked for by mining.configure minimum-difficulty. */
  minDifficulty: number | undefined
  lastSuggestion: number | undefined
  started = false
  readonly jobs = new BoundedMap<string, SessionJob>(MAX_JOBS_PER_CONNECTION)
  currentJob: SessionJob | undefined
  readonly vardiff: Vardiff
  readonly hashrate: HashrateMeter
  consecutiveBadSubmits = 0
  accepted = 0
  rejected = 0
  sharesFound = 0
  lastShareAt: number | undefined
  /** When we last sent mining.ping (ms). */
  lastPingAt = 0
  private nextRequestId = 1
  private readonly pending = new BoundedMap<string, 'get_version' | 'ping'>(MAX_PENDING_SERVER_REQUESTS)

  constructor(
    readonly conn: LineConnection,
    readonly host: SessionHost
  ) {
    const now = Date.now()
    this.difficulty = host.clampDifficulty(host.params.startDifficulty, undefined)
    this.target = host.targetFor(this.difficulty)
    this.vardiff = new Vardiff(() => this.vardiffBounds(), now)
    this.hashrate = new HashrateMeter(host.hashesPerDifficulty, now)
  }

  get remoteAddress(): string {
    return this.conn.remoteAddress
  }

  /** extranonce1 as a u32 (big-endian bytes). */
  get extranonce1Value(): number {
    const x = this.extranonce1
    return ((x[0] << 24) | (x[1] << 16) | (x[2] << 8) | x[3]) >>> 0
  }

  // --- LineHandler -----------------------------------------------------------------------------
  onLine(line: string): void {
    const parsed = parseLine(line)
    if (!parsed.ok) {
      if (this.conn.invalidMessage(parsed.reason))
        this.send(encodeError(null, stratumError(ERROR_OTHER, parsed.reason)))
      return
    }
    const msg = parsed.message
    if (msg.kind === 'response') return this.onResponse(msg.id, msg.result)
    try {
      this.dispatch(msg.id, msg.method, msg.params)
    } catch (err) {
      log.error(`handler for ${msg.method} failed`, err)
      this.replyError(msg.id, stratumError(ERROR_OTHER, 'Internal error'))
    }
  }

  onClose(reason: DropReason): void {
    this.host.onSessionClosed(this, reason)
  }

  // --- requests --------------------------------------------------------------------------------
  private dispatch(id: RpcId, method: string, params: unknown[]): void {
    switch (method) {
      case 'mining.subscribe':
        return this.onSubscribe(id, params)
      case 'mining.authorize':
        return this.onAuthorize(id, params)
      case 'mining.configure':
        return handleConfigure(this, id, params)
      case 'mining.submit':
        return this.onSubmit(id, params)
      case 'mining.suggest_difficulty':
        return handleSuggestDifficulty(this, id, params)
      case 'mining.suggest_target':
        return handleSuggestTarget(this, id, params)
      case 'mining.extranonce.subscribe':
        this.extranonceSubscribed = true
        return this.reply(id, true)
      case 'mining.capabilities':
        return this.reply(id, true) // bfgminer (id null): nothing to negotiate
      case 'mining.ping':
        return this.reply(id, 'pong')
      case 'mining.pong':
      case 'pong': // ESP-Miner answers our mining.ping with {"id":X,"method":"pong"}
        this.pending.delete(String(id))
        return
      default:
        return this.replyError(id, stratumError(ERROR_OTHER, `Method not found: ${method}`))
    }
  }

  private onSubmit(id: RpcId, params: unknown[]): void {
    const now = Date.now()
    this.settleSubmit(id, judgeSubmit(this, params, now), now)
  }

  /** Applies a judged submit: the reply, then the accounting and the hand-off of what it found. */
  private settleSubmit(id: RpcId, outcome: SubmitOutcome, now: number): void {
    const host = this.host
    if (outcome.kind === 'malformed') {
      host.counters.rejected.malformed++
      return this.invalidParams(id, outcome.message)
    }
    if (outcome.kind === 'rejected') {
      host.counters.rejected[outcome.reason]++
      this.rejected++
      this.replyError(id, stratumError(SUBMIT_ERROR_CODE[outcome.reason], outcome.message))
      // A stale job (a new block or tip), a job id or worker from before a reconnect (cpuminer submits
      // work of the old connection before its new authorize): not the rig's fault.
      if (NOT_THE_RIGS_FAULT.has(outcome.reason)) return
      this.consecutiveBadSubmits++
      if (this.consecutiveBadSubmits >= host.params.maxConsecutiveBadSubmits) {
        this.conn.drop(
          'bad-submits',
          `${this.consecutiveBadSubmits} rejected submits in a row, last: ${outcome.reason}`
        )
      }
      return
    }
    const { sessionJob, difficulty, found } = outcome
    if (sessionJob.submits.size >= MAX_SUBMITS_TRACKED_PER_JOB)
      sessionJob.submits.delete(sessionJob.submits.values().next().value as string)
    sessionJob.submits.add(outcome.key)
    this.reply(id, true)

    this.accepted++
    this.consecutiveBadSubmits = 0
    this.lastShareAt = now
    this.hashrate.add(difficulty, now)
    host.counters.accepted++
    host.counters.acceptedDifficulty += difficulty
    if (outcome.staleTip) host.counters.acceptedOnStaleTip++
    if (this.payee !== undefined) host.fee.credit(this.payee.payoutScriptHex, difficulty, sessionJob.job.operatorFee)
    // An accepted submit is the rig doing its job: it never counts toward the line rate limit.
    this.conn.refundLine()

    if (found !== undefined) {
      // A block first, at once; then the share (a block header is also a share when it meets both).
      if (outcome.meetsBlockTarget) {
        host.counters.blocksFound++
        log.info(`block candidate at height ${found.work.height} from ${found.rig.address}.${found.rig.worker}`)
        this.handOff(() => host.blockSink?.submitBlock(found))
      }
      if (outcome.meetsShareTarget) {
        host.counters.sharesFound++
        this.sharesFound++
        if (found.staleTip) host.counters.staleShares++
        this.handOff(() => host.shareSink?.submitShare(found))
      }
    }
    const next = this.vardiff.onShare(this.difficulty, difficulty, now)
    if (next !== undefined) this.changeDifficulty(next)
  }

  /** Calls a sink; its errors (sync or async) are logged and counted, never sent to the rig. */
  private handOff(call: () => unknown): void {
    const failed = (err: unknown): void => {
      this.host.counters.sinkErrors++
      log.error('share/block sink failed', err)
    }
    try {
      const result = call()
      if (result instanceof Promise) result.catch(failed)
    } catch (err) {
      failed(err)
    }
  }

  private onSubscribe(id: RpcId, params: unknown[]): void {
    const [agent, resumeId] = params
    if (
      (agent !== undefined && agent !== null && typeof agent !== 'string') ||
      (resumeId !== undefined && resumeId !== null && typeof resumeId !== 'string')
    ) {
      return this.invalidParams(id, 'mining.subscribe takes [user_agent?, session_id?]')
    }
    if (!this.subscribed) {
      const { value, resumedDifficulty } = this.host.allocateExtranonce1(
        typeof resumeId === 'string' ? resumeId : undefined
      )
      this.extranonce1 = new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff])
      this.extranonce1Hex = Buffer.from(this.extranonce1).toString('hex')
      if (resumedDifficulty !== undefined) this.changeDifficulty(resumedDifficulty)
      this.subscribed = true
    }
    if (typeof agent === 'string') this.userAgent = agent.slice(0, MAX_USER_AGENT_CHARS)
    // Q1: this reply is the first line after subscribe; nothing else is sent before authorize.
    // The subscription id is extranonce1: cpuminer/cgminer send it back to resume it.
    this.reply(id, [
      [
        ['mining.set_difficulty', this.extranonce1Hex],
        ['mining.notify', this.extranonce1Hex]
      ],
      this.extranonce1Hex,
      this.host.extranonce2Bytes
    ])
    this.maybeStart()
  }

  private onAuthorize(id: RpcId, params: unknown[]): void {
    const [user, password] = params
    if (typeof user !== 'string' || (password !== undefined && password !== null && typeof password !== 'string')) {
      return this.invalidParams(id, 'mining.authorize takes [user, password]')
    }
    const parsed = parseStratumUser(user, this.host.chain.addresses, this.host.chain.name)
    if ('error' in parsed) {
      // Rate-limited and cut by the logger; a refused authorize counts as an invalid line toward a drop.
      log.info(`${this.conn.remoteAddress}: authorize refused: ${parsed.error}`)
      if (this.conn.invalidMessage(`authorize refused: ${parsed.error}`))
        this.replyError(id, stratumError(ERROR_UNAUTHORIZED, parsed.error))
      return
    }
    if (!this.users.has(user) && this.users.size >= MAX_AUTHORIZED_WORKERS_PER_CONNECTION) {
      return this.replyError(
        id,
        stratumError(ERROR_UNAUTHORIZED, `at most ${MAX_AUTHORIZED_WORKERS_PER_CONNECTION} workers per connection`)
      )
    }
    this.users.set(user, parsed)
    this.payee ??= parsed
    const suggested = passwordDifficulty(password)
    if (suggested !== undefined) this.changeDifficulty(this.host.clampDifficulty(suggested, this.minDifficulty))
    this.reply(id, true)
    this.maybeStart()
  }

  private onResponse(id: RpcId, result: unknown): void {
    const kind = this.pending.get(String(id))
    if (kind === undefined) return // a reply to nothing we asked: harmless, ignored
    this.pending.delete(String(id))
    if (kind === 'get_version' && typeof result === 'string') this.userAgent = result.slice(0, MAX_USER_AGENT_CHARS)
  }

  // --- mining ----------------------------------------------------------------------------------
  /** Once subscribed and authorized: difficulty, the fee message, then the first job (Q1). */
  private maybeStart(): void {
    if (this.started || !this.subscribed || this.payee === undefined) return
    this.started = true
    this.conn.ready = true
    this.send(encodeCall(null, 'mining.set_difficulty', [this.difficulty]))
    if (this.host.feeMessage !== undefined) this.showMessage(this.host.feeMessage)
    if (this.userAgent === '') this.request('client.get_version', [], 'get_version')
    this.host.onSessionStarted(this)
    const epoch = this.host.currentEpoch()
    if (epoch !== undefined) this.sendJob(epoch, true)
  }

  /** Sends this rig its job on `epoch` (shared job object per payout script). */
  sendJob(epoch: WorkEpoch, clean: boolean): void {
    if (!this.started || this.payee === undefined) return
    const operator = this.host.fee.chooseOperator(this.payee.payoutScriptHex)
    const script = operator ? (this.host.operatorScript as Uint8Array) : this.payee.payoutScript
    let job = epoch.jobFor(script, operator, this.host.nextJobId, this.ownShareTarget())
    // Ids never repeat on a connection (Q8), and each id keeps the difficulty it was sent with (Q4).
    if (this.jobs.has(job.id)) job = job.reissue(this.host.nextJobId())
    this.deliver(job, clean)
  }

  /**
   * This rig's own share target: its vardiff difficulty (which tracks its hashrate) times the own-share
   * ratio, so it finds at most about two shares per share interval however fast it is; the job commits to the
   * harder of this and the chain's required target, and its pseudo-share target is never harder.
   */
  ownShareTarget(): bigint {
    return this.host.targetFor(this.difficulty * this.host.ownShareRatio)
  }

  private deliver(job: SessionJob['job'], clean: boolean): void {
    const sessionJob: SessionJob = { job, difficulty: this.difficulty, target: this.target, submits: new Set() }
    // Older jobs stay (bounded) even when clean: a late submit on one is answered "Stale job".
    this.jobs.set(job.id, sessionJob)
    this.currentJob = sessionJob
    this.host.counters.notifiesSent++
    this.send(job.notifyLine(clean))
  }

  /**
   * Sets the difficulty for new jobs. Once mining, sends set_difficulty and at once the current
   * job under a fresh id (Q4: applies from the next notify; Q8: ids never repeat). Older jobs keep
   * the difficulty they were sent with.
   */
  changeDifficulty(next: number, resendJob = true): void {
    if (next === this.difficulty) return
    this.difficulty = next
    this.target = this.host.targetFor(next)
    this.vardiff.reset(Date.now())
    this.host.counters.difficultyChanges++
    if (!this.started) return
    this.send(encodeCall(null, 'mining.set_difficulty', [next]))
    // The own share target moved with the difficulty: a job built for it (a fresh id either way).
    const epoch = this.host.currentEpoch()
    if (resendJob && this.currentJob !== undefined && epoch !== undefined) this.sendJob(epoch, false)
  }

  vardiffBounds(): { min: number; max: number; targetShareSeconds: number } {
    return {
      min: Math.max(this.host.params.minDifficulty, this.minDifficulty ?? 0),
      max: this.host.maxDifficultyNow(),
      targetShareSeconds: this.host.params.targetShareSeconds
    }
  }

  // --- server-initiated ------------------------------------------------------------------------
  showMessage(text: string): void {
    this.send(encodeCall(null, 'client.show_message', [text]))
  }

  reconnect(host: string, port: number, waitSeconds: number): void {
    this.send(encodeCall(null, 'client.reconnect', [host, port, waitSeconds]))
  }

  setVersionMask(mask: number): void {
    this.versionMask = mask
    this.send(encodeCall(null, 'mining.set_version_mask', [mask.toString(16).padStart(8, '0')]))
  }

  /** New extranonce1 (only to rigs that sent mining.extranonce.subscribe), then a clean job. */
  setExtranonce(value: number): boolean {
    if (!this.extranonceSubscribed) return false
    this.extranonce1 = new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff])
    this.extranonce1Hex = Buffer.from(this.extranonce1).toString('hex')
    this.jobs.clear() // their coinbases were for the old extranonce1
    this.send(encodeCall(null, 'mining.set_extranonce', [this.extranonce1Hex, this.host.extranonce2Bytes]))
    const epoch = this.host.currentEpoch()
    if (epoch !== undefined) this.sendJob(epoch, true)
    return true
  }

  ping(): void {
    this.request('mining.ping', [], 'ping')
  }

  rigInfo(now: number): RigInfo {
    return {
      connectionId: this.conn.id,
      remoteAddress: this.conn.remoteAddress,
      userAgent: this.userAgent,
      address: this.payee?.address ?? '',
      worker: this.payee?.worker ?? '',
      difficulty: this.difficulty,
      hashrate: this.hashrate.hashrate(now),
      accepted: this.accepted,
      rejected: this.rejected,
      shares: this.sharesFound,
      connectedAt: this.conn.acceptedAt,
      lastShareAt: this.lastShareAt,
      versionRolling: this.versionMask !== 0
    }
  }

  // --- plumbing --------------------------------------------------------------------------------
  send(line: string): boolean {
    return this.conn.send(line)
  }

  reply(id: RpcId, result: unknown): void {
    // JSON-RPC 1.0: a request with id null is a notification and gets no reply (bfgminer's suggest_target).
    if (id !== null) this.send(encodeResult(id, result))
  }

  replyError(id: RpcId, error: StratumError): void {
    if (id !== null) this.send(encodeError(id, error))
  }

  /** Wrong parameter types: an error reply, counted like invalid JSON toward a drop. */
  invalidParams(id: RpcId, message: string): void {
    if (this.conn.invalidMessage(message)) this.replyError(id, stratumError(ERROR_OTHER, message))
  }

  notSubscribedError(): StratumError {
    return stratumError(ERROR_NOT_SUBSCRIBED, 'Not subscribed')
  }

  private request(method: string, params: unknown[], kind: 'get_version' | 'ping'): void {
    const id = `s${this.nextRequestId++}`
    this.pending.set(id, kind)
    this.send(encodeCall(id, method, params))
  }
}
