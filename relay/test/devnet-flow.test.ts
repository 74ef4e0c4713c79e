import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getChainParams } from '../../shared/src/chain'
import { bytesToHex } from '../../shared/src/primitives/bytes'
import { sha256d } from '../../shared/src/primitives/hash'
import { encodeHeader, decodeHeader, hashToDisplayHex } from '../../shared/src/primitives/header'
import { bitsToTarget, meetsTarget } from '../../shared/src/primitives/target'
import { decodeTx } from '../../shared/src/primitives/tx'
import { p2wpkhScript } from '../../shared/src/primitives/script'
import { DevnetTemplateSource } from '../src/devnet/source'
import { devnetGenesisBlock, DEVNET_GENESIS_NONCE } from '../src/devnet/genesis'
import { nextDevnetBits } from '../src/devnet/retarget'
import { BlockSubmitter } from '../src/block/submitter'
import { LevelRelayStore } from '../src/store/level-store'
import { LevelShareStore } from '../src/store/level-share-store'
import { TemplateBook, type BookEntry } from '../src/work/template-book'
import { SharePool } from '../src/work/pool'
import { shareChainRules } from '../../shared/src/sharechain/rules'
import { easyDevnetParams, mineShare } from './harness/devnet'
import { coinbaseFor, grindHeader } from './harness/grind'

const { params, genesisNonce } = easyDevnetParams()
const miners = [1, 2, 3].map((i) => p2wpkhScript(new Uint8Array(20).fill(i)))

interface Relay {
  dir: string
  store: LevelRelayStore
  source: DevnetTemplateSource
  book: TemplateBook
  submitter: BlockSubmitter
  pool: SharePool
}
const open: Relay[] = []

async function startRelay (dir?: string): Promise<Relay> {
  dir ??= await mkdtemp(join(tmpdir(), 'otedama-devnet-'))
  const store = new LevelRelayStore(dir)
  await store.open()
  const source = new DevnetTemplateSource(store, { params, genesisNonce })
  const book = new TemplateBook(shareChainRules(params).networkTag, store)
  const submitter = new BlockSubmitter({ network: 'devnet', source, blocks: store, pow: 'sha256d', coinbaseMaturity: params.coinbaseMaturity })
  const pool = new SharePool({ params, source, book, submitter, store: new LevelShareStore(store.db) })
  const relay: Relay = { dir, store, source, book, submitter, pool }
  await source.start()
  book.follow(source)
  submitter.start()
  await pool.start()
  open.push(relay)
  return relay
}

async function stopRelay (r: Relay): Promise<void> {
  r.pool.stop(); r.book.stop()
  await r.submitter.stop()
  await r.source.stop()
  await r.store.close()
  open.splice(open.indexOf(r), 1)
}

async function latestEntry (r: Relay): Promise<BookEntry> {
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

describe('embedded devnet', () => {
  it('genesis comes from the shared params and its recorded nonce meets the genesis bits', () => {
    const real = getChainParams('devnet')
    const { header80, coinbaseLegacy } = devnetGenesisBlock(real)
    const header = decodeHeader(header80)
    expect(header.nonce).toBe(DEVNET_GENESIS_NONCE)
    expect(header.bits).toBe(real.devnetGenesis?.bits)
    expect(header.time).toBe(real.devnetGenesis?.time)
    expect(meetsTarget(sha256d(header80), bitsToTarget(header.bits))).toBe(true)
    expect(meetsTarget(sha256d(encodeHeader({ ...header, nonce: header.nonce - 1 })), bitsToTarget(header.bits))).toBe(false)
    const coinbase = decodeTx(coinbaseLegacy)
    expect(coinbase.outputs).toEqual([{ value: 0n, script: Uint8Array.of(0x6a) }])
    expect(new TextDecoder().decode(coinbase.inputs[0].scriptSig.subarray(1))).toBe(real.devnetGenesis?.coinbaseMessage)
  })

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
      expect(paid.map((o) => [bytesToHex(o.script), o.value])).toEqual(mined.job.payouts.map((p) => [bytesToHex(p.script), p.value]))
      expect(paid.reduce((s, o) => s + o.value, 0n)).toBe(50n * 100_000_000n)
      if (i > 0) expect(paid.length).toBeGreaterThan(1)
      // Gossip: relay B takes the block through its one entry point.
      expect(await b.source.acceptBlock(tip.header80, tip.coinbaseLegacy)).toEqual({ kind: 'accept' })
      expect(b.source.chain.tip().hashHex).toBe(tip.hashHex)
    }
  })

  it('refuses bad blocks with a reason and ignores ones it cannot place yet', async () => {
    const a = await startRelay()
    const t = a.source.current()!
    const good = coinbaseFor(t, [{ script: miners[0], value: t.coinbaseValue }])
    const greedy = coinbaseFor(t, [{ script: miners[0], value: t.coinbaseValue + 1n }])
    const accept = async (header80: Uint8Array, coinbase: Uint8Array): Promise<string> => {
      const v = await a.source.acceptBlock(header80, coinbase)
      return v.kind === 'accept' ? 'accept' : `${v.kind}:${v.reason}`
    }
    expect(await accept(grindHeader(t, greedy, 'sha256d'), greedy)).toBe('reject:bad-cb-amount')
    expect(await accept(grindHeader({ ...t, bits: 0x1f7fffff, target: bitsToTarget(0x1f7fffff) }, good, 'sha256d'), good)).toBe('reject:bits')
    const header = decodeHeader(grindHeader(t, good, 'sha256d'))
    let failing = header
    for (let n = 0; meetsTarget(sha256d(encodeHeader(failing)), t.target); n++) failing = { ...header, nonce: header.nonce + n + 1 }
    expect(await accept(encodeHeader(failing), good)).toBe('reject:pow')
    expect(await accept(encodeHeader({ ...header, prevHash: new Uint8Array(32).fill(9) }), good)).toBe('ignore:unknown-parent')
    const ok = grindHeader(t, good, 'sha256d')
    expect(await accept(ok, good)).toBe('accept')
    expect(await accept(ok, good)).toBe('ignore:duplicate')
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
    const t2 = { ...base, height: 2, prevHash: rivalParent.hash, bits: a.source.chain.nextBits(rivalParent), curtime: base.curtime + 60, mintime: a.source.chain.minTime(rivalParent) }
    t2.target = bitsToTarget(t2.bits)
    const cb2 = coinbaseFor(t2, [{ script: miners[1], value: base.coinbaseValue }])
    expect(await a.source.acceptBlock(grindHeader(t2, cb2, 'sha256d'), cb2)).toEqual({ kind: 'accept' })
    expect(a.source.chain.tip().height).toBe(2)
    await a.submitter.updateStatuses()
    expect((await a.store.getBlock(ours.block!.hash))?.status).toBe('orphaned')
  })

  it('retargets toward a block a minute within the per-block clamp', () => {
    const real = getChainParams('devnet')
    const bits = 0x1e00ffff
    const chainOf = (spacing: number) => Array.from({ length: 21 }, (_, i) => ({ height: 40 - i, time: 1_000_000 - i * spacing, bits }))
    const target = bitsToTarget(bits)
    expect(bitsToTarget(nextDevnetBits(real, chainOf(60)))).toBe(target) // on schedule: unchanged (within compact rounding)
    expect(bitsToTarget(nextDevnetBits(real, chainOf(1)))).toBe(bitsToTarget(nextDevnetBits(real, chainOf(20)))) // clamped harder
    expect(bitsToTarget(nextDevnetBits(real, chainOf(1))) < target).toBe(true)
    expect(bitsToTarget(nextDevnetBits(real, chainOf(600))) > target).toBe(true)
    expect(bitsToTarget(nextDevnetBits(real, [{ height: 5, time: 10_000_000, bits: 0x1f00ffff }, { height: 4, time: 0, bits: 0x1f00ffff }]))).toBeLessThanOrEqual(real.powLimit)
  })

  it('a restarted relay resumes its devnet chain, share chain and block records', async () => {
    const a = await startRelay()
    for (let i = 0; i < 2; i++) await a.pool.receiveShare(mineShare(a.pool, await latestEntry(a), miners[i], 100 + i).bytes, 'local')
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
    const next = await again.pool.receiveShare(mineShare(again.pool, await latestEntry(again), miners[2], 200).bytes, 'local')
    expect(next.verdict.kind).toBe('accept')
    expect(again.source.chain.tip().height).toBe(3)
  })
})
