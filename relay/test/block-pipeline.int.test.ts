// The block pipeline under a flood of real blocks on two litecoind regtest nodes: at bits 207fffff
// half of all scrypt hashes are blocks, so a grinding loop finds several blocks per template, and
// each one is handed in twice (as the Stratum block sink and the share pool both do). Then a reorg
// and a daemon stop/start. Every figure is read from the daemons, the store and the RPC client.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hexToBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { BlockPipeline } from '../src/block/pipeline'
import type { FoundBlock } from '../src/block/submitter'
import { RPC_MAX_IN_FLIGHT } from '../src/rpc'
import { LevelRelayStore } from '../src/store/level-store'
import { BLOCK_STATUSES, type FoundBlockRecord } from '../src/store/records'
import { coinbaseBudget } from '../src/template/coinbase-room'
import { DaemonTemplateSource } from '../src/template/daemon-source'
import type { BlockTemplate } from '../src/template/types'
import { coinbaseFor, grindHeader } from './harness/grind'
import { startLitecoindPair, type LitecoindPair } from './harness/litecoind'

const COINBASE_MATURITY = 100 // litecoin regtest
const DAEMON_CALLS = 2
/** Mining phase: until this many of our blocks are in the chain (count), or the deadline (ms). */
const TARGET_BLOCKS = 40
const MINING_DEADLINE_MS = 40_000
/** Blocks ground per template before looking for a newer one (a rig keeps hashing the job it has). */
const CANDIDATES_PER_TURN = 3

let pair: LitecoindPair
let source: DaemonTemplateSource
let store: LevelRelayStore
let pipeline: BlockPipeline
let dataDir: string
let payee: Uint8Array
const calls: Record<string, number> = {}
let peakInFlight = 0
/** Every block handed in (display hex), and the hand-ins still running. */
const handedIn = new Set<string>()
const running: Array<Promise<unknown>> = []
let salt = 0

function debugLog(): string {
  return join(pair.a.datadir, 'regtest', 'debug.log')
}

/** One real block on `template`: a fresh coinbase, a ground scrypt header. */
function grind(template: BlockTemplate): FoundBlock {
  const extranonce = new Uint8Array(8)
  new DataView(extranonce.buffer).setUint32(0, ++salt)
  const coinbaseLegacy = coinbaseFor(template, [{ script: payee, value: template.coinbaseValue }], extranonce)
  return { template, header80: grindHeader(template, coinbaseLegacy, 'scrypt'), coinbaseLegacy }
}

/** Hands a block in through both paths at once, as Stratum's block sink and the share pool do. */
function handIn(found: FoundBlock): void {
  handedIn.add(Buffer.from(sha256d(found.header80)).reverse().toString('hex'))
  running.push(pipeline.submit(found), pipeline.submit({ ...found, shareId: sha256d(found.header80) }))
}

/** Grinds on the newest template until `until()` (yielding so the long poll can bring new ones); some blocks go in late, on an older template. */
async function mine(until: () => Promise<boolean> | boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs
  let previous: BlockTemplate | undefined
  while (!(await until())) {
    if (Date.now() > deadline)
      throw new Error(`mining did not reach its goal within ${deadlineMs} ms: ${JSON.stringify(pipeline.metrics())}`)
    // While the daemon is away there is no current template: rigs keep hashing their last job.
    const template = source.current() ?? previous
    if (template === undefined) {
      await vi.waitFor(
        () => {
          if (source.current() === undefined) throw new Error('no template yet')
        },
        { timeout: Math.max(1, deadline - Date.now()), interval: 20 }
      )
      continue
    }
    for (let i = 0; i < CANDIDATES_PER_TURN; i++) handIn(grind(template))
    if (previous !== undefined && previous !== template && salt % 5 === 0) handIn(grind(previous)) // a rig late on the old job
    previous = template
    await new Promise((resolve) => setImmediate(resolve))
  }
}

async function acceptedCount(): Promise<number> {
  return (await store.countBlocksByStatus()).accepted
}

/** Every record against node A's chain: in the best chain ⇔ accepted/confirmed (by maturity); never still submitted. */
async function expectStatusesMatchNode(): Promise<{ byStatus: Record<string, number>; records: FoundBlockRecord[] }> {
  const records = await store.listBlocksByStatus(BLOCK_STATUSES) // all of them, not a newest page
  const tip: number = await pair.a.call('getblockcount')
  const byStatus: Record<string, number> = {}
  for (const r of records) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1
    const inChain = r.height <= tip && (await pair.a.call('getblockhash', [r.height])) === r.hash
    const expected = inChain ? (tip - r.height + 1 >= COINBASE_MATURITY ? 'confirmed' : 'accepted') : undefined
    if (expected !== undefined) expect(r.status, `${r.hash} at ${r.height} is in node A's chain`).toBe(expected)
    else
      expect(['orphaned', 'stale', 'rejected'], `${r.hash} at ${r.height} is not in node A's chain`).toContain(r.status)
  }
  return { byStatus, records }
}

/** Waits until every hand-in is answered and no block is left `submitted`, then reads statuses once more. */
async function settle(): Promise<number> {
  const started = Date.now()
  await Promise.all(running.splice(0))
  await expect
    .poll(
      async () => {
        await pipeline.updateStatuses()
        return (await store.countBlocksByStatus()).submitted
      },
      { timeout: 30_000, interval: 100 }
    )
    .toBe(0)
  return Date.now() - started
}

beforeAll(async () => {
  pair = await startLitecoindPair({ initialBlocks: 1 })
  const address: string = await pair.b.call('getnewaddress', ['', 'bech32'])
  payee = hexToBytes((await pair.b.call('getaddressinfo', [address])).scriptPubKey)
  dataDir = await mkdtemp(join(tmpdir(), 'otedama-pipeline-int-'))
  store = new LevelRelayStore(dataDir)
  await store.open()
  source = new DaemonTemplateSource({
    network: 'litecoin-regtest',
    rpc: {
      url: pair.a.rpcUrl,
      auth: { kind: 'cookie', cookieFile: pair.a.cookieFile },
      // Counted at the RPC client: every call the relay makes to node A, and how many were at it at once.
      observer: {
        onDispatch: (method, inFlight) => {
          calls[method] = (calls[method] ?? 0) + 1
          peakInFlight = Math.max(peakInFlight, inFlight)
        }
      }
    },
    coinbaseBudget: coinbaseBudget(16, true)
  })
  pipeline = new BlockPipeline({
    network: 'litecoin-regtest',
    source,
    blocks: store,
    pow: 'scrypt',
    coinbaseMaturity: COINBASE_MATURITY,
    maxDaemonCalls: DAEMON_CALLS
  })
  await source.start()
  await source.ready(20_000)
  await pipeline.start()
})

afterAll(async () => {
  await Promise.allSettled(running)
  await pipeline?.stop()
  await source?.stop()
  await store?.close()
  await pair?.stop()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
})

describe('block pipeline against two litecoind regtest nodes, every other hash a block', () => {
  it('a flood of blocks from two paths: one row and at most one call per block, every accepted one in the chain, the daemon never overloaded', async () => {
    const logStart = (await stat(debugLog())).size
    const startHeight: number = await pair.a.call('getblockcount')
    const started = Date.now()
    await mine(async () => (await acceptedCount()) >= TARGET_BLOCKS, MINING_DEADLINE_MS)
    const minedMs = Date.now() - started
    const settleMs = await settle()
    await pair.waitSynced()

    const { byStatus, records } = await expectStatusesMatchNode()
    // One row per distinct block, whichever path and however often it came.
    expect(new Set(records.map((r) => r.hash)).size).toBe(records.length)
    expect(records.length).toBe(handedIn.size)
    // Every block of the chain since the start is ours and recorded accepted.
    const tip: number = await pair.a.call('getblockcount')
    for (let h = startHeight + 1; h <= tip; h++) {
      const hash: string = await pair.a.call('getblockhash', [h])
      expect(handedIn.has(hash), `block ${h} is the relay's`).toBe(true)
      expect((await store.getBlock(hash))?.status).toBe('accepted')
    }
    const m = pipeline.metrics()
    expect(calls.submitblock).toBe(m.submitCalls)
    expect(calls.submitblock).toBeLessThanOrEqual(handedIn.size + m.submitRetries)
    expect(calls.submitblock).toBe(records.reduce((n, r) => n + (r.submitAttempts ?? 0), 0))
    expect(m.daemonCallsPeak).toBeLessThanOrEqual(DAEMON_CALLS)
    expect(peakInFlight).toBeLessThanOrEqual(RPC_MAX_IN_FLIGHT)
    const log = (await readFile(debugLog(), 'utf8')).slice(logStart)
    expect(log).not.toMatch(/work queue depth exceeded/i)
    console.error(
      `FIGURES flood: ${handedIn.size} distinct blocks handed in (${m.candidates} hand-ins), ${tip - startHeight} in the chain in ${minedMs} ms; ` +
        `submitblock ${calls.submitblock} (retries ${m.submitRetries}), stale without a call ${m.staleUnsent}; statuses ${JSON.stringify(byStatus)}; ` +
        `RPC calls ${JSON.stringify(calls)}; peak in flight ${peakInFlight} (client) / ${m.daemonCallsPeak} (pipeline); settled ${settleMs} ms after the last hand-in`
    )
  })

  it('a reorg (invalidateblock on both nodes, a longer branch) ends with statuses that match the node', async () => {
    const tip: number = await pair.a.call('getblockcount')
    const cut: string = await pair.a.call('getblockhash', [tip - 2]) // ours, with two of ours on top
    expect((await store.getBlock(cut))?.status).toBe('accepted')
    await Promise.all([pair.a.call('invalidateblock', [cut]), pair.b.call('invalidateblock', [cut])])
    await pair.generate(4)
    const started = Date.now()
    await expect
      .poll(
        async () => {
          await pipeline.updateStatuses()
          return (await store.getBlock(cut))?.status
        },
        { timeout: 20_000, interval: 50 }
      )
      .toBe('orphaned')
    const settleMs = Date.now() - started
    const { byStatus } = await expectStatusesMatchNode()
    expect(byStatus.orphaned).toBeGreaterThanOrEqual(3)
    console.error(
      `FIGURES reorg: 3 blocks orphaned, statuses ${JSON.stringify(byStatus)}, settled ${settleMs} ms after the new branch`
    )
  })

  it('a daemon stop/start while mining: nothing sent while it is away, parked blocks sent when it is back, statuses match the node', async () => {
    const before = { ...calls }
    const m0 = pipeline.metrics()
    const unhealthy = new Promise<void>((resolve) => {
      const off = source.onHealth((h) => {
        if (!h.healthy) {
          off()
          resolve()
        }
      })
    })
    let stopMining = false
    const miningUntil = mine(() => stopMining, 60_000)
    await pair.a.stop()
    await unhealthy
    const downAt = Date.now()
    const duringOutage = calls.submitblock ?? 0
    // While it is away: blocks are handed in (the rigs keep their last job); none is sent.
    await expect.poll(() => handedIn.size, { timeout: 10_000 }).toBeGreaterThan(m0.blocksFound + 3)
    expect(calls.submitblock).toBe(duringOutage)
    const healthy = new Promise<void>((resolve) => {
      const off = source.onHealth((h) => {
        if (h.healthy) {
          off()
          resolve()
        }
      })
    })
    await pair.a.start()
    await healthy
    const upAt = Date.now()
    const heightBack: number = await pair.a.call('getblockcount')
    await expect
      .poll(async () => (await pair.a.call('getblockcount')) as number, { timeout: 30_000 })
      .toBeGreaterThan(heightBack + 2)
    stopMining = true
    await miningUntil
    const settleMs = await settle()
    await pair.waitSynced()
    const { byStatus } = await expectStatusesMatchNode()
    const m = pipeline.metrics()
    const submits = (calls.submitblock ?? 0) - (before.submitblock ?? 0)
    expect(submits).toBeLessThanOrEqual(m.blocksFound - m0.blocksFound + m.submitRetries - m0.submitRetries)
    expect(m.submitRetries - m0.submitRetries).toBeLessThanOrEqual(2) // at most the calls that raced the stop
    console.error(
      `FIGURES outage: daemon away ${upAt - downAt} ms, ${m.blocksFound - m0.blocksFound} blocks handed in meanwhile and after, submitblock ${submits} ` +
        `(retries ${m.submitRetries - m0.submitRetries}), statuses ${JSON.stringify(byStatus)}, settled ${settleMs} ms`
    )
  })
})
