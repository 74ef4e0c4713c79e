import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Flags that keep Debian's Chromium quiet on a machine without network access. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] })
}

import { freePorts } from '../relay/test/harness/litecoind'

/** Free loopback ports, from the relay tests' harness (one helper for every test that starts servers). */
export { freePort, freePorts } from '../relay/test/harness/litecoind'

export interface RunningRelay {
  url: string
  process: ChildProcess
  stop: () => Promise<void>
}

const RELAY_READY_TIMEOUT_MS = 30_000

/**
 * Starts `relay/src/main.ts` on devnet (serving the already built dist/) with its own free ports and a
 * fresh data dir, so tests never collide with each other or with a relay the developer runs; `env`
 * overrides any of them. Resolves once HTTP answers.
 */
export async function startRelay(env: Record<string, string> = {}): Promise<RunningRelay> {
  const [freeHttp, p2pPort, wsPort, stratumPort] = await freePorts(4)
  const port = env.OTEDAMA_HTTP_PORT !== undefined ? Number(env.OTEDAMA_HTTP_PORT) : freeHttp
  const ownDataDir = env.OTEDAMA_DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), 'otedama-e2e-')) : undefined
  const defaults: Record<string, string> = {
    OTEDAMA_HTTP_PORT: String(port),
    OTEDAMA_HTTP_HOST: '127.0.0.1',
    OTEDAMA_P2P_PORT: String(p2pPort),
    OTEDAMA_WS_PORT: String(wsPort),
    OTEDAMA_STRATUM_PORT: String(stratumPort),
    ...(ownDataDir !== undefined ? { OTEDAMA_DATA_DIR: ownDataDir } : {})
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/src/main.ts'], {
    env: { ...process.env, ...defaults, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + RELAY_READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`relay exited with ${child.exitCode}:\n${output}`)
    const ok = await fetch(url + '/').then(
      (r) => r.ok,
      () => false
    )
    if (ok) {
      return {
        url,
        process: child,
        stop: async () => {
          if (child.exitCode !== null) return
          const exited = new Promise((resolve) => child.once('exit', resolve))
          child.kill('SIGTERM')
          await exited
          if (ownDataDir !== undefined) rmSync(ownDataDir, { recursive: true, force: true })
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`relay did not answer on ${url} within ${RELAY_READY_TIMEOUT_MS} ms:\n${output}`)
}
