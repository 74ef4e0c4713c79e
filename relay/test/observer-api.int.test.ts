// The observer endpoints the PWA's Pool screen, miner page, charts and Connect-a-rig screen read, on a
// real relay (easy devnet, LevelDB, real shares through the share pool): every figure is checked
// against the relay's own chain, and the pool hashrate falls to 0 once no share arrives in its window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scriptToAddress } from '@otedama/shared/address'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { Relay } from '../src/app/relay'
import type { RelayConfig } from '../src/config'
import { createObserverModel, POOL_HASHRATE_WINDOW_SECONDS, sessionOf } from '../src/http/observer-model'
import { easyDevnetParams, mineShare } from './harness/devnet'

const devnet = easyDevnetParams()
let dir: string
let relay: Relay
let base: string
const alice = p2wpkhScript(new Uint8Array(20).fill(7))
const bob = p2wpkhScript(new Uint8Array(20).fill(8))
const aliceAddress = scriptToAddress(alice, devnet.params.addresses) as string
/** Shares mined per payee, with two extranonce sessions for alice. */
const ALICE_SHARES = 3
const BOB_SHARES = 1

async function getJson(path: string): Promise<any> {
  const res = await fetch(base + path)
  return { status: res.status, body: await res.json() }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otedama-observer-'))
  const dist = join(dir, 'dist')
  await mkdir(dist, { recursive: true })
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>otedama</title>')
  const config: RelayConfig = {
    poolName: 'Test',
    poolFee: 0,
    p2pPort: 0,
    wsPort: 0,
    stratumPort: 0,
    blockchain: 'devnet',
    bootstrapNodes: [],
    bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, 'data'),
    optimization: {
      sharePropagation: { batchSize: 10, batchInterval: 10 },
      validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 }
    }
  }
  relay = await Relay.start({ config, staticRoot: dist, network: false, stratum: false, devnet })
  base = relay.http.url()
  // Alice mines from two sessions (extranonce seeds 1 and 2), bob from one.
  const plan: Array<[Uint8Array, number]> = [
    [alice, 1],
    [alice, 2],
    [bob, 3],
    [alice, 1]
  ]
  for (const [script, seed] of plan) {
    const entry = await relay.book.add(relay.source.current()!)
    const result = await relay.pool.receiveShare(mineShare(relay.pool, entry, script, seed).bytes, 'local')
    expect(result.verdict.kind).toBe('accept')
  }
})

afterAll(async () => {
  await relay?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('observer API', () => {
  it("GET /api/v1/pool: share chain, hashrate with its window, chain figures, payees and blocks from the relay's own records", async () => {
    const { status, body } = await getJson('/api/v1/pool?blocksLimit=2')
    expect(status).toBe(200)
    const chain = relay.pool.chain
    expect(body.shareChain).toMatchObject({
      height: chain.tip!.height,
      windowCount: ALICE_SHARES + BOB_SHARES,
      windowShares: relay.pool.rules.windowShares
    })
    // Hashrate = work of the shares in the window over the seconds it covers (the chain is younger than 10 min).
    let work = 0n
    for (const n of chain.ancestors(chain.tip!, 100)) work += n.work
    expect(body.poolHashrate.shares).toBe(ALICE_SHARES + BOB_SHARES)
    expect(body.poolHashrate.windowSeconds).toBeLessThanOrEqual(POOL_HASHRATE_WINDOW_SECONDS)
    expect(body.poolHashrate.hashesPerSecond).toBeCloseTo(Number(work) / body.poolHashrate.windowSeconds, 6)
    expect(body.chain.blockReward).toBe(relay.source.current()!.coinbaseValue.toString())
    expect(['block-times', 'difficulty']).toContain(body.chain.hashrate.from)
    // Payees sorted by weight: alice's three shares outweigh bob's one; the ppm add up to the whole window.
    expect(body.payees.items.map((p: { address: string }) => p.address)[0]).toBe(aliceAddress)
    expect(body.payees.items.map((p: { shares: number }) => p.shares)).toEqual([ALICE_SHARES, BOB_SHARES])
    const ppm = body.payees.items.reduce((s: number, p: { weightPpm: number }) => s + p.weightPpm, 0)
    expect(ppm).toBeGreaterThan(999_990)
    // Every share was a block at this difficulty: the page holds 2 of them, newest first, with the store's statuses.
    const stored = await relay.store.listBlocks(100)
    expect(body.blocks.total).toBe(stored.length)
    expect(body.blocks.items.map((b: { hash: string; status: string }) => [b.hash, b.status])).toEqual(
      stored.slice(0, 2).map((b) => [b.hash, b.status])
    )
    expect(body.recentBlocks.found).toBeGreaterThan(0)
    expect(body.recentBlocks.found).toBeLessThanOrEqual(body.recentBlocks.of)
  })

  it('GET /api/v1/miners/:address: its shares, its workers by extranonce session, and its blocks with what each paid', async () => {
    const { status, body } = await getJson(`/api/v1/miners/${aliceAddress}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ address: aliceAddress, sharesInWindow: ALICE_SHARES, network: 'devnet' })
    expect(body.shares).toHaveLength(ALICE_SHARES)
    const sessions = new Set<string>()
    for (const n of relay.pool.chain.ancestors(relay.pool.chain.tip!, 100))
      if (n.payoutKey === body.payoutScript) sessions.add(sessionOf(n))
    expect(body.workers.map((w: { session: string }) => w.session).sort()).toEqual([...sessions].sort())
    expect(body.workers.reduce((s: number, w: { shares: number }) => s + w.shares, 0)).toBe(ALICE_SHARES)
    for (const w of body.workers) {
      expect(w.kind).toBe('peer') // came in as 'local', not over this relay's Stratum
      expect(w.bestDifficulty).toBeGreaterThan(0)
      expect(w.hashesPerSecond).toBeGreaterThan(0)
    }
    // Blocks paid her: each amount equals her outputs in that block's stored coinbase.
    const stored = await relay.store.listBlocks(100)
    for (const b of body.blocks) {
      const record = stored.find((r) => r.hash === b.hash)!
      expect(BigInt(b.amount)).toBe(
        record.payouts.filter((p) => p.script === body.payoutScript).reduce((s, p) => s + BigInt(p.value), 0n)
      )
    }
    const counted =
      BigInt(body.totals.confirmed) +
      BigInt(body.totals.accepted) +
      BigInt(body.totals.submitted) +
      BigInt(body.totals.unpaid)
    expect(counted).toBe(body.blocks.reduce((s: bigint, b: { amount: string }) => s + BigInt(b.amount), 0n))
  })

  it('refuses an address of another network and bad paging in plain words', async () => {
    const wrong = await getJson('/api/v1/miners/bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.message).toMatch(/bitcoin.*devnet/)
    const page = await getJson('/api/v1/pool?blocksLimit=0')
    expect(page.status).toBe(400)
    expect(page.body.error.message).toMatch(/blocksLimit/)
    const range = await getJson('/api/v1/history?range=7y')
    expect(range.status).toBe(400)
    expect(range.body.error.message).toMatch(/10m, 1h, 24h/)
  })

  it("GET /api/v1/history: the window's share work per bucket; GET /api/v1/connect: the share difficulty a rig starts from", async () => {
    const { body } = await getJson('/api/v1/history?range=10m')
    expect(body.bucketSeconds).toBe(30)
    const total = body.points.reduce((s: number, [, rate]: [number, number]) => s + rate * body.bucketSeconds, 0)
    let work = 0n
    for (const n of relay.pool.chain.ancestors(relay.pool.chain.tip!, 100)) work += n.work
    expect(total).toBeCloseTo(Number(work), -1)
    const connect = await getJson('/api/v1/connect')
    expect(connect.body).toMatchObject({ network: 'devnet', pow: 'sha256d', poolFee: 0 })
    expect(connect.body.shareDifficulty).toBeGreaterThan(0)
  })

  it('the pool hashrate falls to 0 once no share was found in its window', async () => {
    const pool = relay.pool
    // Shares found back to back carry timestamps past the clock (above their ancestors' median): count from the newest.
    const later = pool.chain.tip!.timestamp + POOL_HASHRATE_WINDOW_SECONDS
    const model = createObserverModel({
      params: relay.params,
      rules: pool.rules,
      chain: pool.chain,
      headers: () => pool.headers,
      template: () => relay.source.current(),
      blocks: async (n) => await relay.store.listBlocks(n),
      rigs: () => [],
      poolFee: 0,
      now: () => later
    })
    const view = await model.pool({ blocksOffset: 0, blocksLimit: 1, payeesOffset: 0, payeesLimit: 1 })
    expect(view.poolHashrate).toEqual({ hashesPerSecond: 0, windowSeconds: POOL_HASHRATE_WINDOW_SECONDS, shares: 0 })
    expect((await model.miner(aliceAddress)).workers.every((w) => w.hashesPerSecond === 0)).toBe(true)
  })
})
