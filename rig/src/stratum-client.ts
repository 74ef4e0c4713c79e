// The rig's Stratum v1 connection, in cpuminer's order: subscribe (with the last session id, to resume),
// then authorize; optionally mining.extranonce.subscribe. It answers mining.ping and client.get_version,
// follows client.reconnect, and after a drop moves on through its pool list (cgminer's failover pools):
// the next pool at once, and only when every pool failed in a row does it wait, with a doubling backoff.
// It knows nothing of hashing: the rig turns its events into work and hands finds back through submit().
import { connect, type Socket } from 'node:net'
import { createLogger } from '@otedama/shared/log'
import { Emitter } from '../../web/src/miner/events'
import {
  CONNECT_TIMEOUT_MS,
  HANDSHAKE_REPLY_TIMEOUT_MS,
  MAX_PENDING_SUBMITS,
  MAX_POOL_LINE_BYTES,
  MAX_RECONNECT_WAIT_SECONDS,
  RECONNECT_FIRST_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
  RIG_USER_AGENT,
  SOCKET_KEEPALIVE_MS
} from './constants'
import {
  encodeError,
  encodeRequest,
  encodeResult,
  parsePoolLine,
  parseSubscribeResult,
  type NotifyParams,
  type PoolError,
  type PoolMessage,
  type RpcId
} from './stratum-messages'

const log = createLogger('rig:stratum')

const SUBSCRIBE_ID = 1
const AUTHORIZE_ID = 2
const EXTRANONCE_SUBSCRIBE_ID = 3
const FIRST_SUBMIT_ID = 4
/** JSON-RPC "method not found", for server requests we do not serve. */
const ERROR_METHOD_NOT_FOUND = 20

export interface StratumEndpoint {
  host: string
  port: number
}

export interface StratumClientOptions {
  /** The pool to use first. */
  endpoint: StratumEndpoint
  /** Further pools, tried in order when the current one drops or cannot be reached (cgminer's backup pools). */
  fallbacks?: StratumEndpoint[]
  user: string
  password: string
  userAgent?: string
  /** Send mining.extranonce.subscribe so the pool may change extranonce1 with mining.set_extranonce. */
  extranonceSubscribe?: boolean
}

export interface PoolSession {
  extranonce1: Uint8Array
  extranonce2Size: number
  /** True when the pool resumed the previous session (same extranonce1). */
  resumed: boolean
}

export type SubmitOutcome =
  | { kind: 'accepted' }
  | { kind: 'rejected'; reason: string; code: number | undefined }
  /** The connection ended before the pool answered. */
  | { kind: 'lost' }

export interface Disconnect {
  reason: string
  /** The pool (or the network) ended it, not us. */
  byPool: boolean
  /** How far the connection got: 'connect' (no TCP), 'subscribe' (no reply to it), 'authorize', 'mining'. */
  stage: 'connect' | 'subscribe' | 'authorize' | 'mining'
  /** Whether the pool asked for it (client.reconnect). */
  requested: boolean
}

export interface StratumClientEvents {
  connecting: StratumEndpoint & { attempt: number }
  session: PoolSession
  authorized: { user: string }
  unauthorized: { user: string; error: PoolError }
  difficulty: number
  notify: NotifyParams
  extranonce: { extranonce1: Uint8Array; extranonce2Size: number }
  message: string
  disconnected: Disconnect
  reconnecting: StratumEndpoint & { delayMs: number }
  /** A line from the pool we could not use (it is logged and skipped; the connection stays). */
  'bad-line': string
}

type Stage = Disconnect['stage']

export class StratumClient extends Emitter<StratumClientEvents> {
  /** The pool list: the first pool, then the fallbacks. */
  readonly pools: StratumEndpoint[]
  private poolIndex = 0
  private endpoint: StratumEndpoint
  private socket: Socket | undefined
  private stage: Stage = 'connect'
  private buffer: Buffer | undefined
  private sessionId: string | undefined
  private lastExtranonce1: string | undefined
  private triedResume = false
  private nextId = FIRST_SUBMIT_ID
  private readonly pending = new Map<number, (outcome: SubmitOutcome) => void>()
  private failures = 0
  private attempts = 0
  private stopped = true
  private reconnectTimer: NodeJS.Timeout | undefined
  private handshakeTimer: NodeJS.Timeout | undefined
  private requested: { endpoint: StratumEndpoint; waitMs: number } | undefined

  constructor(private readonly options: StratumClientOptions) {
    super()
    this.pools = [options.endpoint, ...(options.fallbacks ?? [])]
    this.endpoint = options.endpoint
  }

  /** Whether the rig may submit now (subscribed and authorized). */
  get mining(): boolean {
    return this.stage === 'mining'
  }
  get currentEndpoint(): StratumEndpoint {
    return this.endpoint
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.open()
  }

  /** Closes the connection and stops reconnecting; pending submits resolve as lost. */
  stop(): void {
    this.stopped = true
    clearTimeout(this.reconnectTimer)
    this.socket?.destroy()
  }

  /** Sends mining.submit with the 5 standard params; resolves with the pool's verdict. */
  async submit(params: [string, string, string, string, string]): Promise<SubmitOutcome> {
    if (this.stage !== 'mining' || this.socket === undefined) return { kind: 'lost' }
    const id = this.nextId++
    if (this.pending.size >= MAX_PENDING_SUBMITS) {
      const oldest = this.pending.keys().next().value as number
      this.pending.get(oldest)?.({ kind: 'lost' })
      this.pending.delete(oldest)
    }
    const outcome = new Promise<SubmitOutcome>((resolve) => this.pending.set(id, resolve))
    this.socket.write(encodeRequest(id, 'mining.submit', params))
    return await outcome
  }

  // --- connection ------------------------------------------------------------------------------
  private open(): void {
    const { host, port } = this.endpoint
    this.attempts++
    this.emit('connecting', { host, port, attempt: this.attempts })
    this.stage = 'connect'
    this.buffer = undefined
    const socket = connect({ host, port, noDelay: true, timeout: CONNECT_TIMEOUT_MS })
    this.socket = socket
    let ended: { reason: string; byPool: boolean } | undefined
    socket.on('connect', () => {
      socket.setTimeout(0)
      // A pool host that vanishes without closing (power, network) is noticed by TCP keepalive.
      socket.setKeepAlive(true, SOCKET_KEEPALIVE_MS)
      this.stage = 'subscribe'
      this.subscribe()
    })
    socket.on('timeout', () => {
      ended ??= { reason: `no TCP connection within ${CONNECT_TIMEOUT_MS} ms`, byPool: true }
      socket.destroy()
    })
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk))
    socket.on('error', (err) => {
      ended ??= { reason: err.message, byPool: true }
    })
    socket.on('end', () => {
      ended ??= { reason: 'closed by the pool', byPool: true }
    })
    socket.on('close', () =>
      this.onClose(socket, ended ?? { reason: this.stopped ? 'stopped' : 'closed', byPool: !this.stopped })
    )
  }

  private onClose(socket: Socket, ended: { reason: string; byPool: boolean }): void {
    if (this.socket !== socket) return
    this.socket = undefined
    clearTimeout(this.handshakeTimer)
    for (const resolve of this.pending.values()) resolve({ kind: 'lost' })
    this.pending.clear()
    const requested = this.requested
    this.requested = undefined
    this.emit('disconnected', {
      ...ended,
      byPool: ended.byPool && requested === undefined,
      stage: this.stage,
      requested: requested !== undefined
    })
    this.stage = 'connect'
    if (this.stopped) return
    let delayMs: number
    if (requested !== undefined) {
      this.endpoint = requested.endpoint
      delayMs = requested.waitMs
    } else {
      const next = nextPoolAttempt(this.pools.length, this.poolIndex, this.failures)
      this.failures++
      this.poolIndex = next.index
      this.endpoint = this.pools[next.index]
      delayMs = next.delayMs
    }
    this.emit('reconnecting', { ...this.endpoint, delayMs })
    this.reconnectTimer = setTimeout(() => this.open(), delayMs)
  }

  private onData(socket: Socket, chunk: Buffer): void {
    let start = 0
    for (;;) {
      const newline = chunk.indexOf(10, start)
      if (newline === -1) break
      const part = chunk.subarray(start, newline)
      const line = this.buffer === undefined ? part : Buffer.concat([this.buffer, part])
      this.buffer = undefined
      start = newline + 1
      if (line.length > MAX_POOL_LINE_BYTES)
        return this.fail(socket, `pool sent a line of ${line.length} bytes (limit ${MAX_POOL_LINE_BYTES})`)
      const text = line.toString('utf8').trim()
      if (text.length > 0) this.onLine(text)
      if (this.socket !== socket) return
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start)
      this.buffer = this.buffer === undefined ? Buffer.from(rest) : Buffer.concat([this.buffer, rest])
      if (this.buffer.length > MAX_POOL_LINE_BYTES)
        this.fail(socket, `pool sent over ${MAX_POOL_LINE_BYTES} bytes without a newline`)
    }
  }

  private fail(socket: Socket, reason: string): void {
    log.warn(reason)
    socket.destroy(new Error(reason))
  }

  private send(line: string): void {
    this.socket?.write(line)
  }

  // --- handshake -------------------------------------------------------------------------------
  private subscribe(): void {
    const ua = this.options.userAgent ?? RIG_USER_AGENT
    this.triedResume = this.sessionId !== undefined
    this.send(
      encodeRequest(SUBSCRIBE_ID, 'mining.subscribe', this.sessionId === undefined ? [ua] : [ua, this.sessionId])
    )
    this.armHandshakeTimer('mining.subscribe')
  }

  private armHandshakeTimer(what: string): void {
    clearTimeout(this.handshakeTimer)
    const socket = this.socket
    this.handshakeTimer = setTimeout(() => {
      if (socket !== undefined) this.fail(socket, `no reply to ${what} within ${HANDSHAKE_REPLY_TIMEOUT_MS} ms`)
    }, HANDSHAKE_REPLY_TIMEOUT_MS)
  }

  private onSubscribed(result: unknown, error: PoolError | null): void {
    if (error !== null || result === null || result === undefined) {
      if (this.triedResume) {
        // cpuminer's fallback: a pool that cannot resume gets a plain subscribe.
        this.sessionId = undefined
        this.subscribe()
        return
      }
      return this.fail(this.socket as Socket, `subscribe refused: ${error?.message ?? 'no result'}`)
    }
    const parsed = parseSubscribeResult(result)
    if (typeof parsed === 'string') return this.fail(this.socket as Socket, `bad subscribe reply: ${parsed}`)
    const xn1 = Buffer.from(parsed.extranonce1).toString('hex')
    const resumed = this.lastExtranonce1 === xn1
    this.sessionId = parsed.sessionId
    this.lastExtranonce1 = xn1
    this.stage = 'authorize'
    this.emit('session', { extranonce1: parsed.extranonce1, extranonce2Size: parsed.extranonce2Size, resumed })
    this.send(encodeRequest(AUTHORIZE_ID, 'mining.authorize', [this.options.user, this.options.password]))
    this.armHandshakeTimer('mining.authorize')
  }

  private onAuthorized(result: unknown, error: PoolError | null): void {
    clearTimeout(this.handshakeTimer)
    const socket = this.socket as Socket
    if (error !== null || result !== true) {
      const e = error ?? { code: undefined, message: `result ${JSON.stringify(result)}` }
      this.emit('unauthorized', { user: this.options.user, error: e })
      return this.fail(socket, `authorize refused: ${e.message}`)
    }
    this.stage = 'mining'
    this.failures = 0
    // A pool reached by client.reconnect outside the list: a later drop moves on from the list's next pool.
    const listed = this.pools.findIndex((p) => p.host === this.endpoint.host && p.port === this.endpoint.port)
    if (listed >= 0) this.poolIndex = listed
    this.emit('authorized', { user: this.options.user })
    if (this.options.extranonceSubscribe === true)
      this.send(encodeRequest(EXTRANONCE_SUBSCRIBE_ID, 'mining.extranonce.subscribe', []))
  }

  // --- messages --------------------------------------------------------------------------------
  private onLine(line: string): void {
    const parsed = parsePoolLine(line)
    if (!parsed.ok) {
      log.warn(`pool line skipped (${parsed.reason}): ${line.slice(0, 200)}`)
      this.emit('bad-line', parsed.reason)
      return
    }
    this.onMessage(parsed.message)
  }

  private onMessage(m: PoolMessage): void {
    switch (m.kind) {
      case 'response':
        return this.onResponse(m.id, m.result, m.error)
      case 'notify':
        return this.emit('notify', m.job)
      case 'set-difficulty':
        return this.emit('difficulty', m.difficulty)
      case 'set-extranonce':
        this.lastExtranonce1 = Buffer.from(m.extranonce1).toString('hex')
        return this.emit('extranonce', { extranonce1: m.extranonce1, extranonce2Size: m.extranonce2Size })
      case 'reconnect':
        return this.onReconnectRequest(m.host, m.port, m.waitSeconds)
      case 'show-message':
        return this.emit('message', m.text)
      case 'ping':
        return this.reply(m.id, 'pong')
      case 'get-version':
        return this.reply(m.id, this.options.userAgent ?? RIG_USER_AGENT)
      case 'other':
        if (m.id !== null) this.send(encodeError(m.id, ERROR_METHOD_NOT_FOUND, `Method not supported: ${m.method}`))
    }
  }

  private reply(id: RpcId, result: unknown): void {
    if (id !== null) this.send(encodeResult(id, result))
  }

  private onResponse(id: RpcId, result: unknown, error: PoolError | null): void {
    if (id === SUBSCRIBE_ID && this.stage === 'subscribe') return this.onSubscribed(result, error)
    if (id === AUTHORIZE_ID && this.stage === 'authorize') return this.onAuthorized(result, error)
    if (id === EXTRANONCE_SUBSCRIBE_ID) {
      if (error !== null) log.info(`pool does not take mining.extranonce.subscribe: ${error.message}`)
      return
    }
    if (typeof id !== 'number') return
    const resolve = this.pending.get(id)
    if (resolve === undefined) return
    this.pending.delete(id)
    if (error === null && result === true) resolve({ kind: 'accepted' })
    else resolve({ kind: 'rejected', reason: error?.message ?? `result ${JSON.stringify(result)}`, code: error?.code })
  }

  /** client.reconnect [host?, port?, wait?]: close, wait, reconnect there (same host and port when omitted). */
  private onReconnectRequest(host: string | undefined, port: number | undefined, waitSeconds: number): void {
    const endpoint = { host: host ?? this.endpoint.host, port: port ?? this.endpoint.port }
    const waitMs = Math.min(waitSeconds, MAX_RECONNECT_WAIT_SECONDS) * 1000
    log.info(`pool asked to reconnect to ${endpoint.host}:${endpoint.port} in ${waitMs / 1000} s`)
    this.requested = { endpoint, waitMs }
    this.socket?.end()
  }
}

/**
 * Where and when to connect after an unrequested disconnect, with `failures` failed connections in a row
 * before this one (0: the pool we just lost was mining). With a pool list the next pool is dialled at
 * once (cgminer's failover), so a rig whose relay died mines on another relay within a connect; only
 * after every pool failed in a row does it wait, doubling from RECONNECT_FIRST_DELAY_MS per full round up
 * to RECONNECT_MAX_DELAY_MS. With one pool every retry waits, as cpuminer does.
 */
export function nextPoolAttempt(pools: number, current: number, failures: number): { index: number; delayMs: number } {
  if (pools <= 1)
    return { index: 0, delayMs: Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_FIRST_DELAY_MS * 2 ** failures) }
  const index = (current + 1) % pools
  const rounds = Math.floor((failures + 1) / pools)
  const delayMs = rounds === 0 ? 0 : Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_FIRST_DELAY_MS * 2 ** (rounds - 1))
  return { index, delayMs }
}
