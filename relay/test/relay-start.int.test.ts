// A relay that cannot start leaves nothing running (app/lifecycle.ts): the part that failed is named
// in PartStartError, every part started before it is stopped again — its ports are free, its store
// closed — and the relay process (main.ts) exits 3 with the repair advice for a damaged store.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { PartStartError, startFailureCause } from '../src/app/lifecycle'
import { ADMIN_FILE, Relay, type RelayOptions } from '../src/app/relay'
import type { RelayConfig } from '../src/config'
import { StoreBusyError } from '../src/store/maintenance'
import { easyDevnetParams } from './harness/devnet'
import { freePorts } from './harness/litecoind'

const devnet = easyDevnetParams()
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dirs: string[] = []

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `otedama-start-${name}-`))
  dirs.push(dir)
  return dir
}

interface Ports {
  http: number
  p2p: number
  ws: number
  stratum: number
}

function configFor(dataDir: string, ports: Ports): RelayConfig {
  return {
    poolName: 'Start',
    poolFee: 0,
    p2pPort: ports.p2p,
    wsPort: ports.ws,
    stratumPort: ports.stratum,
    blockchain: 'devnet',
    bootstrapNodes: [],
    bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: ports.http },
    dataDir,
    optimization: {
      sharePropagation: { batchSize: 10, batchInterval: 10 },
      validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 }
    }
  }
}

async function options(dataDir: string, ports: Ports): Promise<RelayOptions> {
  const staticRoot = join(await tempDir('dist'), 'dist')
  await mkdir(staticRoot, { recursive: true })
  return { config: configFor(dataDir, ports), staticRoot, devnet }
}

async function freeRelayPorts(): Promise<Ports> {
  const [http, p2p, ws, stratum] = await freePorts(4)
  return { http, p2p, ws, stratum }
}

async function listen(port: number): Promise<Server> {
  return await new Promise<Server>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

/** Whether each port can be bound again on 127.0.0.1 (nothing of the relay listens there). */
async function bindable(ports: number[]): Promise<boolean[]> {
  const out: boolean[] = []
  for (const port of ports) {
    const server = await listen(port).catch(() => undefined)
    out.push(server !== undefined)
    if (server !== undefined) await close(server)
  }
  return out
}

async function startFailure(opts: RelayOptions): Promise<unknown> {
  return await Relay.start(opts).then(
    async (relay) => {
      await relay.stop()
      return undefined
    },
    (err: unknown) => err
  )
}

describe('a relay that cannot start', () => {
  it('whose store cannot open (another relay holds it): start names the store, and no other part ran — its ports are free', async () => {
    const dataDir = await tempDir('busy')
    const holder = await Relay.start({
      ...(await options(dataDir, { http: 0, p2p: 0, ws: 0, stratum: 0 })),
      network: false,
      stratum: false
    })
    try {
      const ports = await freeRelayPorts()
      const err = await startFailure(await options(dataDir, ports))
      expect(err).toBeInstanceOf(PartStartError)
      expect((err as PartStartError).part).toBe('store')
      expect(startFailureCause(err)).toBeInstanceOf(StoreBusyError)
      expect(await bindable([ports.http, ports.p2p, ports.ws, ports.stratum])).toEqual([true, true, true, true])
      // The running relay is untouched.
      expect(holder.parts()).toContain('http')
      expect((await fetch(`${holder.http.url()}/api/v1/status`)).ok).toBe(true)
    } finally {
      await holder.stop()
    }
  })

  it('whose HTTP port is taken: start names http, and every part started before it is stopped — ports free, store closed, no admin file', async () => {
    const dataDir = await tempDir('http')
    const ports = await freeRelayPorts()
    const taken = await listen(ports.http)
    let err: unknown
    try {
      err = await startFailure(await options(dataDir, ports))
    } finally {
      await close(taken)
    }
    expect(err).toBeInstanceOf(PartStartError)
    expect((err as PartStartError).part).toBe('http')
    expect((startFailureCause(err) as NodeJS.ErrnoException).code).toBe('EADDRINUSE')
    // Stratum and libp2p had bound their ports; they are stopped again.
    expect(await bindable([ports.stratum, ports.p2p, ports.ws])).toEqual([true, true, true])
    expect(existsSync(join(dataDir, ADMIN_FILE))).toBe(false)
    // The store was closed: a relay opens it again at once, with every part in start order.
    const relay = await Relay.start(await options(dataDir, await freeRelayPorts()))
    try {
      expect(relay.parts()).toEqual([
        'store',
        'template source',
        'template book',
        'block pipeline',
        'share pool',
        'quorum follower',
        'network',
        'quorum duties',
        'stratum',
        'observer model',
        'monitor',
        'http',
        'admin file'
      ])
      expect(existsSync(join(dataDir, ADMIN_FILE))).toBe(true)
    } finally {
      await relay.stop()
    }
    expect(relay.parts()).toEqual([])
    expect(existsSync(join(dataDir, ADMIN_FILE))).toBe(false)
  })

  it('whose store is damaged: the relay process exits 3 with the damage and the way to repair it', async () => {
    const dataDir = await tempDir('damaged')
    await mkdir(join(dataDir, 'db'), { recursive: true })
    await writeFile(join(dataDir, 'db', 'CURRENT'), 'MANIFEST-000009\n')
    const ports = await freeRelayPorts()
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        OTEDAMA_DATA_DIR: dataDir,
        OTEDAMA_HTTP_HOST: '127.0.0.1',
        OTEDAMA_HTTP_PORT: String(ports.http),
        OTEDAMA_P2P_PORT: String(ports.p2p),
        OTEDAMA_WS_PORT: String(ports.ws),
        OTEDAMA_STRATUM_PORT: String(ports.stratum)
      },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    // 'close' comes after the process exited and its stderr was read to the end.
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)))
    expect(code, stderr).toBe(3)
    expect(stderr).toMatch(/relay refused to start: the relay's database .* is damaged/)
    expect(stderr).toMatch(/CURRENT names MANIFEST-000009, which is missing/)
    expect(stderr).toMatch(/store restore <snapshot dir>/)
    expect(stderr).toMatch(/store repair/)
  })
})
