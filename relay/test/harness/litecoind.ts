import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RpcClient, RpcTransportError, RpcCallError, RPC_IN_WARMUP } from '../../src/rpc'

/**
 * Two connected litecoind regtest nodes for integration tests (see docs/field-notes.md (litecoind)).
 * Node A listens on loopback; node B connects to A and does not listen. Each has a temp datadir,
 * random free ports, cookie auth, and a wallet. `stop()` always kills both and removes the datadirs.
 */
export const LITECOIND_BIN = '/usr/lib/litecoin/litecoind' // the real binary, not Debian's wrapper
const READY_TIMEOUT_MS = 30_000
const READY_POLL_MS = 100
const STOP_TIMEOUT_MS = 10_000
/** Enough RPC worker threads that long polls (one thread each) never starve other calls. */
export const HARNESS_RPC_THREADS = 16

export interface LitecoindNode {
  readonly name: string
  readonly datadir: string
  readonly p2pPort: number
  readonly rpcPort: number
  readonly rpcUrl: string
  readonly cookieFile: string
  /** A client on the default wallet. */
  readonly rpc: RpcClient
  call: (method: string, params?: unknown[] | Record<string, unknown>) => Promise<any>
  start: () => Promise<void>
  /** Creates wallet 'w' and reloads it on every later start. */
  createWallet: () => Promise<void>
  stop: () => Promise<void>
  running: () => boolean
}

export interface LitecoindPair {
  a: LitecoindNode
  b: LitecoindNode
  /** A regtest bech32 address of node A's wallet (for generatetoaddress). */
  minerAddress: string
  /** Mines `n` blocks on A and waits until B has them too. */
  generate: (n: number) => Promise<string[]>
  waitSynced: () => Promise<void>
  stop: () => Promise<void>
}

/** `count` distinct free ports: every listener stays open until all are chosen, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      async () =>
        await new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const srv = createServer()
          srv.once('error', reject)
          srv.listen(0, '127.0.0.1', () => resolve(srv))
        })
    )
  )
  const ports = servers.map((srv) => {
    const addr = srv.address()
    if (typeof addr !== 'object' || addr === null) throw new Error('no port')
    return addr.port
  })
  await Promise.all(servers.map(async (srv) => await new Promise<void>((resolve) => srv.close(() => resolve()))))
  return ports
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => {
        typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))
      })
    })
  })
}

function nodeArgs(datadir: string, p2pPort: number, rpcPort: number, extra: string[]): string[] {
  return [
    '-regtest',
    `-datadir=${datadir}`,
    `-port=${p2pPort}`,
    `-rpcport=${rpcPort}`,
    '-rpcbind=127.0.0.1',
    '-rpcallowip=127.0.0.1',
    '-dnsseed=0',
    '-discover=0',
    '-listenonion=0',
    '-upnp=0',
    '-fallbackfee=0.0001',
    `-rpcthreads=${HARNESS_RPC_THREADS}`,
    '-printtoconsole=0',
    ...extra
  ]
}

async function createNode(name: string, extraArgs: () => string[]): Promise<LitecoindNode> {
  const datadir = await mkdtemp(join(tmpdir(), `otedama-ltc-${name}-`))
  const [p2pPort, rpcPort] = await freePorts(2)
  const rpcUrl = `http://127.0.0.1:${rpcPort}`
  const cookieFile = join(datadir, 'regtest', '.cookie')
  const rpc = new RpcClient({ url: rpcUrl, auth: { kind: 'cookie', cookieFile }, timeoutMs: 60_000 })
  let child: ChildProcess | undefined
  let walletCreated = false
  let exited: Promise<void> = Promise.resolve()

  const call = async (method: string, params: unknown[] | Record<string, unknown> = []): Promise<any> =>
    await rpc.call(method, params)

  const node: LitecoindNode = {
    name,
    datadir,
    p2pPort,
    rpcPort,
    rpcUrl,
    cookieFile,
    rpc,
    call,
    running: () => child !== undefined,
    async createWallet() {
      await call('createwallet', ['w'])
      walletCreated = true
    },
    async start() {
      if (child !== undefined) return
      const proc = spawn(LITECOIND_BIN, nodeArgs(datadir, p2pPort, rpcPort, extraArgs()), {
        stdio: ['ignore', 'ignore', 'pipe']
      })
      let stderr = ''
      proc.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000)
      })
      child = proc
      exited = new Promise((resolve) =>
        proc.once('exit', () => {
          if (child === proc) child = undefined
          resolve()
        })
      )
      const deadline = Date.now() + READY_TIMEOUT_MS
      for (;;) {
        if (child !== proc) throw new Error(`litecoind ${name} exited during start: ${stderr}`)
        try {
          await rpc.call('getblockchaininfo', [], { timeoutMs: 2_000 })
          if (walletCreated) await call('loadwallet', ['w']) // wallets made by createwallet do not load at start
          return
        } catch (err) {
          const starting =
            err instanceof RpcTransportError || (err instanceof RpcCallError && err.code === RPC_IN_WARMUP)
          if (!starting || Date.now() > deadline) throw err
        }
        await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
      }
    },
    async stop() {
      const proc = child
      if (proc === undefined) return
      proc.kill('SIGTERM')
      const killer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(killer)
    }
  }
  return node
}

export interface PairOptions {
  /** Extra daemon flags for both nodes, e.g. ['-vbparams=mweb:-2:0']. */
  extraArgs?: string[]
  /** Blocks mined at start to end initial block download (default 1). */
  initialBlocks?: number
}

/** Starts node A and B, connects them, creates a wallet on each and mines `initialBlocks`. */
export async function startLitecoindPair(opts: PairOptions = {}): Promise<LitecoindPair> {
  const extra = opts.extraArgs ?? []
  const a = await createNode('a', () => ['-bind=127.0.0.1', ...extra])
  const b = await createNode('b', () => [`-connect=127.0.0.1:${a.p2pPort}`, '-listen=0', ...extra])
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([a.stop(), b.stop()])
    a.rpc.close()
    b.rpc.close()
    await Promise.allSettled([
      rm(a.datadir, { recursive: true, force: true }),
      rm(b.datadir, { recursive: true, force: true })
    ])
  }
  try {
    await Promise.all([a.start(), b.start()])
    await Promise.all([a.createWallet(), b.createWallet()])
    const minerAddress: string = await a.call('getnewaddress', ['', 'bech32'])
    const pair: LitecoindPair = {
      a,
      b,
      minerAddress,
      async waitSynced() {
        const deadline = Date.now() + READY_TIMEOUT_MS
        for (;;) {
          const [ha, hb] = await Promise.all([a.call('getbestblockhash'), b.call('getbestblockhash')])
          if (ha === hb) return
          if (Date.now() > deadline) throw new Error(`nodes did not sync: ${ha} vs ${hb}`)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      },
      async generate(n: number) {
        const hashes: string[] = await a.call('generatetoaddress', [n, minerAddress])
        await pair.waitSynced()
        return hashes
      },
      stop: stopAll
    }
    await waitPeers(a)
    await pair.generate(opts.initialBlocks ?? 1)
    return pair
  } catch (err) {
    await stopAll()
    throw err
  }
}

async function waitPeers(node: LitecoindNode): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while ((await node.call('getconnectioncount')) < 1) {
    if (Date.now() > deadline) throw new Error(`litecoind ${node.name} has no peer`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
