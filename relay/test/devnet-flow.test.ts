import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { hashToDisplayHex } from '@otedama/shared/primitives'
import { bitsToTarget } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { DevnetTemplateSource } from '../src/devnet'
import { BlockPipeline } from '../src/block/pipeline'
import { LevelRelayStore } from '../src/store/level-store'
import { LevelShareStore } from '../src/store/level-share-store'
import { TemplateBook, type BookEntry } from '../src/work/template-book'
import { SharePool } from '../src/work/pool'
import { shareChainRules } from '@otedama/shared/sharechain'
import { easyDevnetParams, mineShare } from './harness/devnet'
import { coinbaseFor, grindHeader } from './harness/grind'

const { params, genesisNonce } = easyDevnetParams()
const miners = [1, 2, 3].map((i) => p2wpkhScript(new Uint8Array(20).fill(i)))

interface Relay {
  dir: string
  store: LevelRelayStore
  source: DevnetTemplateSource
  book: TemplateBook
  submitter: BlockPipeline
  pool: SharePool
}
const open: Relay[] = []

async function startRelay(dir?: string): Promise<Relay> {
  dir ??= await mkdtemp(join(tmpdir(), 'otedama-devnet-'))
  const store = new LevelRelayStore(dir)
  await store.open()
  const source = new DevnetTemplateSource(store, { params, genesisNonce })
  const book = new TemplateBook(shareChainRules(params).networkTag, store)
  const submitter = new BlockPipeline({
    network: 'devnet',
    source,
    blocks: store,
    pow: 'sha256d',
    coinbaseMaturity: params.coinbaseMaturity
  })
  const pool = new SharePool({ params, source, book, submitter, store: new LevelShareStore(store.db) })
  const relay: Relay = { dir, store, source, book, submitter, pool }
  await source.start()
  book.follow(source)
  await submitter.start()
  await pool.start()
  open.push(relay)
  return relay
}

async function stopRelay(r: Relay): Promise<void> {
  r.pool.stop()
  r.book.stop()
  await r.submitter.stop()
  await r.source.stop()
  await r.store.close()
  open.splice(open.indexOf(r), 1)
}

async function latestEntry(r: Relay): Promise<BookEntry> {
  const t = r.source.current()
  if (t === undefined) throw new Error('no template')
  return await r.book.add(t)
}

afterEach(async () => {
  for (const r of [...open]) {
    await stopRelay(r)
    await rm(r.dir, { recursive: true, force: true })
  }
})

// Relay-level flow on the embedded devnet (V owns the devnet rules and their tests in test/devnet/).
describe('relay on the embedded devnet', () => {
  it('a share meeting the block target becomes a block paying exactly the share-chain payouts; another relay accepts it', async () => {
    const a = await startRelay()
    const b = await startRelay()
    // Two ordinary shares first, so the block's coinbase splits a real PPLNS window.
    for (let i = 0; i < 3; i++) {
      const mined = mineShare(a.pool, await latestEntry(a), miners[i], i)
      const result = await a.pool.receiveShare(mined.bytes, 'local')
      expect(result.verdict.kind, JSON.stringify(result.verdict)).toBe('accept')
      expect(result.block?.status).toBe('accepted')
      const tip = a.source.chain.tip()
      expect(hashToDisplayHex(tip.hash)).toBe(result.block?.hash)
      // The coinbase in the chain pays what the share chain derived: payouts, then the commitment.
      const paid = tip.coinbase.outputs.filter((o) => o.value > 0n)
      expect(paid.map((o) => [bytesToHex(o.script), o.value])).toEqual(
        mined.job.payouts.map((p) => [bytesToHex(p.script), p.value])
      )
      expect(paid.reduce((s, o) => s + o.value, 0n)).toBe(50n * 100_000_000n)
      if (i > 0) expect(paid.length).toBeGreaterThan(1)
      // Gossip: relay B takes the block through its one entry point.
      expect(await b.source.acceptBlock(tip.header80, tip.coinbaseLegacy)).toEqual({ kind: 'accept' })
      expect(b.source.chain.tip().hashHex).toBe(tip.hashHex)
    }
  })

  it('most work wins: a longer branch reorgs the tip and the replaced block is recorded orphaned', async () => {
    const a = await startRelay()
    const base = a.source.current()!
    // Our block at height 1 via the pool; a rival branch of two blocks from the same parent.
    const mined = mineShare(a.pool, await latestEntry(a), miners[0], 7)
    const ours = await a.pool.receiveShare(mined.bytes, 'local')
    expect(ours.block?.status).toBe('accepted')
    const rivalCoinbase = coinbaseFor(base, [{ script: miners[1], value: base.coinbaseValue }])
    const rival1 = grindHeader(base, rivalCoinbase, 'sha256d')
    expect(await a.source.acceptBlock(rival1, rivalCoinbase)).toEqual({ kind: 'accept' })
    expect(hashToDisplayHex(a.source.chain.tip().hash)).toBe(ours.block?.hash) // tie: first seen stays
    const rivalParent = a.source.chain.get(sha256d(rival1))!
    const t2 = {
      ...base,
      height: 2,
      prevHash: rivalParent.hash,
      bits: a.source.chain.nextBits(rivalParent),
      curtime: base.curtime + 60,
      mintime: a.source.chain.minTime(rivalParent)
    }
    t2.target = bitsToTarget(t2.bits)
    const cb2 = coinbaseFor(t2, [{ script: miners[1], value: base.coinbaseValue }])
    expect(await a.source.acceptBlock(grindHeader(t2, cb2, 'sha256d'), cb2)).toEqual({ kind: 'accept' })
    expect(a.source.chain.tip().height).toBe(2)
    await a.submitter.updateStatuses()
    expect((await a.store.getBlock(ours.block!.hash))?.status).toBe('orphaned')
  })

  it('a restarted relay resumes its devnet chain, share chain and block records', async () => {
    const a = await startRelay()
    for (let i = 0; i < 2; i++)
      await a.pool.receiveShare(mineShare(a.pool, await latestEntry(a), miners[i], 100 + i).bytes, 'local')
    const tip = a.source.chain.tip().hashHex
    const shareTip = a.pool.chain.tip?.key
    const dir = a.dir
    await a.submitter.stop()
    const blocks = await a.store.listBlocks(10)
    await stopRelay(a)
    const again = await startRelay(dir)
    expect(again.source.chain.tip().hashHex).toBe(tip)
    expect(again.pool.chain.tip?.key).toBe(shareTip)
    expect(await again.store.listBlocks(10)).toEqual(blocks)
    // And it keeps mining on top.
    const next = await again.pool.receiveShare(
      mineShare(again.pool, await latestEntry(again), miners[2], 200).bytes,
      'local'
    )
    expect(next.verdict.kind).toBe('accept')
    expect(again.source.chain.tip().height).toBe(3)
  })
})
