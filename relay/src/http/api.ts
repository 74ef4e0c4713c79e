import type { IncomingMessage, ServerResponse } from 'node:http'
import { createLogger } from '@otedama/shared/log'
import { AddressError } from '@otedama/shared/address'
import { createPrometheusExporter } from './prometheus'
import { LiveStream } from './stream'
import type { Registry } from 'prom-client'
import type { ApiContext, PrometheusSample } from './views'
import type { ApiRoute } from './observer-api'
import { errorStack } from '@otedama/shared/util'

const log = createLogger('http/api')

export const API_PREFIX = '/api/v1/'
/** Longest request URL accepted (chars). */
export const MAX_URL_CHARS = 2048
/** The API takes no request bodies (bytes). */
export const MAX_REQUEST_BODY_BYTES = 0
/** Default and largest `limit` of list endpoints (items). */
export const DEFAULT_LIST_LIMIT = 50
export const MAX_LIST_LIMIT = 1000
export { MAX_STREAM_CLIENTS, STREAM_INTERVAL_MS } from './stream'

function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  res.end(head ? undefined : text)
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {}
): void {
  if (Object.keys(extra).length > 0) for (const [k, v] of Object.entries(extra)) res.setHeader(k, v)
  sendJson(res, status, { error: { code, message } })
}

function limitOf(url: URL): number | string {
  const raw = url.searchParams.get('limit')
  if (raw === null) return DEFAULT_LIST_LIMIT
  if (!/^\d{1,7}$/.test(raw)) return `limit must be a whole number 1..${MAX_LIST_LIMIT}`
  const n = Number(raw)
  return n >= 1 && n <= MAX_LIST_LIMIT ? n : `limit must be a whole number 1..${MAX_LIST_LIMIT}`
}

/** What /metrics carries besides the read model's figures, and the routes beside the API's own. */
export interface ApiHandlerExtras {
  /** Further read-only API routes (the observer and monitor endpoints). */
  routes?: ApiRoute[]
  /** More /metrics series (HTTP limits, log suppression): the HTTP server's own. */
  extraMetrics?: () => PrometheusSample[]
  /** prom-client registries appended to /metrics (the monitor's histograms and per-rig series). */
  prometheusRegistries?: readonly Registry[]
}

/**
 * The JSON API under /api/v1/, the live stream (SSE), and Prometheus /metrics. Returns false when
 * the path is not ours (the caller serves the PWA).
 */
export function createApiHandler(ctx: ApiContext, extras: ApiHandlerExtras = {}) {
  const extraRoutes = extras.routes ?? []
  const stream = new LiveStream(() => ctx.metrics())
  const prometheus = createPrometheusExporter()

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const rawUrl = req.url ?? '/'
    const isApi =
      rawUrl.startsWith(API_PREFIX) || rawUrl === '/api/v1' || rawUrl === '/metrics' || rawUrl.startsWith('/metrics?')
    if (!isApi) return false
    if (rawUrl.length > MAX_URL_CHARS) {
      sendError(res, 414, 'uri-too-long', `request URL longer than ${MAX_URL_CHARS} characters`)
      return true
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(
        res,
        405,
        'method-not-allowed',
        `${req.method ?? '?'} is not allowed; the API is read-only (GET, HEAD)`,
        { allow: 'GET, HEAD' }
      )
      return true
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > MAX_REQUEST_BODY_BYTES || req.headers['transfer-encoding'] !== undefined) {
      sendError(res, 413, 'body-not-allowed', 'the API takes no request body')
      return true
    }
    const url = new URL(rawUrl, 'http://relay')
    const head = req.method === 'HEAD'
    try {
      await route(url, req, res, head)
    } catch (err) {
      if (err instanceof AddressError) sendError(res, 400, 'bad-address', err.message)
      else {
        log.error(`${url.pathname}: ${errorStack(err)}`)
        sendError(res, 500, 'internal', 'the relay failed to answer; see its log')
      }
    }
    return true
  }

  async function route(url: URL, req: IncomingMessage, res: ServerResponse, head: boolean): Promise<void> {
    const path = url.pathname
    if (path === '/metrics') {
      const text = await prometheus.render(
        ctx.metrics(),
        ctx.status(),
        extras.extraMetrics?.() ?? [],
        extras.prometheusRegistries ?? []
      )
      res.writeHead(200, { 'content-type': prometheus.contentType, 'cache-control': 'no-store' })
      res.end(head ? undefined : text)
      return
    }
    if (path === '/api/v1/status') return sendJson(res, 200, ctx.status(), head)
    if (path === '/api/v1/stream') return openStream(req, res)
    if (path === '/api/v1/rigs') return sendJson(res, 200, { rigs: ctx.rigs() }, head)
    if (path === '/api/v1/templates/current') {
      const template = ctx.currentTemplate()
      return template === undefined
        ? sendError(
            res,
            404,
            'no-template',
            'the relay has no template yet; its source is starting or unhealthy (see /api/v1/status)'
          )
        : sendJson(res, 200, template, head)
    }
    const byId = /^\/api\/v1\/templates\/([0-9a-f]{64})$/.exec(path)
    if (byId !== null) {
      const template = ctx.template(byId[1])
      return template === undefined
        ? sendError(res, 404, 'unknown-template', `no signed announcement of template ${byId[1]} seen recently`)
        : sendJson(res, 200, template, head)
    }
    if (path === '/api/v1/template') {
      const work = await ctx.work()
      return work === undefined
        ? sendError(res, 404, 'no-template', 'the relay has not announced a template yet; retry in a few seconds')
        : sendJson(res, 200, work, head)
    }
    if (path === '/api/v1/sharechain' || path === '/api/v1/blocks') {
      const limit = limitOf(url)
      if (typeof limit === 'string') return sendError(res, 400, 'bad-limit', limit)
      if (path === '/api/v1/sharechain') return sendJson(res, 200, ctx.shareChain(limit), head)
      return sendJson(res, 200, { blocks: await ctx.blocks(limit) }, head)
    }
    const shareId = /^\/api\/v1\/sharechain\/share\/([0-9a-f]{64})$/.exec(path)
    if (shareId !== null) {
      const place = ctx.share(shareId[1])
      if (place !== undefined) return sendJson(res, 200, place, head)
      // Not held: what this relay refused it for lately, if it ever saw it (the sender's diagnosis).
      return sendJson(res, 404, {
        error: {
          code: 'unknown-share',
          message: `this relay holds no share ${shareId[1]} (never received, refused, or pruned below the window)`
        },
        refused: ctx.shareRefusals?.(shareId[1]) ?? []
      })
    }
    const payout = /^\/api\/v1\/payouts\/([^/]{1,256})$/.exec(path)
    if (payout !== null) {
      let address: string
      try {
        address = decodeURIComponent(payout[1])
      } catch {
        return sendError(res, 400, 'bad-address', 'the address is not valid URL encoding')
      }
      return sendJson(res, 200, await ctx.payouts(address), head)
    }
    for (const extra of extraRoutes) if (await extra(url, res, head)) return
    sendError(
      res,
      404,
      'not-found',
      `no API endpoint ${path}; see /api/v1/status, sharechain, payouts/:address, blocks, rigs, templates/current, templates/:id, template, stream`
    )
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    const refusal = stream.open(req, res)
    if (refusal !== undefined) sendError(res, refusal.status, refusal.code, refusal.message, { 'retry-after': '10' })
  }

  return {
    handle,
    /** Ends every stream and the push timer. */
    close(): void {
      stream.close()
    },
    streamClients: () => stream.size,
    stream
  }
}
