// The operator's endpoints under /admin/v1/, for `npm run relay -- bans ...` and `store snapshot` against
// a running relay: a bearer token that the relay writes at start into <dataDir>/admin.json (mode 0600,
// readable only by the operator's account) guards them. Without a token configured they do not exist.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

export const ADMIN_PREFIX = '/admin/v1/'
/** Longest ban subject (an IPv6 address or a libp2p peer id is well under this), chars. */
const MAX_SUBJECT_CHARS = 128

/** A ban as the operator sees it, from any of the relay's ban lists. */
export interface BanView {
  /** IP address (Stratum) or libp2p peer id. */
  subject: string
  kind: 'stratum-ip' | 'p2p-peer'
  /** Wall-clock ms when it ends. */
  until: number
  reason: string
}

export interface AdminControls {
  bans: () => Promise<BanView[]>
  /** Lifts every ban on `subject`; resolves to the bans lifted (none: nothing was banned). */
  liftBan: (subject: string) => Promise<BanView[]>
  /** An online snapshot of the store into `target` (default: <dataDir>/backups/...). */
  snapshot: (target?: string) => Promise<{ dir: string; entries: number; bytes: number; digest: string }>
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store'
  })
  res.end(text)
}

function authorized(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '')
  const wanted = Buffer.from(`Bearer ${token}`)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}

/** Answers /admin/v1/ requests; false for any other path. */
export function createAdminHandler(controls: AdminControls, token: string) {
  return async function handleAdmin(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://relay')
    if (!url.pathname.startsWith(ADMIN_PREFIX)) return false
    if (!authorized(req, token)) {
      send(res, 401, {
        error: {
          code: 'unauthorized',
          message: 'admin endpoints need "authorization: Bearer <token>" from <dataDir>/admin.json'
        }
      })
      return true
    }
    const path = url.pathname.slice(ADMIN_PREFIX.length)
    if (path === 'bans' && req.method === 'GET') {
      send(res, 200, { bans: await controls.bans() })
      return true
    }
    const lift = /^bans\/([^/]+)$/.exec(path)
    if (lift !== null && req.method === 'DELETE') {
      let subject: string
      try {
        subject = decodeURIComponent(lift[1])
      } catch {
        send(res, 400, { error: { code: 'bad-subject', message: 'the ban subject is not valid URL encoding' } })
        return true
      }
      if (subject.length > MAX_SUBJECT_CHARS) {
        send(res, 400, {
          error: { code: 'bad-subject', message: `a ban subject is at most ${MAX_SUBJECT_CHARS} characters` }
        })
        return true
      }
      const lifted = await controls.liftBan(subject)
      send(
        res,
        lifted.length > 0 ? 200 : 404,
        lifted.length > 0 ? { lifted } : { error: { code: 'not-banned', message: `${subject} is not banned` } }
      )
      return true
    }
    if (path === 'snapshot' && req.method === 'POST') {
      const to = url.searchParams.get('to') ?? undefined
      send(res, 200, await controls.snapshot(to))
      return true
    }
    send(res, 404, {
      error: { code: 'not-found', message: 'admin endpoints: GET bans, DELETE bans/<subject>, POST snapshot?to=<dir>' }
    })
    return true
  }
}
