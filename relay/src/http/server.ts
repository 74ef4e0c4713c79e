import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFile } from 'node:fs/promises'
import { createLogger, logCounters } from '@otedama/shared/log'
import { createAdminHandler, type AdminControls } from './admin'
import { createApiHandler, sendError } from './api'
import { DEFAULT_HTTP_LIMITS, HttpGuard, type HttpLimits } from './guard'
import { createStaticHandler } from './static'
import type { Registry } from 'prom-client'
import type { ApiContext, PrometheusSample } from './views'
import type { ApiRoute } from './observer-api'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('http')

/** Time to receive a request's headers (ms) and the whole request (ms); the stream is exempt once open. */
export const HEADERS_TIMEOUT_MS = 10_000
export const REQUEST_TIMEOUT_MS = 30_000
/**
 * How often (ms) Node looks for connections past those two timeouts; its default, 30 s, lets a slow
 * sender hold a connection three times longer than HEADERS_TIMEOUT_MS.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1000
/** An idle keep-alive connection is closed after this long (ms) without a new request. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000
/** A connection with no bytes either way for this long (ms) is closed; the live stream writes every second. */
export const SOCKET_IDLE_TIMEOUT_MS = 60_000
/** Largest request header block (bytes). */
export const MAX_HEADER_BYTES = 16 * 1024
/** Most simultaneous connections (guard.ts also caps them per IP). */
export const MAX_CONNECTIONS = DEFAULT_HTTP_LIMITS.maxConnections

export interface HttpInit {
  host: string
  port: number
  tlsCert?: string
  tlsKey?: string
  /** The built PWA (dist/). */
  staticRoot: string
  api: ApiContext
  /** Per-client limits (guard.ts defaults); tests lower them. */
  limits?: Partial<HttpLimits>
  /** The operator's endpoints (/admin/v1/), guarded by this bearer token. */
  admin?: { controls: AdminControls; token: string }
  /** Further read-only API routes (the observer endpoints). */
  routes?: ApiRoute[]
  /** prom-client registries appended to /metrics (the monitor's). */
  prometheusRegistries?: readonly Registry[]
}

export interface RelayHttpServer {
  server: Server
  guard: HttpGuard
  /** Resolves with the bound port (useful with port 0). */
  listen: () => Promise<number>
  close: () => Promise<void>
  url: () => string
}

/** One port for the PWA, the JSON API, the live stream and /metrics; HTTPS when a cert and key are given. */
export async function createRelayHttpServer(init: HttpInit): Promise<RelayHttpServer> {
  const guard = new HttpGuard(init.limits)
  const api = createApiHandler(init.api, {
    routes: init.routes,
    extraMetrics: () => [...guardMetrics(guard, api.stream.counters), ...logMetrics()],
    prometheusRegistries: init.prometheusRegistries
  })
  const serveStatic = createStaticHandler(init.staticRoot)
  const admin = init.admin === undefined ? undefined : createAdminHandler(init.admin.controls, init.admin.token)
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    guard
      .handle(req, res, async () => {
        if (admin !== undefined && (await admin(req, res))) return
        if (await api.handle(req, res)) return
        if (!(await serveStatic(req, res)))
          sendError(res, 405, 'method-not-allowed', `${req.method ?? '?'} is not allowed here`, { allow: 'GET, HEAD' })
      })
      .catch((err: unknown) => {
        log.error(`${req.url ?? ''}: ${errorMessage(err)}`)
        if (!res.headersSent) sendError(res, 500, 'internal', 'the relay failed to answer; see its log')
        else res.destroy()
      })
  }
  const options = {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS
  }
  const tls = init.tlsCert !== undefined && init.tlsKey !== undefined
  const server: Server = tls
    ? createHttpsServer(
        { ...options, cert: await readFile(init.tlsCert as string), key: await readFile(init.tlsKey as string) },
        handler
      )
    : createHttpServer(options, handler)
  // The guard caps connections (in all and per IP) itself: server.maxConnections would refuse new
  // clients while slow ones hold every place.
  guard.attach(server)
  server.setTimeout(SOCKET_IDLE_TIMEOUT_MS, (socket) => socket.destroy())
  let port = init.port
  return {
    server,
    guard,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(init.port, init.host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      const address = server.address()
      port = typeof address === 'object' && address !== null ? address.port : init.port
      log.info(`serving on ${tls ? 'https' : 'http'}://${init.host}:${port}/`)
      return port
    },
    async close() {
      api.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    url: () => `${tls ? 'https' : 'http'}://${init.host.includes(':') ? `[${init.host}]` : init.host}:${port}`
  }
}

function guardMetrics(
  guard: HttpGuard,
  stream: { slowDropped: number; refusedPerIp: number; refusedFull: number }
): PrometheusSample[] {
  const c = guard.counters
  const refused = 'HTTP connections refused or closed by the per-client limits, by reason.'
  const requests = 'HTTP requests answered without running their handler, by reason.'
  const streams = 'Live stream clients refused or dropped, by reason.'
  return [
    { name: 'otedama_http_connections', help: 'Open HTTP connections.', type: 'gauge', value: guard.connections() },
    {
      name: 'otedama_http_connections_refused_total',
      help: refused,
      type: 'counter',
      value: c.refusedPerIp,
      labels: { reason: 'per-ip' }
    },
    {
      name: 'otedama_http_connections_refused_total',
      help: refused,
      type: 'counter',
      value: c.refusedFull,
      labels: { reason: 'full' }
    },
    {
      name: 'otedama_http_connections_refused_total',
      help: refused,
      type: 'counter',
      value: c.evictedSlow,
      labels: { reason: 'slow-headers-evicted' }
    },
    {
      name: 'otedama_http_requests_limited_total',
      help: requests,
      type: 'counter',
      value: c.rateLimited,
      labels: { reason: 'per-ip-rate' }
    },
    {
      name: 'otedama_http_requests_limited_total',
      help: requests,
      type: 'counter',
      value: c.heavyBusy,
      labels: { reason: 'heavy-budget' }
    },
    {
      name: 'otedama_http_requests_limited_total',
      help: requests,
      type: 'counter',
      value: c.heavyCacheHits,
      labels: { reason: 'cached' }
    },
    {
      name: 'otedama_stream_clients_refused_total',
      help: streams,
      type: 'counter',
      value: stream.refusedPerIp,
      labels: { reason: 'per-ip' }
    },
    {
      name: 'otedama_stream_clients_refused_total',
      help: streams,
      type: 'counter',
      value: stream.refusedFull,
      labels: { reason: 'full' }
    },
    {
      name: 'otedama_stream_clients_refused_total',
      help: streams,
      type: 'counter',
      value: stream.slowDropped,
      labels: { reason: 'slow-reader' }
    }
  ]
}

/** Lines the logger dropped or cut, per source (@otedama/shared src/log.ts). */
function logMetrics(): PrometheusSample[] {
  const out: PrometheusSample[] = []
  const counters = Object.entries(logCounters())
  for (const [source, c] of counters)
    out.push({
      name: 'otedama_log_lines_suppressed_total',
      help: "Log lines dropped over their source's rate limit.",
      type: 'counter',
      value: c.suppressed,
      labels: { source }
    })
  for (const [source, c] of counters)
    out.push({
      name: 'otedama_log_lines_truncated_total',
      help: 'Log lines cut to the longest message written.',
      type: 'counter',
      value: c.truncated,
      labels: { source }
    })
  return out
}
