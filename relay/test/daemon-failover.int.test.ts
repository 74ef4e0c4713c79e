// A relay with two daemons (real litecoind regtest A and B, connected to each other): A's RPC sits
// behind a loopback TCP proxy the test cuts, as a dead daemon host or a broken link looks to the relay.
// Calls move to B at once, templates keep coming (from B), a block found while A is away reaches the
// chain through B, and A takes over again once it answers.
import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { hashToDisplayHex, blockHash } from '@otedama/shared/primitives'
import { assembleBlock } from '../src/block/assemble'
import { coinbaseBudget } from '../src/template/coinbase-room'
import { DaemonTemplateSource } from '../src/template/daemon-source'
import { coinbaseFor, grindHeader } from './harness/grind'
import { freePort, startLitecoindPair, type LitecoindPair } from './harness/litecoind'

/** Probe period of the test's failover (ms): short, so recovery is quick; the default is 2 s. */
const TEST_PROBE_INTERVAL_MS = 200
/** Longest waits (ms) for a switch, a template, a recovery. */
const WAIT_MS = 20_000

/** A TCP proxy on a fixed loopback port toward `target`, that can be cut (nothing listens, links dropped) and restored. */
class CuttableProxy {
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  constructor(
    readonly port: number,
    private readonly target: number
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: this.target })
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('close', () => this.sockets.delete(s))
        s.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', resolve)
    })
    this.server = server
  }

  async cut(): Promise<void> {
    const server = this.server
    this.server = undefined
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  }
}

let pair: LitecoindPair
let proxy: CuttableProxy
let source: DaemonTemplateSource

beforeAll(async () => {
  pair = await startLitecoindPair({ extraArgs: ['-vbparams=mweb:-2:0'] })
  proxy = new CuttableProxy(await freePort(), pair.a.rpcPort)
  await proxy.open()
  source = new DaemonTemplateSource({
    network: 'litecoin-regtest',
    rpc: { url: `http://127.0.0.1:${proxy.port}`, auth: { kind: 'cookie', cookieFile: pair.a.cookieFile } },
    backups: [{ url: pair.b.rpcUrl, auth: { kind: 'cookie', cookieFile: pair.b.cookieFile } }],
    coinbaseBudget: coinbaseBudget(16, true),
    probeIntervalMs: TEST_PROBE_INTERVAL_MS
  })
  await source.start()
  await source.ready(WAIT_MS)
})

afterAll(async () => {
  await source?.stop()
  await proxy?.cut()
  await pair?.stop()
})

it('moves to the backup daemon when the preferred one is away, keeps templates and block submission, and moves back when it returns', async () => {
  expect(source.daemons().active).toBe(0)
  const before = source.current()
  expect(before).toBeDefined()

  await proxy.cut()
  // A new block on the chain (mined by B's node): only B can tell the relay.
  const addressB: string = await pair.b.call('getnewaddress', ['', 'bech32'])
  await pair.b.call('generatetoaddress', [1, addressB])
  await expect.poll(() => source.daemons().active, { timeout: WAIT_MS }).toBe(1)
  await expect.poll(() => source.current()?.height ?? 0, { timeout: WAIT_MS }).toBe((before?.height ?? 0) + 1)
  expect(source.health().healthy).toBe(true)
  const a = source.daemons().endpoints[0]
  expect(a.healthy).toBe(false)
  expect(a.failures).toBeGreaterThan(0)

  // A block found while A is away reaches the chain through B (and A's node has it over P2P).
  const template = source.current()
  if (template === undefined) throw new Error('no template from the backup daemon')
  const coinbase = coinbaseFor(template, [{ script: new Uint8Array([0x51]), value: template.coinbaseValue }])
  const header80 = grindHeader(template, coinbase, 'scrypt')
  expect(await source.submitBlock(assembleBlock(template, header80, coinbase))).toEqual({ accepted: true })
  const hash = hashToDisplayHex(blockHash(header80))
  expect(await pair.b.call('getbestblockhash')).toBe(hash)
  await pair.waitSynced()

  await proxy.open()
  await expect.poll(() => source.daemons().active, { timeout: WAIT_MS }).toBe(0)
  expect(source.daemons().endpoints[0].healthy).toBe(true)
  // Work comes from A again: its next block shows up in the relay's template.
  await pair.generate(1)
  await expect.poll(() => source.current()?.height ?? 0, { timeout: WAIT_MS }).toBe(template.height + 2)
})
