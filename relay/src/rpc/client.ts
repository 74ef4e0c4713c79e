import { request as httpRequest, Agent as HttpAgent } from 'node:http'
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https'
import { readFile } from 'node:fs/promises'
import { RpcCallError, RpcProtocolError, RpcTransportError } from './errors'

/** Default time one call may take, connect to last byte (ms). getblocktemplate on a full mempool takes < 1 s. */
export const RPC_TIMEOUT_MS = 15_000
/** Largest answer accepted (bytes): a full 4 MWU block template as hex is ~8 MiB, plus JSON overhead. */
export const RPC_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
/** Largest request body we send (bytes): submitblock of a 4 MB block as hex, plus MWEB data. */
export const RPC_MAX_REQUEST_BYTES = 24 * 1024 * 1024

/** Concurrent calls per client; more wait in the agent's queue (daemon default -rpcthreads=4). */
const MAX_SOCKETS = 4

export type RpcAuth =
  | { kind: 'cookie', cookieFile: string }
  | { kind: 'userpass', user: string, password: string }
  | { kind: 'none' }

export interface RpcClientInit {
  /** http(s)://host:port of the daemon's RPC server; a path selects a wallet (/wallet/<name>). */
  url: string
  auth: RpcAuth
  timeoutMs?: number
  maxResponseBytes?: number
}

export interface CallOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * JSON-RPC 1.0 client for bitcoind/litecoind. Each call opens its own loopback connection (no
 * keep-alive: idle kept-alive connections delay the daemon's shutdown by ~10 s, measured with
 * litecoind 0.21), so a long poll never holds up other calls. The cookie file is read on first use
 * and again after a 401, because the daemon writes a new cookie each time it starts.
 */
export class RpcClient {
  readonly url: URL
  private readonly auth: RpcAuth
  private readonly timeoutMs: number
  private readonly maxResponseBytes: number
  private readonly agent: HttpAgent
  private authHeader: string | undefined
  private nextId = 1

  constructor (init: RpcClientInit) {
    this.url = new URL(init.url)
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new TypeError(`RPC url must be http:// or https://, got ${init.url}`)
    }
    this.auth = init.auth
    this.timeoutMs = init.timeoutMs ?? RPC_TIMEOUT_MS
    this.maxResponseBytes = init.maxResponseBytes ?? RPC_MAX_RESPONSE_BYTES
    this.agent = this.url.protocol === 'https:'
      ? new HttpsAgent({ keepAlive: false, maxSockets: MAX_SOCKETS })
      : new HttpAgent({ keepAlive: false, maxSockets: MAX_SOCKETS })
  }

  /** Calls `method`; resolves to its `result`, or throws one of the three RPC error classes. */
  async call (method: string, params: unknown[] | Record<string, unknown> = [], opts: CallOptions = {}): Promise<unknown> {
    const id = this.nextId++
    const body = JSON.stringify({ jsonrpc: '1.0', id, method, params })
    if (body.length > RPC_MAX_REQUEST_BYTES) {
      throw new RangeError(`${method}: request of ${body.length} bytes exceeds RPC_MAX_REQUEST_BYTES`)
    }
    let answer = await this.post(method, body, opts, false)
    if (answer.status === 401 && this.auth.kind === 'cookie') {
      this.authHeader = undefined // the daemon restarted and wrote a new cookie
      answer = await this.post(method, body, opts, true)
    }
    return parseReply(method, id, answer.status, answer.body)
  }

  /** Closes the client's sockets. */
  close (): void {
    this.agent.destroy()
  }

  private async authorization (): Promise<string | undefined> {
    if (this.authHeader !== undefined) return this.authHeader
    if (this.auth.kind === 'none') return undefined
    let credentials: string
    if (this.auth.kind === 'userpass') {
      credentials = `${this.auth.user}:${this.auth.password}`
    } else {
      try {
        credentials = (await readFile(this.auth.cookieFile, 'utf8')).trim()
      } catch (err) {
        throw new RpcTransportError('auth', `cannot read RPC cookie file ${this.auth.cookieFile}: ${(err as Error).message} (is the daemon running with this datadir?)`)
      }
    }
    this.authHeader = 'Basic ' + Buffer.from(credentials).toString('base64')
    return this.authHeader
  }

  private async post (method: string, body: string, opts: CallOptions, isRetry: boolean): Promise<{ status: number, body: Buffer }> {
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
      const req = request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(authorization !== undefined ? { authorization } : {})
        }
      }, (res) => {
        const declared = Number(res.headers['content-length'] ?? 0)
        if (declared > this.maxResponseBytes) {
          fail(new RpcTransportError('too-large', `${method}: answer of ${declared} bytes exceeds the ${this.maxResponseBytes}-byte limit`, method))
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > this.maxResponseBytes) {
            fail(new RpcTransportError('too-large', `${method}: answer exceeds the ${this.maxResponseBytes}-byte limit`, method))
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
            reject(new RpcTransportError('auth', `${method}: the daemon refused our RPC credentials (401); check rpcuser/rpcpassword or the cookie file`, method))
            return
          }
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) })
        })
      })
      const timer = setTimeout(() => fail(new RpcTransportError('timeout', `${method}: no answer within ${timeoutMs} ms from ${this.url.host}`, method)), timeoutMs)
      const onAbort = (): void => fail(new RpcTransportError('timeout', `${method}: aborted`, method))
      if (opts.signal?.aborted === true) { onAbort(); return }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      req.on('error', (err: NodeJS.ErrnoException) => {
        fail(new RpcTransportError('unreachable', `${method}: cannot reach the daemon at ${this.url.host}: ${err.code ?? err.message}`, method))
      })
      req.end(body)
    })
  }
}

/** Strict JSON-RPC reply parsing: the envelope must be an object with our id and exactly one of result/error. */
function parseReply (method: string, id: number, status: number, raw: Buffer): unknown {
  let reply: unknown
  try {
    reply = JSON.parse(raw.toString('utf8'))
  } catch {
    if (status === 503) throw new RpcTransportError('http-status', `${method}: the daemon is starting or shutting down (HTTP 503)`, method)
    if (status !== 200) throw new RpcTransportError('http-status', `${method}: HTTP ${status} with a non-JSON body (is the URL the daemon's RPC port?)`, method)
    throw new RpcProtocolError(`${method}: the answer is not JSON`, method)
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
    throw new RpcProtocolError(`${method}: the answer is not a JSON-RPC object`, method)
  }
  const envelope = reply as Record<string, unknown>
  if (envelope.id !== id) throw new RpcProtocolError(`${method}: the answer's id ${JSON.stringify(envelope.id)} is not ours (${id})`, method)
  const error = envelope.error
  if (error !== null && error !== undefined) {
    if (typeof error !== 'object' || typeof (error as { code?: unknown }).code !== 'number' || typeof (error as { message?: unknown }).message !== 'string') {
      throw new RpcProtocolError(`${method}: malformed error object in the answer`, method)
    }
    const { code, message } = error as { code: number, message: string }
    throw new RpcCallError(code, message.slice(0, 500), method)
  }
  if (status !== 200) throw new RpcTransportError('http-status', `${method}: HTTP ${status} without an error object`, method)
  if (!('result' in envelope)) throw new RpcProtocolError(`${method}: the answer has neither result nor error`, method)
  return envelope.result
}
