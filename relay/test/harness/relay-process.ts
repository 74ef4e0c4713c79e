// A relay as its own OS process (`relay/src/main.ts`, devnet unless told otherwise) on free loopback
// ports, for tests that kill it (SIGTERM, kill -9) and start it again on the same data directory.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePorts } from './litecoind'

/** Longest a relay process may take to answer /api/v1/status after spawn (ms); ~1 s idle, far more on a loaded machine. */
const RELAY_READY_TIMEOUT_MS = 60_000
const READY_POLL_MS = 100
/** Output kept for error messages (chars). */
const MAX_OUTPUT_CHARS = Number(process.env.OTEDAMA_RELAY_OUTPUT_CHARS ?? 20_000)

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export interface RelayPorts {
  http: number
  p2p: number
  ws: number
  stratum: number
}

export interface RelayProcess {
  readonly url: string
  readonly ports: RelayPorts
  readonly child: ChildProcess
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output: () => string
  get: <T>(path: string) => Promise<T>
}

export async function relayPorts(): Promise<RelayPorts> {
  const [http, p2p, ws, stratum] = await freePorts(4)
  return { http, p2p, ws, stratum }
}

/** Spawns a relay on `dataDir` with `ports` (fresh ones by default) and extra OTEDAMA_* env; resolves once its API answers. */
export async function spawnRelay(
  dataDir: string,
  opts: { ports?: RelayPorts; env?: Record<string, string> } = {}
): Promise<RelayProcess> {
  const ports = opts.ports ?? (await relayPorts())
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      OTEDAMA_DATA_DIR: dataDir,
      OTEDAMA_HTTP_HOST: '127.0.0.1',
      OTEDAMA_HTTP_PORT: String(ports.http),
      OTEDAMA_P2P_PORT: String(ports.p2p),
      OTEDAMA_WS_PORT: String(ports.ws),
      OTEDAMA_STRATUM_PORT: String(ports.stratum),
      ...opts.env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-MAX_OUTPUT_CHARS)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal }))
  )
  const url = `http://127.0.0.1:${ports.http}`
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(url + path)
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`)
    return (await res.json()) as T
  }
  // Ready once the API answers, polled with a deadline. Not vi.waitFor: the benches (bench/failover.bench.ts)
  // spawn relays through this harness outside vitest, where vi.waitFor does not run.
  const deadline = Date.now() + RELAY_READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`relay exited (${child.exitCode ?? child.signalCode}) during start:\n${output}`)
    if (
      await fetch(`${url}/api/v1/status`).then(
        (r) => r.ok,
        () => false
      )
    )
      return { url, ports, child, exited, output: () => output, get }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
  }
  child.kill('SIGKILL')
  throw new Error(`relay did not answer on ${url} within ${RELAY_READY_TIMEOUT_MS} ms:\n${output}`)
}
