import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Flags that keep Debian's Chromium quiet on a machine without network access. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

export async function launchChromium (extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] })
}

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface RunningRelay { url: string; process: ChildProcess; stop: () => Promise<void> }

const RELAY_READY_TIMEOUT_MS = 30_000

/** Starts `relay/src/main.ts` (serving the already built dist/) and resolves once it listens. */
export async function startRelay (env: Record<string, string> = {}): Promise<RunningRelay> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/src/main.ts'], {
    env: { ...process.env, OTEDAMA_HTTP_PORT: String(port), OTEDAMA_HTTP_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + RELAY_READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`relay exited with ${child.exitCode}:\n${output}`)
    const ok = await fetch(url + '/').then((r) => r.ok, () => false)
    if (ok) {
      return {
        url,
        process: child,
        stop: async () => {
          if (child.exitCode !== null) return
          const exited = new Promise((resolve) => child.once('exit', resolve))
          child.kill('SIGTERM')
          await exited
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`relay did not answer on ${url} within ${RELAY_READY_TIMEOUT_MS} ms:\n${output}`)
}
