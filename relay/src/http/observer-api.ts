// The read-only observer endpoints under /api/v1/ (the PWA's Pool screen, a miner's page, Connect a
// rig, and the hashrate charts). api.ts checks method, URL length and bodies before a route runs here.
import type { ServerResponse } from 'node:http'
import { AddressError } from '@otedama/shared/address'
import {
  BLOCKS_PAGE_DEFAULT,
  BLOCKS_PAGE_MAX,
  HISTORY_RANGES,
  PAYEES_PAGE_DEFAULT,
  PAYEES_PAGE_MAX,
  type ObserverModel
} from './observer-model'

/** One extra API route: answers and returns true when the path is its own. */
export type ApiRoute = (url: URL, res: ServerResponse, head: boolean) => Promise<boolean>

/** Largest offset a paged list accepts (items). */
export const MAX_PAGE_OFFSET = 100_000

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

/** A whole number query parameter in [min, max], its default when absent, or a message saying what is wrong. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number | string {
  const raw = url.searchParams.get(name)
  if (raw === null) return fallback
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN
  return n >= min && n <= max ? n : `${name} must be a whole number ${min}..${max}`
}

export function createObserverRoutes(model: ObserverModel): ApiRoute {
  return async (url, res, head) => {
    const path = url.pathname
    if (path === '/api/v1/pool') {
      const page = {
        blocksOffset: intParam(url, 'blocksOffset', 0, 0, MAX_PAGE_OFFSET),
        blocksLimit: intParam(url, 'blocksLimit', BLOCKS_PAGE_DEFAULT, 1, BLOCKS_PAGE_MAX),
        payeesOffset: intParam(url, 'payeesOffset', 0, 0, MAX_PAGE_OFFSET),
        payeesLimit: intParam(url, 'payeesLimit', PAYEES_PAGE_DEFAULT, 1, PAYEES_PAGE_MAX)
      }
      const bad = Object.values(page).find((v) => typeof v === 'string')
      if (typeof bad === 'string') fail(res, 400, 'bad-page', bad, head)
      else send(res, 200, await model.pool(page as Record<keyof typeof page, number>), head)
      return true
    }
    const miner = /^\/api\/v1\/miners\/([^/]{1,256})$/.exec(path)
    if (miner !== null) {
      let address: string
      try {
        address = decodeURIComponent(miner[1] as string)
      } catch {
        fail(res, 400, 'bad-address', 'the address is not valid URL encoding', head)
        return true
      }
      try {
        send(res, 200, await model.miner(address), head)
      } catch (err) {
        if (!(err instanceof AddressError)) throw err
        fail(res, 400, 'bad-address', err.message, head)
      }
      return true
    }
    if (path === '/api/v1/history') {
      const range = url.searchParams.get('range') ?? '1h'
      const history = model.history(range)
      if (history === undefined)
        fail(res, 400, 'bad-range', `range must be one of ${Object.keys(HISTORY_RANGES).join(', ')}`, head)
      else send(res, 200, history, head)
      return true
    }
    if (path === '/api/v1/connect') {
      send(res, 200, model.connect(), head)
      return true
    }
    return false
  }
}
