// The relay attacked as a hostile user would, one test per attack, each checking that the honest rig or
// peer kept working and that nothing accepted was lost: a damaged store (CURRENT deleted, a write-ahead
// log garbled, a table lost), a flood of refused Stratum logins, one client holding many live streams,
// slow connections (slowloris), a flood of heavy endpoints beside a Stratum login, and oversized gossip.
// Attackers use other loopback addresses (127.0.0.2 and up: Linux routes 127/8 to lo) so that per-IP
// limits tell them from the honest client on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setLogSinks } from '@otedama/shared/log'
import { defaultGossipScorePolicy, networkTopics } from '@otedama/shared/p2p'

const GRAYLIST_SCORE = defaultGossipScorePolicy.graylistThreshold
import { bytesToHex } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { Relay, type RelayOptions } from '../src/app/relay'
import { runCli } from '../src/cli'
import type { RelayConfig } from '../src/config'
import { MAX_STREAM_CLIENTS_PER_IP } from '../src/http/stream'
import { StoreDamagedError } from '../src/store/maintenance'
import { PartStartError, startFailureCause } from '../src/app/lifecycle'
import { easyDevnetParams, mineShare } from './harness/devnet'
import { TestRig } from './stratum/clients'
import { testAddress } from './stratum/harness'
import { mineTestShare, startTestNode, stopTestNodes, waitFor, wsAddr, type TestNode } from './p2p/fixtures'

const devnet = easyDevnetParams()
const payee = p2wpkhScript(new Uint8Array(20).fill(7))
const dirs: string[] = []

async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `otedama-hardening-${name}-`))
  dirs.push(dir)
  return dir
}

async function staticRoot(): Promise<string> {
  const dist = join(await tempDir('dist'), 'dist')
  await mkdir(dist, { recursive: true })
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>otedama</title>')
  return dist
}

function configFor(dataDir: string): RelayConfig {
  return {
    poolName: 'Hardening',
    poolFee: 0,
    p2pPort: 0,
    wsPort: 0,
    stratumPort: 0,
    blockchain: 'devnet',
    bootstrapNodes: [],
    bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: 0 },
    dataDir,
    optimization: {
      sharePropagation: { batchSize: 10, batchInterval: 10 },
      validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 }
    }
  }
}

async function startRelay(dataDir: string, extra: Partial<RelayOptions> = {}): Promise<Relay> {
  return await Relay.start({
    config: configFor(dataDir),
    staticRoot: await staticRoot(),
    network: false,
    stratum: false,
    devnet,
    ...extra
  })
}

/** Mines and submits `count` shares on the relay's current template (at this difficulty each is a block too). */
async function acceptShares(relay: Relay, count: number, seed: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const entry = await relay.book.add(relay.source.current()!)
    const mined = mineShare(relay.pool, entry, payee, seed + i)
    const result = await relay.pool.receiveShare(mined.bytes, 'local')
    expect(result.verdict.kind, JSON.stringify(result.verdict)).toBe('accept')
    ids.push(bytesToHex(relay.pool.chain.tip!.id))
  }
  return ids
}

interface Answer {
  status: number
  body: string
  headers: IncomingMessage['headers']
}

/** One HTTP GET from `localAddress` (its own connection), the whole body read. */
function get(url: string, localAddress = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers })
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** A socket that sent part of a request's headers and then nothing (slowloris). */
function slowSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress })
    socket.on('error', () => {})
    socket.once('connect', () => {
      socket.write('GET /api/v1/status HTTP/1.1\r\nHost: relay\r\nX-Slow: ')
      resolve(socket)
    })
    socket.once('close', () => resolve(socket))
  })
}

async function digestOfDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const name of (await readdir(dir)).sort()) {
    if (name === 'LOCK' || name.startsWith('LOG')) continue // LevelDB's lock file and its text log
    out[name] = createHash('sha256')
      .update(await readFile(join(dir, name)))
      .digest('hex')
  }
  return out
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describe('a damaged store is refused with its cause and a repair path; nothing accepted is lost', () => {
  type Damage = 'CURRENT deleted' | '.log garbled' | '.ldb lost'
  const damages: Array<{ kind: Damage; cause: RegExp; damage: (db: string) => Promise<void> }> = [
    { kind: 'CURRENT deleted', cause: /CURRENT is missing/, damage: async (db) => await rm(join(db, 'CURRENT')) },
    {
      kind: '.log garbled',
      cause: /\d+\.log: record at byte \d+ .*fails its checksum/,
      damage: async (db) => {
        const log = (await readdir(db))
          .filter((n) => n.endsWith('.log'))
          .sort()
          .at(-1)!
        const bytes = await readFile(join(db, log))
        expect(bytes.length).toBeGreaterThan(200)
        bytes.fill(0x5a, 100, 164)
        await writeFile(join(db, log), bytes)
      }
    },
    {
      kind: '.ldb lost',
      cause: /table \d+\.ldb .* is missing/,
      damage: async (db) => {
        const table = (await readdir(db)).find((n) => n.endsWith('.ldb'))!
        await rm(join(db, table))
      }
    }
  ]

  for (const { kind, cause, damage } of damages) {
    it(`${kind}: the relay refuses to start, changes no file, and the snapshot restores every accepted share and block`, async () => {
      const dataDir = await tempDir('store')
      const db = join(dataDir, 'db')
      // Two runs, so the database holds both tables (the first run's log, compacted at reopen) and a log.
      let relay = await startRelay(dataDir)
      const shares = await acceptShares(relay, 3, 0)
      await relay.stop()
      relay = await startRelay(dataDir)
      shares.push(...(await acceptShares(relay, 2, 100)))
      const blocks = (await relay.store.listBlocks(100)).map((b) => b.hash).sort()
      expect(blocks.length).toBeGreaterThan(0)
      // The operator's routine backup, taken online while the relay runs.
      const snapshotDir = join(dataDir, 'backups', 'nightly')
      expect(await runCli(['store', 'snapshot', snapshotDir, '--data-dir', dataDir])).toMatch(/^snapshot .* entries/)
      await relay.stop()
      const names = await readdir(db)
      expect(names.some((n) => n.endsWith('.ldb')) && names.some((n) => n.endsWith('.log'))).toBe(true)

      await damage(db)
      const before = await digestOfDir(db)
      const refusal = await startRelay(dataDir).then(
        () => undefined,
        (err: unknown) => err
      )
      expect(refusal).toBeInstanceOf(PartStartError)
      expect((refusal as PartStartError).part).toBe('store')
      const damaged = startFailureCause(refusal)
      expect(damaged).toBeInstanceOf(StoreDamagedError)
      const message = (damaged as Error).message
      expect(message).toMatch(cause)
      expect(message).toMatch(/store restore <snapshot dir>/)
      expect(message).toMatch(/store repair/)
      expect(await digestOfDir(db)).toEqual(before) // nothing deleted, nothing created over it
      await expect(runCli(['store', 'check', '--data-dir', dataDir])).rejects.toThrow(cause)

      const restored = await runCli(['store', 'restore', snapshotDir, '--data-dir', dataDir])
      expect(restored).toMatch(/previous database is kept at .*db\.replaced-/)
      expect(
        await digestOfDir(
          (await readdir(dataDir)).filter((n) => n.startsWith('db.replaced-')).map((n) => join(dataDir, n))[0]
        )
      ).toEqual(before)
      relay = await startRelay(dataDir)
      try {
        for (const id of shares) expect(relay.pool.chain.getById(hexId(id)), `share ${id}`).toBeDefined()
        expect(bytesToHex(relay.pool.chain.tip!.id)).toBe(shares.at(-1))
        expect((await relay.store.listBlocks(100)).map((b) => b.hash).sort()).toEqual(blocks)
        // And the relay works on: a new share is accepted on the restored chain.
        await acceptShares(relay, 1, 200)
      } finally {
        await relay.stop()
      }
    })
  }

  it("CURRENT deleted: LevelDB's repair (a copy of the damaged files kept first) recovers every share without a snapshot", async () => {
    const dataDir = await tempDir('repair')
    let relay = await startRelay(dataDir)
    const shares = await acceptShares(relay, 3, 300)
    await relay.stop()
    await rm(join(dataDir, 'db', 'CURRENT'))
    expect(await runCli(['store', 'repair', '--data-dir', dataDir])).toMatch(/damaged files are kept at .*db\.damaged-/)
    relay = await startRelay(dataDir)
    try {
      for (const id of shares) expect(relay.pool.chain.getById(hexId(id))).toBeDefined()
    } finally {
      await relay.stop()
    }
  })
})

function hexId(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

describe('HTTP and Stratum under abuse', () => {
  let relay: Relay
  let dataDir: string
  let base: string
  const lines: string[] = []
  let restoreSinks: ReturnType<typeof setLogSinks> | undefined

  beforeAll(async () => {
    dataDir = await tempDir('http')
    relay = await startRelay(dataDir, { stratum: true, httpLimits: { maxConnections: 200 } })
    base = relay.http.url()
    await acceptShares(relay, 2, 400)
  })

  afterAll(async () => {
    if (restoreSinks !== undefined) setLogSinks(restoreSinks)
    await relay?.stop()
  })

  const stratumPort = (): number => relay.stratum!.port

  it('a flood of refused mining.authorize is bounded in the log, counted, and strikes the flooder; an honest rig logs in; the operator lifts the ban', async () => {
    restoreSinks = setLogSinks({
      warn: (line: unknown) => lines.push(String(line)),
      error: (line: unknown) => lines.push(String(line))
    })
    const badUser = 'x'.repeat(4000)
    const floods = await Promise.all(
      Array.from(
        { length: 20 },
        async () =>
          await new Promise<number>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port: stratumPort(), localAddress: '127.0.0.2' })
            let sent = 0
            socket.on('error', () => {})
            socket.on('data', () => {})
            socket.once('connect', () => {
              socket.write(JSON.stringify({ id: 1, method: 'mining.subscribe', params: [] }) + '\n')
              for (let i = 0; i < 200 && !socket.destroyed; i++, sent++)
                socket.write(JSON.stringify({ id: 2 + i, method: 'mining.authorize', params: [badUser, 'x'] }) + '\n')
            })
            socket.once('close', () => resolve(sent)) // the server dropped it
          })
      )
    )
    expect(floods.length).toBe(20)
    setLogSinks(restoreSinks)
    restoreSinks = undefined
    const refusedLines = lines.filter((l) => l.includes('authorize refused'))
    expect(refusedLines.length).toBeGreaterThan(0)
    // Every line cut to the logger's bound, and far fewer lines than refused logins (20 x 200 sent).
    for (const line of lines) expect(line.length).toBeLessThan(1024)
    expect(refusedLines.length).toBeLessThan(200)
    const metrics = (await get(`${base}/metrics`)).body
    expect(metrics).toMatch(/otedama_log_lines_truncated_total\{source="stratum:session"\} [1-9]/)
    // The flooder's address is banned by the strike rules; an honest rig on another address mines.
    const bans = await runCli(['bans', 'list', '--data-dir', dataDir])
    expect(bans).toMatch(/stratum-ip\s+127\.0\.0\.2/)
    const honest = await TestRig.connect(stratumPort(), 'cpuminer', { user: testAddress(3) })
    await honest.handshake()
    expect(honest.currentJob).toBeDefined()
    honest.close()
    expect(await runCli(['bans', 'lift', '127.0.0.2', '--data-dir', dataDir])).toMatch(/lifted: .*127\.0\.0\.2/)
    expect(await runCli(['bans', 'list', '--data-dir', dataDir])).not.toMatch(/127\.0\.0\.2/)
    const back = await TestRig.connect(stratumPort(), 'cpuminer', { user: testAddress(4) }, '127.0.0.2')
    await back.handshake()
    back.close()
  })

  it('one client holding many live streams does not deny the stream to others', async () => {
    const held: IncomingMessage[] = []
    const statuses: number[] = []
    await Promise.all(
      Array.from(
        { length: 40 },
        async () =>
          await new Promise<void>((resolve) => {
            const req = httpRequest(`${base}/api/v1/stream`, { localAddress: '127.0.0.3', agent: false }, (res) => {
              statuses.push(res.statusCode ?? 0)
              if (res.statusCode === 200) held.push(res)
              else res.resume()
              resolve()
            })
            req.on('error', () => resolve())
            req.end()
          })
      )
    )
    try {
      expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_STREAM_CLIENTS_PER_IP)
      expect(statuses.filter((s) => s === 429)).toHaveLength(40 - MAX_STREAM_CLIENTS_PER_IP)
      // A fresh client gets the stream and its first frame.
      const frame = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${base}/api/v1/stream`, { agent: false }, (res) => {
          expect(res.statusCode).toBe(200)
          res.setEncoding('utf8')
          let text = ''
          res.on('data', (chunk: string) => {
            text += chunk
            if (text.includes('data: ')) {
              resolve(text)
              req.destroy()
            }
          })
        })
        req.on('error', reject)
        req.end()
      })
      expect(JSON.parse(frame.split('data: ')[1].split('\n')[0])).toMatchObject({ sharesAccepted: expect.any(Number) })
    } finally {
      for (const res of held) res.destroy()
    }
  })

  it('slow connections (slowloris) from many addresses do not refuse HTTP to others', async () => {
    const { maxConnections, maxConnectionsPerIp } = relay.http.guard.limits
    const port = Number(new URL(base).port)
    const slow: Socket[] = []
    try {
      // 8 addresses x 64 slow sockets: past both the per-IP cap and the (test-lowered) global cap.
      for (let ip = 10; ip < 18; ip++)
        slow.push(
          ...(await Promise.all(
            Array.from({ length: maxConnectionsPerIp + 8 }, async () => await slowSocket(port, `127.0.0.${ip}`))
          ))
        )
      expect(relay.http.guard.connections()).toBeLessThanOrEqual(maxConnections)
      for (let ip = 10; ip < 18; ip++)
        expect(relay.http.guard.connectionsOf(`127.0.0.${ip}`)).toBeLessThanOrEqual(maxConnectionsPerIp)
      const answer = await get(`${base}/api/v1/status`)
      expect(answer.status).toBe(200)
      expect(JSON.parse(answer.body)).toMatchObject({ network: 'devnet', shareChain: { shares: expect.any(Number) } })
      expect(relay.http.guard.counters.refusedPerIp).toBeGreaterThan(0)
      expect(relay.http.guard.counters.evictedSlow).toBeGreaterThan(0)
    } finally {
      for (const s of slow) s.destroy()
    }
  })

  it('a flood of heavy endpoints does not starve a concurrent Stratum login nor other HTTP clients', async () => {
    const paths = [
      '/api/v1/sharechain?limit=1000',
      `/api/v1/payouts/${testAddress(7)}`,
      '/api/v1/blocks?limit=1000',
      '/metrics',
      '/api/v1/status'
    ]
    const flood: Array<Promise<number>> = []
    let loginDone = false
    const answered = new Map<number, number>()
    // The flood runs until the login is done and the flooder has been limited (bounded in count).
    const stop = (): boolean =>
      (loginDone && (answered.get(429) ?? 0) > 0) || [...answered.values()].reduce((a, b) => a + b, 0) > 20_000
    for (let lane = 0; lane < 32; lane++) {
      flood.push(
        (async () => {
          let n = 0
          while (!stop()) {
            const { status } = await get(`${base}${paths[n % paths.length]}`, '127.0.0.4').catch(() => ({ status: 0 }))
            answered.set(status, (answered.get(status) ?? 0) + 1)
            n++
          }
          return n
        })()
      )
    }
    try {
      const rig = await TestRig.connect(stratumPort(), 'esp-miner', { user: testAddress(5) })
      await rig.handshake()
      expect(rig.currentJob).toBeDefined()
      rig.close()
      const chain = await get(`${base}/api/v1/sharechain?limit=1000`)
      expect(chain.status).toBe(200)
      expect(JSON.parse(chain.body).shares.length).toBe(relay.pool.chain.size)
    } finally {
      loginDone = true
      await Promise.all(flood)
    }
    expect(answered.get(429) ?? 0).toBeGreaterThan(0) // the flooder was told to slow down
  })
})

describe('gossip: oversized messages cost their sender', () => {
  let entry: TestNode
  let honest: TestNode
  let hostile: TestNode

  beforeAll(async () => {
    entry = await startTestNode()
    honest = await startTestNode({ bootstrap: [wsAddr(entry.node)] })
    hostile = await startTestNode({ bootstrap: [wsAddr(entry.node)] })
    const meshOf = (n: TestNode): number =>
      (n.node.libp2p.services.pubsub as unknown as { mesh: Map<string, Set<string>> }).mesh.get(
        networkTopics('devnet').share
      )?.size ?? 0
    await waitFor('meshes', () => meshOf(honest) >= 1 && meshOf(hostile) >= 1)
  })

  afterAll(async () => {
    await stopTestNodes([entry, honest, hostile].filter((n) => n !== undefined))
  })

  it("oversized shares lower the sender's score until it is banned, a frame over the limit is charged; the honest peer's shares still arrive", async () => {
    const topic = networkTopics('devnet').share
    const raw = hostile.node.libp2p.services.pubsub as unknown as {
      publish: (topic: string, data: Uint8Array) => Promise<unknown>
    }
    const hostileId = hostile.node.peerId.toString()
    for (let i = 0; i < 6 && !entry.node.bans().some((b) => b.peerId === hostileId); i++) {
      const big = mineTestShare(`oversized ${i}`, new Uint8Array(32), 5 * 1024 + i) // over the 4 KiB share limit
      const scoreBefore = entry.node.scoreOf(hostile.node.peerId)
      await raw.publish(topic, big).catch(() => undefined)
      // Counted, or the sender is already graylisted (gossipsub then drops its messages before any validator).
      const graylisted = (): boolean => entry.node.scoreOf(hostile.node.peerId) < GRAYLIST_SCORE
      const banned = (): boolean => entry.node.bans().some((b) => b.peerId === hostileId)
      await waitFor(
        'oversize counted',
        () => entry.node.metrics().gossip.share.oversize > i || graylisted() || banned(),
        5_000
      )
      if (graylisted()) break
      // gossipsub recomputes scores at its heartbeat (1 s): wait for this message's penalty before the next.
      await waitFor('score to fall', () => entry.node.scoreOf(hostile.node.peerId) < scoreBefore || banned(), 5_000)
    }
    expect(entry.node.metrics().gossip.share.rejected).toBeGreaterThanOrEqual(
      entry.node.metrics().gossip.share.oversize
    )
    await waitFor('hostile banned', () => entry.node.bans().some((b) => b.peerId === hostileId), 10_000)
    // A frame over gossipsub's 64 KiB inbound limit is never decoded; it is counted and charged to its
    // sender's flood excess (the fourth within the half-life bans: shared/test/flood-guard.test.ts).
    const framer = await startTestNode({ bootstrap: [wsAddr(entry.node)] })
    try {
      const framerId = framer.node.peerId.toString()
      const subscribers = (): string[] =>
        (
          entry.node.libp2p.services.pubsub as unknown as {
            getSubscribers: (t: string) => Array<{ toString: () => string }>
          }
        )
          .getSubscribers(topic)
          .map(String)
      const framerMesh = (): number =>
        (framer.node.libp2p.services.pubsub as unknown as { mesh: Map<string, Set<string>> }).mesh.get(topic)?.size ?? 0
      await waitFor('framer in the mesh', () => subscribers().includes(framerId) && framerMesh() >= 1)
      const rawFramer = framer.node.libp2p.services.pubsub as unknown as {
        publish: (topic: string, data: Uint8Array) => Promise<unknown>
      }
      await rawFramer.publish(topic, new Uint8Array(900 * 1024).fill(1)).catch(() => undefined)
      await waitFor('oversized frame charged', () => entry.node.metrics().oversizedFrames > 0)
    } finally {
      await stopTestNodes([framer])
    }
    // The honest peer is unharmed and its share arrives.
    expect(entry.node.scoreOf(honest.node.peerId)).toBeGreaterThanOrEqual(0)
    const share = mineTestShare('honest after the attack')
    await honest.node.publish('share', share)
    await waitFor('honest share at the relay', () => entry.received.some((s) => bytesToHex(s) === bytesToHex(share)))
  })
})
