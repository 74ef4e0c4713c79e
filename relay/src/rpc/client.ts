import { request as httpRequest, Agent as HttpAgent } from 'node:http'
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https'
import { readFile } from 'node:fs/promises'
import { RpcCallError, RpcProtocolError, RpcTransportError } from './errors'
import { errorMessage } from '@otedama/shared/util'

/** Default time one call may take, connect to last byte (ms). getblocktemplate on a full mempool takes < 1 s. */
export const RPC_TIMEOUT_MS = 15_000
/** Largest answer accepted (bytes): a full 4 MWU block template as hex is ~8 MiB, plus JSON overhead. */
export const RPC_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
/** Largest request body we send (bytes): submitblock of a 4 MB block as hex, plus MWEB data. */
export const RPC_MAX_REQUEST_BYTES = 24 * 1024 * 1024

/**
 * Calls one client has at the daemon at once (count). The daemon answers with -rpcthreads worker
 * threads (default 4) and queues at most -rpcworkqueue (default 16) more; past that it answers
 * HTTP 500 "Work queue depth exceeded". 3 leaves the default daemon one thread for the relay's long
 * poll (its own client) and keeps every call this client sends answerable at once.
 */
export const RPC_MAX_IN_FLIGHT = 3
/** Calls waiting in the relay for a free slot (count); more fail at once as overloaded. */
export const RPC_MAX_WAITING = 256

export type RpcAuth =
  { kind: 'cookie'; cookieFile: string } | { kind: 'userpass'; user: string; password: string } | { kind: 'none' }

/** Sees each call as it is sent to the daemon (tests count calls; metrics may). */
export interface RpcCallObserver {
  /** `inFlight` counts this call too. */
  onDispatch: (method: string, inFlight: number) => void
}

export interface RpcClientInit {
  /** http(s)://host:port of the daemon's RPC server; a path selects a wallet (/wallet/<name>). */
  url: string
  auth: RpcAuth
  /** Time a call may wait for a free slot, and then time it may take at the daemon (ms each). */
  timeoutMs?: number
  maxResponseBytes?: number
  /** Calls at the daemon at once (default RPC_MAX_IN_FLIGHT); keep it below the daemon's -rpcthreads. */
  maxInFlight?: number
  observer?: RpcCallObserver
}

export interface CallOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * JSON-RPC 1.0 client for bitcoind/litecoind. Each call opens its own loopback connection (no
 * keep-alive: idle kept-alive connections delay the daemon's shutdown by ~10 s, measured with
 * litecoind 0.21), so a long poll never holds up other calls. At most `maxInFlight` calls are at the
 * daemon at once; the rest wait here (not in the daemon's work queue, where a call the relay gave up
 * on would still take a thread). The cookie file is read on first use and again after a 401, because
 * the daemon writes a new cookie each time it starts.
 */
export class RpcClient {
  readonly url: URL
  private readonly auth: RpcAuth
  private readonly timeoutMs: number
  private readonly maxResponseBytes: number
  private readonly agent: HttpAgent
  private readonly maxInFlight: number
  private readonly observer: RpcCallObserver | undefined
  private authHeader: string | undefined
  private nextId = 1
  private inFlight = 0
  private readonly waiting: Array<() => void> = []

  constructor(init: RpcClientInit) {
    this.url = new URL(init.url)
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new TypeError(`RPC url must be http:// or https://, got ${init.url}`)
    }
    this.auth = init.auth
    this.timeoutMs = init.timeoutMs ?? RPC_TIMEOUT_MS
    this.maxResponseBytes = init.maxResponseBytes ?? RPC_MAX_RESPONSE_BYTES
    this.maxInFlight = init.maxInFlight ?? RPC_MAX_IN_FLIGHT
    if (!Number.isSafeInteger(this.maxInFlight) || this.maxInFlight < 1)
      throw new RangeError(`maxInFlight must be a whole number ≥ 1, got ${this.maxInFlight}`)
    this.observer = init.observer
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: false, maxSockets: this.maxInFlight })
        : new HttpAgent({ keepAlive: false, maxSockets: this.maxInFlight })
  }

  /** Calls at the daemon now, and calls waiting for a slot. */
  load(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length }
  }

  /** Calls `method`; resolves to its `result`, or throws one of the three RPC error classes. */
  async call(
    method: string,
    params: unknown[] | Record<string, unknown> = [],
    opts: CallOptions = {}
  ): Promise<unknown> {
    const id = this.nextId++
    const body = JSON.stringify({ jsonrpc: '1.0', id, method, params })
    if (body.length > RPC_MAX_REQUEST_BYTES) {
      throw new RangeError(`${method}: request of ${body.length} bytes exceeds RPC_MAX_REQUEST_BYTES`)
    }
    await this.acquire(method, opts)
    try {
      this.observer?.onDispatch(method, this.inFlight)
      let answer = await this.post(method, body, opts, false)
      if (answer.status === 401 && this.auth.kind === 'cookie') {
        this.authHeader = undefined // the daemon restarted and wrote a new cookie
        answer = await this.post(method, body, opts, true)
      }
      return parseReply(method, id, answer.status, answer.body, this.url.host)
    } finally {
      this.release()
    }
  }

  /** Waits for one of `maxInFlight` slots (at most timeoutMs, and never with RPC_MAX_WAITING already waiting). */
  private async acquire(method: string, opts: CallOptions): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++
      return
    }
    if (this.waiting.length >= RPC_MAX_WAITING) {
      throw new RpcTransportError(
        'overloaded',
        `${method}: ${RPC_MAX_WAITING} calls already wait for the daemon at ${this.url.host} (${this.inFlight} at it); the daemon answers slower than the relay asks`,
        method
      )
    }
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs
    await new Promise<void>((resolve, reject) => {
      const fail = (message: string): void => {
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
        const at = this.waiting.indexOf(grant)
        if (at >= 0) this.waiting.splice(at, 1)
        reject(new RpcTransportError('timeout', message, method))
      }
      const grant = (): void => {
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = (): void => fail(`${method}: aborted`)
      const timer = setTimeout(
        () =>
          fail(
            `${method}: waited ${timeoutMs} ms for one of ${this.maxInFlight} RPC slots to ${this.url.host}; the daemon answers slower than the relay asks`
          ),
        timeoutMs
      )
      if (opts.signal?.aborted === true) {
        onAbort()
        return
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(grant)
    })
  }

  /** Hands the slot to the first waiting call, or frees it. */
  private release(): void {
    const next = this.waiting.shift()
    if (next !== undefined)
      next() // the slot passes on: inFlight stays
    else this.inFlight--
  }

  /** Closes the client's sockets. */
  close(): void {
    this.agent.destroy()
  }

  private async authorization(): Promise<string | undefined> {
    if (this.authHeader !== undefined) return this.authHeader
    if (this.auth.kind === 'none') return undefined
    let credentials: string
    if (this.auth.kind === 'userpass') {
      credentials = `${this.auth.user}:${this.auth.password}`
    } else {
      try {
        credentials = (await readFile(this.auth.cookieFile, 'utf8')).trim()
      } catch (err) {
        throw new RpcTransportError(
          'auth',
          `cannot read RPC cookie file ${this.auth.cookieFile}: ${errorMessage(err)} (is the daemon running with this datadir?)`
        )
      }
    }
    this.authHeader = 'Basic ' + Buffer.from(credentials).toString('base64')
    return this.authHeader
  }

  private async post(
    method: string,
    body: string,
    opts: CallOptions,
    isRetry: boolean
  ): Promise<{ status: number; body: Buffer }> {
    const authorization = await this.authorization()
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs
    const request = this.url.protocol === 'https:' ? httpsRequest : httpRequest
    return await new Promise((resolve, reject) => {
      let settled = false
      const fail = (err: Error): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
        req.destroy()
        reject(err)
      }
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(authorization !== undefined ? { authorization } : {})
          }
        },
        (res) => {
          const declared = Number(res.headers['content-length'] ?? 0)
          if (declared > this.maxResponseBytes) {
            fail(
              new RpcTransportError(
                'too-large',
                `${method}: answer of ${declared} bytes exceeds the ${this.maxResponseBytes}-byte limit`,
                method
              )
            )
            return
          }
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > this.maxResponseBytes) {
              fail(
                new RpcTransportError(
                  'too-large',
                  `${method}: answer exceeds the ${this.maxResponseBytes}-byte limit`,
                  method
                )
              )
              return
            }
            chunks.push(chunk)
          })
          res.on('error', (err) => fail(new RpcTransportError('unreachable', `${method}: ${err.message}`, method)))
          res.on('end', () => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            opts.signal?.removeEventListener('abort', onAbort)
            if (res.statusCode === 401 && (this.auth.kind !== 'cookie' || isRetry)) {
              reject(
                new RpcTransportError(
                  'auth',
                  `${method}: the daemon refused our RPC credentials (401); check rpcuser/rpcpassword or the cookie file`,
                  method
                )
              )
              return
            }
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) })
          })
        }
      )
      const timer = setTimeout(
        () =>
          fail(
            new RpcTransportError(
              'timeout',
              `${method}: no answer within ${timeoutMs} ms from ${this.url.host}`,
              method
            )
          ),
        timeoutMs
      )
      const onAbort = (): void => fail(new RpcTransportError('timeout', `${method}: aborted`, method))
      if (opts.signal?.aborted === true) {
        onAbort()
        return
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      req.on('error', (err: NodeJS.ErrnoException) => {
        fail(new RpcTransportError('unreachable', `${method}: ${connectionFailure(this.url.host, err)}`, method))
      })
      req.end(body)
    })
  }
}

/** Characters of a non-JSON error body quoted in a message. */
const QUOTED_BODY_CHARS = 120

/** What a failed connection means for an operator, from the socket error code. */
function connectionFailure(host: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `nothing listens at ${host} (ECONNREFUSED): is the daemon running, and is its -rpcport this port?`
    case 'ECONNRESET':
    case 'EPIPE':
      return `the daemon at ${host} closed the connection (${err.code}): it is shutting down, or refuses this client (-rpcallowip)`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the daemon's host ${host} (${err.code})`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to the daemon at ${host} (${err.code})`
    default:
      return `cannot reach the daemon at ${host}: ${err.code ?? err.message}`
  }
}

/**
 * The real cause of an HTTP error without a JSON-RPC body. bitcoind/litecoind answer
 * "Work queue depth exceeded" (HTTP 500 in 0.21, 503 in later versions) when -rpcworkqueue is full,
 * 503 while warming up or stopping, 403 to an address outside -rpcallowip, 404 for a wrong path.
 */
function httpFailure(method: string, status: number, body: string, host: string): RpcTransportError {
  if (/work queue depth exceeded/i.test(body)) {
    return new RpcTransportError(
      'overloaded',
      `${method}: the daemon at ${host} is overloaded (HTTP ${status}: its RPC work queue is full); raise -rpcworkqueue / -rpcthreads, or send it fewer calls at once`,
      method
    )
  }
  if (status === 503)
    return new RpcTransportError('http-status', `${method}: the daemon is starting or shutting down (HTTP 503)`, method)
  if (status === 403)
    return new RpcTransportError(
      'http-status',
      `${method}: the daemon at ${host} refuses this client's address (HTTP 403); allow it with -rpcallowip`,
      method
    )
  if (status === 404)
    return new RpcTransportError(
      'http-status',
      `${method}: no RPC endpoint at this URL path on ${host} (HTTP 404); use the root path, or /wallet/<name> for a wallet`,
      method
    )
  const quoted = body.replace(/\s+/g, ' ').trim().slice(0, QUOTED_BODY_CHARS)
  return new RpcTransportError(
    'http-status',
    `${method}: HTTP ${status} from ${host} without a JSON-RPC answer${quoted === '' ? '' : ` ("${quoted}")`}; is the URL the daemon's RPC port?`,
    method
  )
}

/** Strict JSON-RPC reply parsing: the envelope must be an object with our id and exactly one of result/error. */
function parseReply(method: string, id: number, status: number, raw: Buffer, host: string): unknown {
  let reply: unknown
  const text = raw.toString('utf8')
  try {
    reply = JSON.parse(text)
  } catch {
    if (status !== 200) throw httpFailure(method, status, text, host)
    throw new RpcProtocolError(`${method}: the answer is not JSON`, method)
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
    throw new RpcProtocolError(`${method}: the answer is not a JSON-RPC object`, method)
  }
  const envelope = reply as Record<string, unknown>
  if (envelope.id !== id)
    throw new RpcProtocolError(`${method}: the answer's id ${JSON.stringify(envelope.id)} is not ours (${id})`, method)
  const error = envelope.error
  if (error !== null && error !== undefined) {
    if (
      typeof error !== 'object' ||
      typeof (error as { code?: unknown }).code !== 'number' ||
      typeof (error as { message?: unknown }).message !== 'string'
    ) {
      throw new RpcProtocolError(`${method}: malformed error object in the answer`, method)
    }
    const { code, message } = error as { code: number; message: string }
    throw new RpcCallError(code, message.slice(0, 500), method)
  }
  if (status !== 200)
    throw new RpcTransportError('http-status', `${method}: HTTP ${status} without an error object`, method)
  if (!('result' in envelope)) throw new RpcProtocolError(`${method}: the answer has neither result nor error`, method)
  return envelope.result
}
