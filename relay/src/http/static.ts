import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8'
}

/** Files that must be revalidated on every load so a new build reaches users (service worker, shell). */
const NO_CACHE = new Set(['/sw.js', '/index.html', '/manifest.webmanifest', '/registerSW.js'])
const IMMUTABLE_MAX_AGE_S = 365 * 24 * 3600 // hashed asset names never change content

/**
 * Serves the built PWA from `root`, falling back to index.html for client-side routes.
 * Returns false when the request is not a GET/HEAD, so the caller can answer it.
 */
export function createStaticHandler(root: string) {
  const base = resolve(root)
  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    let urlPath: string
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path encoding')
      return true
    }
    if (urlPath.includes('\0')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path')
      return true
    }
    let file = normalize(join(base, urlPath))
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(400).end('bad path')
      return true
    }
    let info = await stat(file).catch(() => undefined)
    if (info?.isDirectory()) {
      file = join(file, 'index.html')
      info = await stat(file).catch(() => undefined)
    }
    let servedPath = urlPath
    if (!info?.isFile()) {
      // An unknown path with an extension is a missing asset; without one it is an app route.
      if (extname(urlPath) !== '') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
        return true
      }
      file = join(base, 'index.html')
      servedPath = '/index.html'
    }
    const body = await readFile(file)
    const cache =
      NO_CACHE.has(servedPath) || servedPath === '/'
        ? 'no-cache'
        : servedPath.startsWith('/assets/')
          ? `public, max-age=${IMMUTABLE_MAX_AGE_S}, immutable`
          : 'public, max-age=3600'
    res.writeHead(200, {
      'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': cache,
      'x-content-type-options': 'nosniff'
    })
    res.end(req.method === 'HEAD' ? undefined : body)
    return true
  }
}
