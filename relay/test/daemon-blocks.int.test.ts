import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import { blockHash, hashToDisplayHex } from '@otedama/shared/primitives'
import { computePayouts, type PayoutBasis } from '@otedama/shared/sharechain'
import { DaemonTemplateSource } from '../src/template/daemon-source'
import { coinbaseBudget, fitCoinbase } from '../src/template/coinbase-room'
import { assembleBlock } from '../src/block/assemble'
import { BlockPipeline } from '../src/block/pipeline'
import { LevelRelayStore } from '../src/store/level-store'
import type { BlockTemplate } from '../src/template/types'
import { startLitecoindPair, type LitecoindPair } from './harness/litecoind'
import { coinbaseFor, grindHeader } from './harness/grind'
import { mineShare } from './harness/devnet'
import { getChainParams } from '@otedama/shared/chain'
import { shareChainRules } from '@otedama/shared/sharechain'
import { TemplateBook } from '../src/work/template-book'
import { SharePool } from '../src/work/pool'
import { LevelShareStore } from '../src/store/level-share-store'
import { generateKeyPair } from '@libp2p/crypto/keys'
import {
  decodeAttestation,
  decodeSignedTemplate,
  fixedRelayWeights,
  peerIdBytesOf,
  verifyAttestation,
  verifySignedTemplate
} from '@otedama/shared/quorum'
import { QuorumDuties, type QuorumTransport } from '../src/quorum/duties'
import { decodeFullTemplate, encodeFullTemplate } from '../src/quorum/full-template'

// One litecoind pair for the whole file (start ~2 s). Tests run in order and build on each other's chain.
const TEMPLATE_WAIT_MS = 20_000
const COINBASE_MATURITY = 100 // litecoin regtest

let pair: LitecoindPair
let source: DaemonTemplateSource
let peerSource: DaemonTemplateSource
let dataDir: string
let store: LevelRelayStore
let submitter: BlockPipeline
let payeeScripts: Uint8Array[]
/** The last template a block was mined on: later tests wait for a newer one. */
let lastMined: BlockTemplate | undefined
let book: TemplateBook
let pool: SharePool
let seed = 0
/** Block attestations the submitter asked for (the quorum duties sign and publish them). */
const blockAttestations: Array<{ hash: string; kind: string }> = []
const attestor = {
  attestBlock: (hash: Uint8Array, _height: number, kind: string) => {
    blockAttestations.push({ hash: hashToDisplayHex(hash), kind })
  }
}

function sourceFor(node: LitecoindPair['a']): DaemonTemplateSource {
  return new DaemonTemplateSource({
    network: 'litecoin-regtest',
    rpc: { url: node.rpcUrl, auth: { kind: 'cookie', cookieFile: node.cookieFile } },
    coinbaseBudget: coinbaseBudget(50, true)
  })
}

/** Payouts of a small PPLNS window (three payees of node B's wallet, weights 1:2:3), from the share-chain code. */
function payoutsFor(template: BlockTemplate): Array<{ script: Uint8Array; value: bigint }> {
  const weights = payeeScripts
    .map((script, i) => ({ script, key: bytesToHex(script), weight: BigInt(i + 1) * 1000n }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
  const basis: PayoutBasis = { parentId: new Uint8Array(32).fill(7), weights, totalWeight: 6000n }
  return computePayouts(basis, template.coinbaseValue, payeeScripts[0], {
    finderBonusPpm: 5000,
    dustLimit: 1000n,
    maxPayoutOutputs: 50
  })
}

async function nextTemplate(after = lastMined): Promise<BlockTemplate> {
  return await vi.waitFor(
    () => {
      const t = source.current()
      if (t !== undefined && (after === undefined || t.height > after.height)) return t
      throw new Error(`no new template: ${source.health().reason ?? ''}`)
    },
    { timeout: TEMPLATE_WAIT_MS, interval: 50 }
  )
}

/** Mines a share with the share chain's job builder and hands it to the pool, as a Stratum rig's share would be. */
async function mineShareOn(
  template: BlockTemplate
): Promise<{ hash: string; payouts: Array<{ script: Uint8Array; value: bigint }> }> {
  // The pool fetches each new tip's header from the daemon; a share on a block it has not seen yet is ignored.
  await vi.waitFor(
    () => {
      if (pool.headers?.get(template.prevHash) === undefined)
        throw new Error("the pool never saw the template's previous block header")
    },
    { timeout: 5_000, interval: 10 }
  )
  const entry = await book.add(template)
  const mined = mineShare(pool, entry, payeeScripts[seed % payeeScripts.length], seed++)
  const result = await pool.receiveShare(mined.bytes, 'stratum')
  expect(result.verdict.kind, JSON.stringify(result.verdict)).toBe('accept')
  const record = result.block
  expect(record?.status, record?.reason).toBe('accepted')
  lastMined = template
  return { hash: record?.hash ?? '', payouts: mined.job.payouts }
}

beforeAll(async () => {
  pair = await startLitecoindPair({ initialBlocks: 1 })
  payeeScripts = []
  for (let i = 0; i < 3; i++) {
    const address: string = await pair.b.call('getnewaddress', ['', 'bech32'])
    const info = await pair.b.call('getaddressinfo', [address])
    payeeScripts.push(hexToBytes(info.scriptPubKey))
  }
  dataDir = await mkdtemp(join(tmpdir(), 'otedama-relay-store-'))
  store = new LevelRelayStore(dataDir)
  await store.open()
  source = sourceFor(pair.a)
  peerSource = sourceFor(pair.b)
  submitter = new BlockPipeline({
    network: 'litecoin-regtest',
    source,
    blocks: store,
    pow: 'scrypt',
    coinbaseMaturity: COINBASE_MATURITY,
    attestor
  })
  const params = getChainParams('litecoin-regtest')
  book = new TemplateBook(shareChainRules(params).networkTag, store)
  pool = new SharePool({ params, source, book, submitter, store: new LevelShareStore(store.db) })
  await source.start()
  await peerSource.start()
  await submitter.start()
  await source.ready(TEMPLATE_WAIT_MS)
  book.follow(source)
  await pool.start()
})

afterAll(async () => {
  pool?.stop()
  book?.stop()
  await submitter?.stop()
  await source?.stop()
  await peerSource?.stop()
  await store?.close()
  await pair?.stop()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
})

describe('relay on two litecoind regtest nodes', () => {
  it('takes templates with the rules litecoin needs', async () => {
    const t = await nextTemplate()
    const info = await pair.a.call('getblockchaininfo')
    expect(t.height).toBe(info.blocks + 1)
    expect(hashToDisplayHex(t.prevHash)).toBe(info.bestblockhash)
    expect(t.rules.map((r) => r.replace('!', ''))).toContain('segwit')
    expect(t.witnessCommitment).toHaveLength(32)
    expect(t.coinbaseValue).toBe(5_000_000_000n) // 50 LTC, no fees yet
  })

  it('submits a share that meets the block target; both nodes follow it and it pays exactly the payouts', async () => {
    // Three shares (each also a block at regtest difficulty): the third's coinbase splits a PPLNS window.
    let template = await nextTemplate()
    let mined = await mineShareOn(template)
    for (let i = 0; i < 2; i++) {
      template = await nextTemplate()
      mined = await mineShareOn(template)
    }
    const { hash, payouts } = mined
    expect(payouts.length).toBeGreaterThan(1)
    await pair.waitSynced()
    expect(await pair.a.call('getbestblockhash')).toBe(hash)
    expect(await pair.b.call('getbestblockhash')).toBe(hash)
    const block = await pair.b.call('getblock', [hash, 2])
    const outputs = block.tx[0].vout as Array<{ value: number; scriptPubKey: { hex: string } }>
    const paid = outputs
      .filter((o) => o.value > 0)
      .map((o) => ({ script: o.scriptPubKey.hex, sats: BigInt(Math.round(o.value * 1e8)) }))
    expect(paid).toEqual(payouts.map((p) => ({ script: bytesToHex(p.script), sats: p.value })))
    expect(payouts.reduce((s, p) => s + p.value, 0n)).toBe(template.coinbaseValue)
    expect(pool.chain.tip?.key).toBeDefined()
    const record = await store.getBlock(hash)
    expect(record).toMatchObject({ status: 'accepted', submitAttempts: 1 })
  })

  it("the other node's proposal-mode check passes our block and names what is wrong with a bad one", async () => {
    const template = await nextTemplate()
    const coinbaseLegacy = coinbaseFor(template, payoutsFor(template))
    const header80 = grindHeader(template, coinbaseLegacy, 'scrypt', (1n << 256n) - 1n) // proposal mode skips PoW
    const good = assembleBlock(template, header80, coinbaseLegacy)
    expect(await peerSource.checkProposal(good)).toEqual({ valid: true })
    const greedy = coinbaseFor(template, [{ script: payeeScripts[0], value: template.coinbaseValue + 1n }])
    const greedyBlock = assembleBlock(template, grindHeader(template, greedy, 'scrypt', (1n << 256n) - 1n), greedy)
    expect(await peerSource.checkProposal(greedyBlock)).toEqual({ valid: false, reason: 'bad-cb-amount' })
  })

  it("a committee member checks another relay's signed template with its own daemon and attests it", async () => {
    const [keyA, keyB] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
    const idA = peerIdBytesOf(keyA.publicKey)
    const idB = peerIdBytesOf(keyB.publicKey)
    const tag = shareChainRules(getChainParams('litecoin-regtest')).networkTag
    const published: Uint8Array[] = []
    const attested: Uint8Array[] = []
    let lie = false
    // In-process transport between the two relays (the libp2p network carries the same bytes).
    let dutiesA: QuorumDuties | undefined
    const transport = (onAttest: (items: readonly Uint8Array[]) => void): QuorumTransport => ({
      publishTemplate: (bytes) => {
        published.push(bytes)
      },
      publishHeader: () => {},
      publishAttestations: onAttest,
      fetchTemplate: async (_publisher, id) => {
        const full = await dutiesA?.fullTemplate(id)
        if (full === undefined) throw new Error('unknown template')
        if (!lie) return full
        const t = decodeFullTemplate(full, 'litecoin-regtest')
        return encodeFullTemplate({ ...t, coinbaseValue: t.coinbaseValue + 1n })
      }
    })
    // Both relays hold work in the window (their committee is both of them).
    const weights = fixedRelayWeights([
      [idA, 1000n],
      [idB, 1000n]
    ])
    const common = { networkTag: tag, weights: () => weights, committeeSize: 3, batchSize: 10, batchIntervalMs: 5 }
    dutiesA = new QuorumDuties({ ...common, key: keyA, selfId: idA, source, book, transport: transport(() => {}) })
    const bookB = new TemplateBook(tag)
    const dutiesB = new QuorumDuties({
      ...common,
      key: keyB,
      selfId: idB,
      source: peerSource,
      book: bookB,
      transport: transport((items) => attested.push(...items))
    })
    dutiesA.start() // publishes A's current template at once, then one per new template
    await pair.generate(1)
    await pair.waitSynced()
    const tip = hashToDisplayHex(await peerSource.bestBlockHash())
    const onTip = async (bytes: Uint8Array): Promise<boolean> => {
      const check = await verifySignedTemplate(decodeSignedTemplate(bytes), tag)
      return check.ok && hashToDisplayHex(check.template.prevHash) === tip
    }
    const fresh = await vi.waitFor(
      async () => {
        for (const bytes of published) if (await onTip(bytes)) return bytes
        throw new Error('relay A published no template on the new tip')
      },
      { timeout: 10_000, interval: 10 }
    )
    published.splice(0, published.length, fresh)
    expect(await dutiesB.onSignedTemplate(published[0])).toBe('valid')
    await dutiesB.stop()
    expect(attested).toHaveLength(1)
    const attestation = decodeAttestation(attested[0])
    expect(await verifyAttestation(attestation, tag)).toEqual({ ok: true, attesterId: idB })
    const signed = await verifySignedTemplate(decodeSignedTemplate(published[0]), tag)
    expect(signed.ok && bytesToHex(attestation.subjectId) === bytesToHex(signed.templateId)).toBe(true)
    expect(attestation.claim).toBe('valid')
    // Committee members keep the template, so a block found on it can be submitted from B too.
    expect(signed.ok && (await bookB.template(bytesToHex(signed.templateId)))).toBeDefined()
    // A publisher whose full template differs from what it signed gets an 'invalid' attestation.
    const dutiesC = new QuorumDuties({
      ...common,
      key: keyB,
      selfId: idB,
      source: peerSource,
      book: new TemplateBook(tag),
      transport: transport((items) => attested.push(...items))
    })
    lie = true
    expect(await dutiesC.onSignedTemplate(published[0])).toBe('invalid')
    await dutiesC.stop()
    expect(decodeAttestation(attested[1]).claim).toBe('invalid')
    await dutiesA.stop()
  })

  it('reports a stopped daemon, keeps a block found meanwhile, and submits it when the daemon returns', async () => {
    const template = await nextTemplate()
    const coinbaseLegacy = coinbaseFor(template, payoutsFor(template))
    const header80 = grindHeader(template, coinbaseLegacy, 'scrypt')
    const unhealthy = new Promise<string>((resolve) => {
      const off = source.onHealth((h) => {
        if (!h.healthy) {
          off()
          resolve(h.reason ?? '')
        }
      })
    })
    await pair.a.stop()
    expect(await unhealthy).toMatch(/reach|shutting down|getblocktemplate|getbestblockhash/i)
    expect(source.current()).toBeUndefined()
    const pending = await submitter.submit({ template, header80, coinbaseLegacy })
    expect(pending.status).toBe('submitted')
    expect(pending.reason).toMatch(/waiting for the daemon/)
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
    await expect
      .poll(async () => (await store.getBlock(pending.hash))?.status, {
        timeout: 10_000,
        interval: 25,
        message: 'the block found while the daemon was away was submitted'
      })
      .toBe('accepted')
    expect(await pair.a.call('getbestblockhash')).toBe(pending.hash)
    lastMined = template
    await mineShareOn(await nextTemplate()) // and mining goes on
  })

  it('follows blocks to orphaned and confirmed, and a restarted relay keeps every record', async () => {
    const template = await nextTemplate()
    const { hash } = await mineShareOn(template)
    await pair.waitSynced()
    // Orphan it: both nodes invalidate it and mine a longer branch.
    await Promise.all([pair.a.call('invalidateblock', [hash]), pair.b.call('invalidateblock', [hash])])
    await pair.generate(2)
    await submitter.updateStatuses()
    expect((await store.getBlock(hash))?.status).toBe('orphaned')

    // Restart: a new store and submitter on the same directory see every block, and keep tracking.
    const before = await store.listBlocks(100)
    await submitter.stop()
    await store.close()
    store = new LevelRelayStore(dataDir)
    await store.open()
    submitter = new BlockPipeline({
      network: 'litecoin-regtest',
      source,
      blocks: store,
      pow: 'scrypt',
      coinbaseMaturity: COINBASE_MATURITY,
      attestor
    })
    await submitter.start()
    const shareTip = pool.chain.tip?.key
    pool.stop()
    book.stop()
    const params = getChainParams('litecoin-regtest')
    book = new TemplateBook(shareChainRules(params).networkTag, store)
    pool = new SharePool({ params, source, book, submitter, store: new LevelShareStore(store.db) })
    book.follow(source)
    await pool.start()
    expect(pool.chain.tip?.key).toBe(shareTip) // the share chain resumes where it was
    expect(await store.listBlocks(100)).toEqual(before)
    const accepted = before.filter((r) => r.status === 'accepted')
    expect(accepted.length).toBeGreaterThanOrEqual(2)
    await pair.generate(COINBASE_MATURITY)
    await submitter.updateStatuses()
    for (const r of accepted) expect((await store.getBlock(r.hash))?.status).toBe('confirmed')
    // Each step was attested: accepted at submission, then orphaned or confirmed.
    expect(blockAttestations).toContainEqual({ hash, kind: 'accepted' })
    expect(blockAttestations).toContainEqual({ hash, kind: 'orphaned' })
    for (const r of accepted) expect(blockAttestations).toContainEqual({ hash: r.hash, kind: 'confirmed' })
  })

  it('makes coinbase room by dropping the lowest-fee-rate transaction and its fee; the daemon accepts the block', async () => {
    const tipTemplate = await nextTemplate()
    const to: string = await pair.b.call('getnewaddress', ['', 'bech32'])
    const txids: string[] = []
    for (const satPerVbyte of [30, 10, 20]) {
      txids.push(await pair.a.call('sendtoaddress', [to, 1, '', '', false, true, null, 'unset', null, satPerVbyte]))
    }
    // getblocktemplate rebuilds for mempool changes only after 5 s on the same tip (docs/field-notes.md (litecoind)).
    const full = await vi.waitFor(
      async () => {
        const t = await source.refresh()
        if (t.transactions.length < 3)
          throw new Error(`the template has ${t.transactions.length} of the 3 transactions`)
        return t
      },
      { timeout: 20_000, interval: 500 }
    )
    expect(full.height).toBe(tipTemplate.height)
    expect(full.transactions).toHaveLength(3)
    const cheapest = full.transactions.reduce((a, b) => (a.fee * BigInt(b.weight) < b.fee * BigInt(a.weight) ? a : b))
    expect(hashToDisplayHex(cheapest.txid)).toBe(txids[1])
    // Ask for one weight unit more than the block has left: exactly one transaction must go.
    const used = full.transactions.reduce((s, tx) => s + tx.weight, 0)
    const room = full.weightLimit - (80 + 1) * 4 - used
    const fit = fitCoinbase(full, { weight: room + 1, sigops: 0 })
    expect(fit.fits).toBe(true)
    expect(fit.dropped.map((tx) => hashToDisplayHex(tx.txid))).toEqual([txids[1]])
    expect(fit.template.coinbaseValue).toBe(full.coinbaseValue - cheapest.fee)
    const payouts = payoutsFor(fit.template)
    const coinbaseLegacy = coinbaseFor(fit.template, payouts)
    const header80 = grindHeader(fit.template, coinbaseLegacy, 'scrypt')
    const record = await submitter.submit({ template: fit.template, header80, coinbaseLegacy })
    expect(record.status, record.reason).toBe('accepted')
    lastMined = fit.template
    const block = await pair.a.call('getblock', [record.hash, 1])
    expect(block.tx.slice(1).sort()).toEqual([txids[0], txids[2]].sort())
    await pair.waitSynced()
  })

  it('builds valid blocks past height 432 where MWEB activates (HogEx last, MWEB data appended)', async () => {
    const height: number = await pair.a.call('getblockcount')
    if (height < 431) await pair.generate(431 - height)
    // The first MWEB block needs a peg-in (docs/field-notes.md (litecoind)): send 1 LTC to an MWEB address, mine it.
    const mwebAddress: string = await pair.a.call('getnewaddress', ['', 'mweb'])
    await pair.a.call('sendtoaddress', [mwebAddress, 1])
    await pair.generate(1)
    expect(await pair.a.call('getblockcount')).toBe(432)
    let template = await nextTemplate()
    while (template.height < 433) template = await nextTemplate(template)
    expect(template.mweb?.length).toBeGreaterThan(0)
    expect(template.rules.map((r) => r.replace('!', ''))).toContain('mweb')
    const { hash, payouts } = await mineShareOn(template)
    await pair.waitSynced()
    expect(await pair.b.call('getbestblockhash')).toBe(hash)
    const block = await pair.b.call('getblock', [hash, 2])
    expect(block.tx.length).toBe(template.transactions.length + 1)
    const paid = (block.tx[0].vout as Array<{ value: number }>).filter((o) => o.value > 0).length
    expect(paid).toBe(payouts.length)
    expect(
      hashToDisplayHex(blockHash(hexToBytes((await pair.b.call('getblockheader', [hash, false])) as string)))
    ).toBe(hash)
  })
})
