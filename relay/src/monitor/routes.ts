// The monitor's read-only endpoints under /api/v1/monitor/, handed to the HTTP server as a route: history for the
// PWA's charts, the live stream of 1-second samples and alert events, alerts, trends, and the
// Prometheus alerting-rules file. relay/src/http/api.ts checks method, URL length and bodies before a route runs here.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { AddressError } from '@otedama/shared/address'
import type { ApiRoute } from '../http/observer-api'
import { LiveStream } from '../http/stream'
import { HistoryQueryError, MAX_QUERY_SERIES } from './history'
import type { Monitor } from './monitor'

/** Longest `series` parameter (chars): MAX_QUERY_SERIES names of up to ~330 chars (rig keys). */
export const MAX_SERIES_PARAM_CHARS = 1800
/** Default and largest `limit` of alert events answered (count). */
export const ALERT_EVENTS_DEFAULT = 100
export const ALERT_EVENTS_MAX = 1000
/** Longest rig key accepted in `rig=` (chars): an address and a worker name. */
const MAX_RIG_PARAM_CHARS = 512

function send(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  res.end(head ? undefined : text)
}

const fail = (res: ServerResponse, status: number, code: string, message: string, head: boolean): void =>
  send(res, status, { error: { code, message } }, head)

export interface MonitorRoutes {
  route: ApiRoute
  /** Ends the live stream's clients and timer. */
  close: () => void
}

export function createMonitorRoutes(monitor: Monitor): MonitorRoutes {
  const stream = new LiveStream(() => monitor.liveFrame())
  const route: ApiRoute = async (url, res, head) => {
    const path = url.pathname
    if (!path.startsWith('/api/v1/monitor/')) return false
    switch (path) {
      case '/api/v1/monitor/history': {
        const raw = url.searchParams.get('series')
        if (raw !== null && raw.length > MAX_SERIES_PARAM_CHARS) {
          fail(
            res,
            400,
            'bad-series',
            `series is longer than ${MAX_SERIES_PARAM_CHARS} characters (at most ${MAX_QUERY_SERIES} series)`,
            head
          )
          return true
        }
        const series =
          raw === null
            ? undefined
            : raw
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '')
        try {
          send(res, 200, monitor.queryHistory(url.searchParams.get('range') ?? '1h', series), head)
        } catch (err) {
          if (!(err instanceof HistoryQueryError)) throw err
          fail(res, 400, 'bad-query', err.message, head)
        }
        return true
      }
      case '/api/v1/monitor/alerts': {
        const raw = url.searchParams.get('limit')
        const limit = raw === null ? ALERT_EVENTS_DEFAULT : /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN
        if (!(limit >= 1 && limit <= ALERT_EVENTS_MAX)) {
          fail(res, 400, 'bad-limit', `limit must be a whole number 1..${ALERT_EVENTS_MAX}`, head)
          return true
        }
        send(res, 200, monitor.alerts(limit), head)
        return true
      }
      case '/api/v1/monitor/trends': {
        const rig = url.searchParams.get('rig') ?? undefined
        const address = url.searchParams.get('address') ?? undefined
        if ((rig?.length ?? 0) > MAX_RIG_PARAM_CHARS || (address?.length ?? 0) > MAX_RIG_PARAM_CHARS) {
          fail(res, 400, 'bad-query', `rig and address are at most ${MAX_RIG_PARAM_CHARS} characters`, head)
          return true
        }
        try {
          send(
            res,
            200,
            monitor.trends({ ...(rig !== undefined ? { rig } : {}), ...(address !== undefined ? { address } : {}) }),
            head
          )
        } catch (err) {
          if (!(err instanceof AddressError)) throw err
          fail(res, 400, 'bad-address', err.message, head)
        }
        return true
      }
      case '/api/v1/monitor/prometheus-rules': {
        const text = monitor.prometheusRules()
        res.writeHead(200, {
          'content-type': 'application/yaml; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          'cache-control': 'no-store'
        })
        res.end(head ? undefined : text)
        return true
      }
      case '/api/v1/monitor/stream': {
        const req = res.req as IncomingMessage
        const refusal = stream.open(req, res)
        if (refusal !== undefined) {
          res.setHeader('retry-after', '10')
          fail(res, refusal.status, refusal.code, refusal.message, head)
        }
        return true
      }
      default:
        fail(
          res,
          404,
          'not-found',
          `no monitor endpoint ${path}; see /api/v1/monitor/history, stream, alerts, trends, prometheus-rules`,
          head
        )
        return true
    }
  }
  return { route, close: () => stream.close() }
}
