// A relay for the rig's integration tests, run as `npm start` runs it (relay/src/main.ts in its own
// process, its own free ports and a fresh data dir), so the rigs and the relay never share an event
// loop. Its log is kept for the report of what the relay did (drops, bans).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePorts } from '../../relay/test/harness/litecoind'

const RELAY_READY_TIMEOUT_MS = 60_000
/** An API request that takes longer is an error (a relay swamped by submits can stall its HTTP face). */
const API_TIMEOUT_MS = 15_000
const READY_POLL_MS = 200
/** Relay log kept in memory (characters, newest). */
const MAX_LOG_CHARS = 4 * 1024 * 1024

export interface RelayProcess {
  httpUrl: string
  stratumPort: number
  process: ChildProcess
  /** GET a JSON API path (e.g. /api/v1/status). */
  getJson: (path: string) => Promise<any>
  /** The relay's log lines matching `pattern`. */
  logLines: (pattern: RegExp) => string[]
  stop: () => Promise<void>
}

/** Starts relay/src/main.ts with `flags` (e.g. --blockchain litecoin-regtest --rpc-url …); resolves once its API answers. */
export async function startRelayProcess(flags: string[] = []): Promise<RelayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otedama-rig-relay-'))
  const [httpPort, p2pPort, wsPort, stratumPort] = await freePorts(4)
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'relay/src/main.ts',
      '--http-port',
      String(httpPort),
      '--p2p-port',
      String(p2pPort),
      '--ws-port',
      String(wsPort),
      '--stratum-port',
      String(stratumPort),
      '--data-dir',
      dataDir,
      '--bind',
      '127.0.0.1',
      ...flags
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let log = ''
  const keep = (d: Buffer): void => {
    log = (log + d.toString()).slice(-MAX_LOG_CHARS)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A test process that ends without stop() (a timed-out hook) must not leave the relay running.
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  void exited.then(() => process.off('exit', killOnExit))
  const httpUrl = `http://127.0.0.1:${httpPort}`
  const getJson = async (path: string): Promise<any> => {
    const res = await fetch(httpUrl + path, { signal: AbortSignal.timeout(API_TIMEOUT_MS) })
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`)
    return await res.json()
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + RELAY_READY_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relay exited with ${child.exitCode}:\n${log}`)
    const status = await getJson('/api/v1/status').catch(() => undefined)
    if (status?.source?.healthy === true) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`relay not ready within ${RELAY_READY_TIMEOUT_MS} ms:\n${log.slice(-4000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
  }
  return {
    httpUrl,
    stratumPort,
    process: child,
    getJson,
    logLines: (pattern) => log.split('\n').filter((l) => pattern.test(l)),
    stop
  }
}
