// Node side of the browser P2P harness (e2e/webrtc.e2e.ts, bench/p2p-browser.bench.ts): bundles
// harness.ts with esbuild and serves it on a loopback HTTP origin.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { promisify } from 'node:util'

/** Flags for Debian's Chromium: loopback ICE candidates (docs/field-notes.md (libp2p)); no sandbox in containers. */
export const HARNESS_CHROMIUM_ARGS = ['--allow-loopback-in-peer-connection', '--no-sandbox']

export async function buildHarness(outDir: string): Promise<void> {
  await promisify(execFile)('node_modules/.bin/esbuild', [
    'web/test/p2p-harness/harness.ts',
    '--bundle',
    '--format=esm',
    '--platform=browser',
    '--target=es2022',
    `--outfile=${join(outDir, 'harness.js')}`,
    '--log-level=warning'
  ])
}

export function serveHarness(dir: string): Promise<{ server: Server; origin: string }> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>p2p harness</title><script type="module" src="/harness.js"></script>'
  const server = createServer((req, res) => {
    if (req.url === '/harness.js') {
      void readFile(join(dir, 'harness.js')).then((js) =>
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
      )
    } else res.writeHead(200, { 'content-type': 'text/html' }).end(html)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({ server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })
    })
  )
}
