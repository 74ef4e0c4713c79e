// The block pipeline against a small in-memory daemon (a stub of the BlockDaemon interface with a
// real chain of sha256d headers) and the real LevelDB store: dedupe, one call per parent, stale
// blocks never sent, bounded retries, parking while unhealthy, statuses through a reorg.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256d } from '@otedama/shared/primitives'
import { decodeHeader, encodeHeader, hashToDisplayHex } from '@otedama/shared/primitives'
import { bitsToTarget } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { BlockPipeline } from '../src/block/pipeline'
import { MAX_SUBMIT_ATTEMPTS } from '../src/block/queue'
import type { BlockDaemon, FoundBlock } from '../src/block/submitter'
import { RpcTransportError } from '../src/rpc'
import { LevelRelayStore } from '../src/store/level-store'
import type { BlockTemplate, ChainPosition, SourceHealth, SubmitOutcome } from '../src/template/types'
import { ListenerSet } from '@otedama/shared/util'
import { coinbaseFor, grindHeader } from './harness/grind'

const BITS = 0x207fffff
const MATURITY = 5
const payee = p2wpkhScript(new Uint8Array(20).fill(9))

/** A daemon's chain in memory: it connects a block on its tip, keeps others as side blocks. */
class StubDaemon implements BlockDaemon {
  readonly headers = new Map<string, Uint8Array>()
  best: string[] = []
  calls: Record<string, number> = {}
  inFlight = 0
  peakInFlight = 0
  /** submitblock calls that fail on transport before one goes through. */
  failSubmits = 0
  healthy = true
  private readonly templates = new ListenerSet<[BlockTemplate, boolean]>()
  private readonly healthListeners = new ListenerSet<[SourceHealth]>()

  constructor() {
    const genesis = encodeHeader({
      version: 1,
      prevHash: new Uint8Array(32),
      merkleRoot: new Uint8Array(32),
      time: 1,
      bits: BITS,
      nonce: 0
    })
    this.add(genesis, true)
  }

  tipHex(): string {
    return this.best[this.best.length - 1]
  }
  template(): BlockTemplate {
    const height = this.best.length
    return {
      network: 'devnet',
      height,
      version: 0x20000000,
      prevHash: sha256d(this.headers.get(this.tipHex()) as Uint8Array),
      bits: BITS,
      target: bitsToTarget(BITS),
      curtime: 1_700_000_000 + height,
      mintime: 0,
      coinbaseValue: 5_000_000_000n,
      transactions: [],
      rules: [],
      weightLimit: 4_000_000,
      sigopLimit: 80_000,
      receivedAt: Date.now()
    }
  }

  /** Appends a header to the best chain (or only stores it) and tells listeners of the new tip a little later, as a long poll does. */
  add(header80: Uint8Array, best: boolean): string {
    const hash = hashToDisplayHex(sha256d(header80))
    this.headers.set(hash, header80)
    if (best) {
      this.best.push(hash)
      const t = this.template()
      setTimeout(() => this.templates.emit(t, true), 1)
    }
    return hash
  }

  /** A block of another miner on the tip (or on `parentHeight`'s block, cutting the chain there first). */
  foreignBlock(parentHeight = this.best.length - 1): string {
    this.best = this.best.slice(0, parentHeight + 1)
    const t = this.template()
    return this.add(
      grindHeader(
        t,
        coinbaseFor(t, [{ script: new Uint8Array([0x51]), value: 1n }], new Uint8Array(8).fill(this.headers.size)),
        'sha256d'
      ),
      true
    )
  }

  private async call<T>(method: string, answer: () => T): Promise<T> {
    this.calls[method] = (this.calls[method] ?? 0) + 1
    this.inFlight++
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight)
    try {
      // A modelled daemon latency, not a wait for anything: a call lasts long enough (2 ms) for the
      // pipeline's next calls to be issued meanwhile, so the peak-in-flight check below has overlap to
      // bound. An answer on the next loop turn (setImmediate) came back before the next call was issued:
      // with the bound raised to 4 the peak stayed 1, and that check could no longer fail.
      await new Promise((resolve) => setTimeout(resolve, 2))
      return answer()
    } finally {
      this.inFlight--
    }
  }

  async submitBlock(block: Uint8Array): Promise<SubmitOutcome> {
    return await this.call('submitblock', () => {
      if (this.failSubmits > 0) {
        this.failSubmits--
        throw new RpcTransportError('unreachable', 'submitblock: nothing listens (ECONNREFUSED)')
      }
      const header80 = block.slice(0, 80)
      const hash = hashToDisplayHex(sha256d(header80))
      const prev = hashToDisplayHex(decodeHeader(header80).prevHash)
      if (this.headers.has(hash)) return { accepted: true } // 'duplicate', as the daemon source maps it
      if (!this.headers.has(prev)) return { accepted: false, reason: 'prev-blk-not-found' }
      if (prev !== this.tipHex()) {
        this.add(header80, false)
        return { accepted: false, reason: 'inconclusive' }
      }
      this.add(header80, true)
      return { accepted: true }
    })
  }

  async bestBlockHash(): Promise<Uint8Array> {
    return await this.call('getbestblockhash', () => sha256d(this.headers.get(this.tipHex()) as Uint8Array))
  }
  async headerOf(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return await this.call('getblockheader', () => this.headers.get(hashToDisplayHex(hash)))
  }
  async chainPosition(hash: Uint8Array): Promise<ChainPosition> {
    return await this.call('getblockheader', () => {
      const at = this.best.indexOf(hashToDisplayHex(hash))
      if (at >= 0) return { state: 'in-chain', confirmations: this.best.length - at }
      return this.headers.has(hashToDisplayHex(hash)) ? { state: 'orphaned' } : { state: 'unknown' }
    })
  }

  current(): BlockTemplate | undefined {
    return this.healthy ? this.template() : undefined
  }
  onTemplate(listener: (t: BlockTemplate, newTip: boolean) => void): () => void {
    return this.templates.add(listener)
  }
  health(): SourceHealth {
    return this.healthy ? { healthy: true, since: 0 } : { healthy: false, since: 0, reason: 'cannot reach the daemon' }
  }
  onHealth(listener: (h: SourceHealth) => void): () => void {
    return this.healthListeners.add(listener)
  }
  setHealthy(healthy: boolean): void {
    this.healthy = healthy
    this.healthListeners.emit(this.health())
  }
}

/** A block on `template` (different `salt`, different coinbase, different hash). */
function found(template: BlockTemplate, salt: number): FoundBlock {
  const coinbaseLegacy = coinbaseFor(
    template,
    [{ script: payee, value: template.coinbaseValue }],
    new Uint8Array(8).fill(salt)
  )
  return { template, header80: grindHeader(template, coinbaseLegacy, 'sha256d'), coinbaseLegacy }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup(
  maxDaemonCalls = 2
): Promise<{ daemon: StubDaemon; store: LevelRelayStore; pipeline: BlockPipeline }> {
  const dir = await mkdtemp(join(tmpdir(), 'otedama-pipeline-'))
  const store = new LevelRelayStore(dir)
  await store.open()
  const daemon = new StubDaemon()
  const pipeline = new BlockPipeline({
    network: 'devnet',
    source: daemon,
    blocks: store,
    pow: 'sha256d',
    coinbaseMaturity: MATURITY,
    maxDaemonCalls
  })
  await pipeline.start()
  cleanups.push(async () => {
    await pipeline.stop()
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { daemon, store, pipeline }
}

describe('block pipeline', () => {
  it('submits a block handed in by both paths at once exactly once, with one row', async () => {
    const { daemon, store, pipeline } = await setup()
    const block = found(daemon.template(), 1)
    const [a, b] = await Promise.all([
      pipeline.submit(block),
      pipeline.submit({ ...block, shareId: sha256d(block.header80) })
    ])
    expect(a).toBe(b)
    expect(a.status).toBe('accepted')
    expect(daemon.calls.submitblock).toBe(1)
    expect(await store.listBlocks(10)).toHaveLength(1)
    await expect.poll(async () => (await store.getBlock(a.hash))?.shareId).toBe(a.hash) // the second path's share id is kept
    expect(pipeline.metrics()).toMatchObject({ candidates: 2, blocksFound: 1, submitCalls: 1 })
  })

  it('of many blocks on one parent sends one; the rest are stale without a call', async () => {
    const { daemon, store, pipeline } = await setup()
    const template = daemon.template()
    const records = await Promise.all(Array.from({ length: 10 }, (_, i) => pipeline.submit(found(template, 10 + i))))
    expect(records.filter((r) => r.status === 'accepted')).toHaveLength(1)
    expect(records.filter((r) => r.status === 'stale')).toHaveLength(9)
    expect(daemon.calls.submitblock).toBe(1)
    expect(await store.countBlocksByStatus()).toMatchObject({ accepted: 1, stale: 9 })
    expect(pipeline.metrics().byStatus).toMatchObject({ accepted: 1, stale: 9 })
    // A late block on the old parent: the tip moved on, so it is never sent.
    const late = await pipeline.submit(found(template, 99))
    expect(late).toMatchObject({ status: 'stale', reason: expect.stringMatching(/parent is no longer/) })
    expect(late.sentAt).toBeUndefined()
    expect(daemon.calls.submitblock).toBe(1)
  })

  it("a sibling of another miner's tip is still sent (it may win the race); the daemon keeps it as a side block: stale", async () => {
    const { daemon, pipeline } = await setup()
    const template = daemon.template()
    daemon.foreignBlock()
    await expect.poll(() => pipeline.tip()?.height).toBe(1)
    await pipeline.updateStatuses() // learns the tip's parent
    const record = await pipeline.submit(found(template, 3))
    expect(record).toMatchObject({ status: 'stale', reason: expect.stringMatching(/inconclusive/), submitAttempts: 1 })
    expect(daemon.calls.submitblock).toBe(1)
  })

  it('retries a transport failure with backoff, and gives up after MAX_SUBMIT_ATTEMPTS calls', async () => {
    const { daemon, store, pipeline } = await setup()
    daemon.failSubmits = 2
    const first = await pipeline.submit(found(daemon.template(), 1))
    expect(first).toMatchObject({ status: 'submitted', reason: expect.stringMatching(/attempt 1 of .*ECONNREFUSED/) })
    await expect.poll(async () => (await store.getBlock(first.hash))?.status, { timeout: 5_000 }).toBe('accepted')
    expect(daemon.calls.submitblock).toBe(3)
    expect(pipeline.metrics().submitRetries).toBe(2)

    daemon.failSubmits = 1000
    const doomed = await pipeline.submit(found(daemon.template(), 2))
    await expect
      .poll(async () => (await store.getBlock(doomed.hash))?.reason, { timeout: 10_000 })
      .toMatch(/not sent: 5 submitblock calls failed/)
    expect(daemon.calls.submitblock).toBe(3 + MAX_SUBMIT_ATTEMPTS)
    expect(pipeline.metrics().queued).toBe(0) // nothing left that could call again
  })

  it('sends nothing while the daemon is unhealthy, and the block once it is back', async () => {
    const { daemon, store, pipeline } = await setup()
    const template = daemon.template()
    daemon.setHealthy(false)
    const parked = await pipeline.submit(found(template, 1))
    expect(parked).toMatchObject({
      status: 'submitted',
      reason: expect.stringMatching(/waiting for the daemon: cannot reach/)
    })
    expect(daemon.calls.submitblock).toBeUndefined()
    daemon.setHealthy(true)
    await expect.poll(async () => (await store.getBlock(parked.hash))?.status).toBe('accepted')
    expect(daemon.calls.submitblock).toBe(1)
  })

  it('reads statuses from the chain: accepted, orphaned by a reorg, back again, confirmed at maturity', async () => {
    const { daemon, store, pipeline } = await setup(1)
    const ours: string[] = []
    for (let i = 0; i < 3; i++) {
      const template = daemon.template()
      ours.push((await pipeline.submit(found(template, 40 + i))).hash)
      await expect.poll(() => pipeline.tip()?.height).toBe(template.height)
    }
    const status = async (): Promise<string[]> =>
      await Promise.all(ours.map(async (h) => (await store.getBlock(h))?.status ?? '?'))
    // Another miner's branch from height 1 of three blocks replaces our blocks at heights 2 and 3.
    const kept = daemon.best.slice(0, 4)
    daemon.foreignBlock(1)
    daemon.foreignBlock()
    daemon.foreignBlock()
    await pipeline.updateStatuses()
    expect(await status()).toEqual(['accepted', 'orphaned', 'orphaned'])
    // The chain goes back to ours (a longer branch on it): back to accepted, and the first one matures.
    daemon.best = kept
    for (let i = 0; i < 3; i++) daemon.foreignBlock()
    await pipeline.updateStatuses()
    expect(await status()).toEqual(['confirmed', 'confirmed', 'accepted'])
    expect(daemon.peakInFlight).toBe(1) // the bound of one call at a time held throughout
    const rows = await store.listBlocks(100)
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length)
  })
})
