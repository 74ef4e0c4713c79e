// Per-client limits in front of every HTTP handler, so that one client (or a few) cannot take the relay's
// HTTP away from everyone else, nor its event loop away from Stratum and libp2p (they share it):
// connections per IP, a global connection cap that pushes out the oldest connection still waiting for
// its request headers (slowloris) before it refuses a new one, requests per IP, and a short-lived cache
// with a global render budget for the endpoints whose answers cost CPU or database reads.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { createLogger } from '@otedama/shared/log'
import { PeerRateLimiter } from '@otedama/shared/p2p'
import { BoundedMap } from '@otedama/shared/util'

const log = createLogger('http/guard')

export interface HttpLimits {
  /** Open connections in all (sockets). */
  maxConnections: number
  /** Open connections from one IP address (a NAT may hold a household's tabs and dashboards). */
  maxConnectionsPerIp: number
  /** Requests per second one IP may make, sustained, and at once (a PWA load is ~20 requests). */
  requestsPerIpPerSecond: number
  requestBurstPerIp: number
  /** How long (ms) a heavy endpoint's answer is reused for the same URL: metrics are 1-second figures anyway. */
  heavyCacheMs: number
  /** Heavy answers remembered (URLs). */
  heavyCacheEntries: number
  /** Heavy answers computed per second for all clients together (cache misses), and at once. */
  heavyRendersPerSecond: number
  heavyRenderBurst: number
}

/** Defaults; every figure is documented in relay/README.md (HTTP limits). */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = {
  maxConnections: 1024,
  maxConnectionsPerIp: 64,
  requestsPerIpPerSecond: 20,
  requestBurstPerIp: 60,
  heavyCacheMs: 1000,
  heavyCacheEntries: 256,
  heavyRendersPerSecond: 50,
  heavyRenderBurst: 100
}

/** Paths whose answers are computed from the share chain, the store or the quorum (cached, budgeted). */
const HEAVY_PATH =
  /^\/(metrics|api\/v1\/(status|sharechain|sharechain\/share\/[^/]+|blocks|rigs|template|templates\/[^/]+|payouts\/[^/]+|monitor\/history))$/
/** Budget key of the global heavy-render bucket (PeerRateLimiter keys buckets by name). */
const HEAVY_BUDGET_KEY = 'all'

export interface GuardCounters {
  /** Connections refused or closed, by why. */
  refusedPerIp: number
  refusedFull: number
  evictedSlow: number
  /** Requests answered 429 (per-IP rate) and 503 (heavy budget spent, nothing cached). */
  rateLimited: number
  heavyBusy: number
  heavyCacheHits: number
}

interface CachedAnswer {
  at: number
  status: number
  headers: Record<string, string | number | string[]>
  body: Buffer
}

interface SocketState {
  ip: string
  openedAt: number
  /** A request is being answered on it (or a stream is open): never pushed out for being slow. */
  busy: boolean
  /** Since when it has waited for (the rest of) a request's headers. */
  waitingSince: number
}

/** IPv4-mapped IPv6 addresses are one client with their IPv4 form. */
export function clientIp(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown'
  return address.startsWith('::ffff:') ? address.slice(7) : address
}

export class HttpGuard {
  readonly limits: HttpLimits
  readonly counters: GuardCounters = {
    refusedPerIp: 0,
    refusedFull: 0,
    evictedSlow: 0,
    rateLimited: 0,
    heavyBusy: 0,
    heavyCacheHits: 0
  }
  private readonly sockets = new Map<Socket, SocketState>()
  private readonly perIp = new Map<string, number>()
  private readonly requests: PeerRateLimiter
  private readonly heavyBudget: PeerRateLimiter
  private readonly cache: BoundedMap<string, CachedAnswer>

  constructor(
    limits: Partial<HttpLimits> = {},
    private readonly now: () => number = Date.now
  ) {
    this.limits = { ...DEFAULT_HTTP_LIMITS, ...limits }
    for (const [name, value] of Object.entries(this.limits)) {
      if (!(value > 0)) throw new RangeError(`HTTP limit ${name} must be > 0, got ${value}`)
    }
    this.requests = new PeerRateLimiter(this.limits.requestsPerIpPerSecond, this.limits.requestBurstPerIp, now)
    this.heavyBudget = new PeerRateLimiter(this.limits.heavyRendersPerSecond, this.limits.heavyRenderBurst, now)
    this.cache = new BoundedMap(this.limits.heavyCacheEntries)
  }

  /** Installs the connection accounting on a server (before it listens). */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admitConnection(socket))
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const state = this.sockets.get(req.socket)
      if (state === undefined) return
      state.busy = true
      res.once('close', () => {
        state.busy = false
        state.waitingSince = this.now()
      })
    })
  }

  connections(): number {
    return this.sockets.size
  }

  connectionsOf(ip: string): number {
    return this.perIp.get(ip) ?? 0
  }

  private admitConnection(socket: Socket): void {
    const ip = clientIp(socket)
    if ((this.perIp.get(ip) ?? 0) >= this.limits.maxConnectionsPerIp) {
      this.counters.refusedPerIp++
      log.debug(`${ip}: over ${this.limits.maxConnectionsPerIp} connections, refused`)
      socket.destroy()
      return
    }
    if (this.sockets.size >= this.limits.maxConnections && !this.evictSlowest()) {
      this.counters.refusedFull++
      socket.destroy()
      return
    }
    const now = this.now()
    this.sockets.set(socket, { ip, openedAt: now, busy: false, waitingSince: now })
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1)
    socket.once('close', () => {
      this.sockets.delete(socket)
      const left = (this.perIp.get(ip) ?? 1) - 1
      if (left <= 0) this.perIp.delete(ip)
      else this.perIp.set(ip, left)
    })
  }

  /** Closes the connection that has waited longest for request headers; false when every one is busy. */
  private evictSlowest(): boolean {
    let oldest: [Socket, SocketState] | undefined
    for (const entry of this.sockets) {
      if (!entry[1].busy && (oldest === undefined || entry[1].waitingSince < oldest[1].waitingSince)) oldest = entry
    }
    if (oldest === undefined) return false
    this.counters.evictedSlow++
    oldest[0].destroy()
    // 'close' comes later; free its place now so the new connection fits.
    this.sockets.delete(oldest[0])
    const left = (this.perIp.get(oldest[1].ip) ?? 1) - 1
    if (left <= 0) this.perIp.delete(oldest[1].ip)
    else this.perIp.set(oldest[1].ip, left)
    return true
  }

  /**
   * Runs `handler` for `req` unless the client is over its request rate (429) or the heavy budget is
   * spent with nothing cached (503); heavy GET answers are served from, and stored in, the cache.
   */
  async handle(req: IncomingMessage, res: ServerResponse, handler: () => Promise<void>): Promise<void> {
    const ip = clientIp(req.socket)
    if (!this.requests.tryTake(ip)) {
      this.counters.rateLimited++
      return tooMany(
        res,
        429,
        'rate-limited',
        `more than ${this.limits.requestsPerIpPerSecond} requests a second from ${ip}; slow down`
      )
    }
    const path = (req.url ?? '/').split('?')[0]
    const cacheable = (req.method === 'GET' || req.method === 'HEAD') && HEAVY_PATH.test(path)
    if (!cacheable) return await handler()
    const key = req.url ?? '/'
    const cached = this.cache.get(key)
    const now = this.now()
    if (cached !== undefined && now - cached.at < this.limits.heavyCacheMs) return this.serveCached(req, res, cached)
    if (!this.heavyBudget.tryTake(HEAVY_BUDGET_KEY)) {
      // Over budget: a stale answer beats none; without one, the client retries.
      if (cached !== undefined) return this.serveCached(req, res, cached)
      this.counters.heavyBusy++
      return tooMany(res, 503, 'busy', 'the relay is answering many requests; retry in a second')
    }
    if (req.method === 'GET') this.capture(key, res)
    await handler()
  }

  private serveCached(req: IncomingMessage, res: ServerResponse, cached: CachedAnswer): void {
    this.counters.heavyCacheHits++
    res.writeHead(cached.status, cached.headers)
    res.end(req.method === 'HEAD' ? undefined : cached.body)
  }

  /** Keeps a 200 answer's head and body as the handler writes them (sendJson and /metrics write once). */
  private capture(key: string, res: ServerResponse): void {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
    let headers: Record<string, string | number | string[]> = {}
    ;(res as unknown as { writeHead: (...args: unknown[]) => ServerResponse }).writeHead = (...args: unknown[]) => {
      const given = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null && !Array.isArray(a))
      if (given !== undefined) headers = { ...(given as Record<string, string | number | string[]>) }
      return writeHead(...args)
    }
    ;(res as unknown as { end: (...args: unknown[]) => ServerResponse }).end = (...args: unknown[]) => {
      const chunk = args[0]
      if (res.statusCode === 200 && (typeof chunk === 'string' || chunk instanceof Uint8Array)) {
        const merged = { ...headersOf(res), ...headers }
        this.remember(key, { at: this.now(), status: 200, headers: merged, body: Buffer.from(chunk) })
      }
      return end(...args)
    }
  }

  private remember(key: string, answer: CachedAnswer): void {
    this.cache.delete(key)
    this.cache.set(key, answer)
  }
}

function headersOf(res: ServerResponse): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {}
  for (const [k, v] of Object.entries(res.getHeaders())) if (v !== undefined) out[k] = v
  return out
}

function tooMany(res: ServerResponse, status: 429 | 503, code: string, message: string): void {
  const text = JSON.stringify({ error: { code, message } })
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'retry-after': '1',
    'cache-control': 'no-store'
  })
  res.end(text)
}
