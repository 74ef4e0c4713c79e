import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFile } from 'node:fs/promises'
import { createLogger } from '../../../shared/src/log'
import { createApiHandler, sendError } from './api'
import { createStaticHandler } from './static'
import type { ApiContext } from './views'

const log = createLogger('http')

/** Time to receive a request's headers (ms) and the whole request (ms); the stream is exempt once open. */
export const HEADERS_TIMEOUT_MS = 10_000
export const REQUEST_TIMEOUT_MS = 30_000
/** Largest request header block (bytes). */
export const MAX_HEADER_BYTES = 16 * 1024
/** Most simultaneous connections. */
export const MAX_CONNECTIONS = 1024

export interface HttpInit {
  host: string
  port: number
  tlsCert?: string
  tlsKey?: string
  /** The built PWA (dist/). */
  staticRoot: string
  api: ApiContext
}

export interface RelayHttpServer {
  server: Server
  /** Resolves with the bound port (useful with port 0). */
  listen: () => Promise<number>
  close: () => Promise<void>
  url: () => string
}

/** One port for the PWA, the JSON API, the live stream and /metrics; HTTPS when a cert and key are given. */
export async function createRelayHttpServer (init: HttpInit): Promise<RelayHttpServer> {
  const api = createApiHandler(init.api)
  const serveStatic = createStaticHandler(init.staticRoot)
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    (async () => {
      if (await api.handle(req, res)) return
      if (!(await serveStatic(req, res))) sendError(res, 405, 'method-not-allowed', `${req.method ?? '?'} is not allowed here`, { allow: 'GET, HEAD' })
    })().catch((err: unknown) => {
      log.error(`${req.url ?? ''}: ${(err as Error).message}`)
      if (!res.headersSent) sendError(res, 500, 'internal', 'the relay failed to answer; see its log')
      else res.destroy()
    })
  }
  const options = { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }
  const tls = init.tlsCert !== undefined && init.tlsKey !== undefined
  const server: Server = tls
    ? createHttpsServer({ ...options, cert: await readFile(init.tlsCert as string), key: await readFile(init.tlsKey as string) }, handler)
    : createHttpServer(options, handler)
  server.maxConnections = MAX_CONNECTIONS
  let port = init.port
  return {
    server,
    async listen () {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(init.port, init.host, () => { server.off('error', reject); resolve() })
      })
      const address = server.address()
      port = typeof address === 'object' && address !== null ? address.port : init.port
      log.info(`serving on ${tls ? 'https' : 'http'}://${init.host}:${port}/`)
      return port
    },
    async close () {
      api.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    url: () => `${tls ? 'https' : 'http'}://${init.host.includes(':') ? `[${init.host}]` : init.host}:${port}`
  }
}
