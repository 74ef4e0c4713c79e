// Stratum rigs (grinding real scrypt) against two litecoind regtest nodes: templates from the
// daemon, coinbases from the share chain, shares through the shared validator, blocks assembled
// and submitted to the daemon, which accepts them and pays exactly the share-chain payouts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import { blockHash, hashToDisplayHex } from '@otedama/shared/primitives'
import { coinbaseMerkleBranch } from '@otedama/shared/primitives'
import {
  HeaderChain,
  ShareChain,
  ShareValidator,
  shareChainRules,
  type ShareJob,
  type ShareVerdict
} from '@otedama/shared/sharechain'
import { assembleBlock } from '../../src/block/assemble'
import { coinbaseBudget } from '../../src/template/coinbase-room'
import { DaemonTemplateSource } from '../../src/template/daemon-source'
import type { BlockTemplate } from '../../src/template/types'
import {
  ShareChainJobSource,
  ShareChainSink,
  StratumServer,
  stratumPrevHash,
  type FoundShare,
  type ShareChainWork,
  type StratumTemplate
} from '../../src/stratum'
import { startLitecoindPair, type LitecoindPair } from '../harness/litecoind'
import { TestRig } from './clients'

const params = getChainParams('litecoin-regtest')
const rules = shareChainRules(params)
const TEMPLATE_WAIT_MS = 20_000

let pair: LitecoindPair
let source: DaemonTemplateSource
let server: StratumServer
let port = 0
let headers: HeaderChain
const rigs: TestRig[] = []
const submitted: Array<{ found: FoundShare; hash: string; outcome: { accepted: boolean; reason?: string } }> = []
/** The block submission in flight (the test waits for it before mining on). */
let inflight: Promise<void> = Promise.resolve()
const verdicts: ShareVerdict[] = []

function stratumTemplate(t: BlockTemplate): StratumTemplate {
  return {
    announcement: {
      networkTag: rules.networkTag,
      prevHash: t.prevHash,
      height: t.height,
      version: t.version,
      bits: t.bits,
      curtime: t.curtime,
      coinbaseValue: t.coinbaseValue,
      witnessCommitment: t.witnessCommitment,
      merkleBranch: coinbaseMerkleBranch(t.transactions.map((tx) => tx.txid))
    },
    minTime: t.mintime,
    context: t
  }
}

beforeAll(async () => {
  pair = await startLitecoindPair({ initialBlocks: 1 })
  source = new DaemonTemplateSource({
    network: 'litecoin-regtest',
    rpc: { url: pair.a.rpcUrl, auth: { kind: 'cookie', cookieFile: pair.a.cookieFile } },
    coinbaseBudget: coinbaseBudget(50, true)
  })
  await source.start()
  const first = await source.ready(TEMPLATE_WAIT_MS)
  headers = new HeaderChain({
    pow: 'scrypt',
    powLimit: params.powLimit,
    checkpoint: { hash: first.prevHash, height: first.height - 1 }
  })
  const chain = new ShareChain(rules)
  const validator = new ShareValidator({ rules, chain, headers })
  const jobs = new ShareChainJobSource(chain)
  jobs.setTemplate(stratumTemplate(first))
  source.onTemplate((t) => jobs.setTemplate(stratumTemplate(t)))
  server = new StratumServer({
    chain: params,
    jobSource: jobs,
    shareSink: new ShareChainSink({
      chain,
      validator,
      networkTag: rules.networkTag,
      onVerdict: (v) => verdicts.push(v),
      onAccepted: (_b, _f, tipChanged) => {
        if (tipChanged) jobs.tipChanged()
      }
    }),
    blockSink: {
      submitBlock: (found) => {
        inflight = (async () => {
          const template = (found.work as ShareChainWork).template.context as BlockTemplate
          const block = assembleBlock(template, found.header, found.coinbaseTx)
          const outcome = await source.submitBlock(block)
          const hash = hashToDisplayHex(blockHash(found.header))
          if (outcome.accepted) headers.add(found.header)
          submitted.push({ found, hash, outcome })
        })()
        return inflight
      }
    },
    // Start difficulty 1 is clamped to the share difficulty: every pseudo-share is a share (and, on
    // regtest, a block), so the first block's share is the second block's PPLNS parent.
    params: { host: '127.0.0.1', port: 0, startDifficulty: 1, minDifficulty: 2 ** -30, maxDifficulty: 1 }
  })
  port = (await server.start()).port
})

afterAll(async () => {
  for (const r of rigs) r.close()
  await server?.stop(undefined, 0)
  await source?.stop()
  await pair?.stop()
})

async function mineUntilBlock(rig: TestRig, afterCount: number): Promise<(typeof submitted)[number]> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const { reply } = await rig.mineOne()
    // A job can go stale while we grind (a new block from the daemon): take the next one.
    if (reply.error !== null) expect((reply.error as unknown[])[0]).toBe(21)
    await inflight
    while (submitted.length > afterCount) {
      const s = submitted[afterCount]
      if (s.outcome.accepted) return s
      afterCount++
    }
  }
  throw new Error('no block accepted in time')
}

describe('stratum against litecoind regtest', () => {
  it('rigs mine blocks the daemon accepts; the coinbase pays exactly the share-chain payouts', async () => {
    const addrA: string = await pair.b.call('getnewaddress', ['', 'bech32'])
    const addrB: string = await pair.b.call('getnewaddress', ['', 'bech32'])
    const common = { pow: 'scrypt' as const, diff1Target: params.stratumDiff1Target }
    const a = await TestRig.connect(port, 'esp-miner', { user: `${addrA}.bitaxe`, ...common })
    const b = await TestRig.connect(port, 'cgminer', { user: `${addrB}.s9`, ...common })
    rigs.push(a, b)
    await a.handshake()
    await b.handshake()

    const first = await mineUntilBlock(a, 0)
    await pair.waitSynced()
    expect(await pair.b.call('getbestblockhash')).toBe(first.hash)

    // Wait for the template on top of our block, then the second rig finds the next block.
    const oldPrev = stratumPrevHash(first.found.work.prevHash)
    await vi.waitFor(
      () => {
        if (b.currentJob === undefined || b.currentJob.prevHash === oldPrev) throw new Error('no job on the new block')
      },
      { timeout: TEMPLATE_WAIT_MS, interval: 50 }
    )
    const second = await mineUntilBlock(b, submitted.length)
    await pair.waitSynced()
    expect(await pair.a.call('getbestblockhash')).toBe(second.hash)

    // Both headers were shares too (rig difficulty = share difficulty, so every block found was a share).
    expect(verdicts.filter((v) => v.kind === 'accept').length).toBeGreaterThanOrEqual(2)
    const block = await pair.b.call('getblock', [second.hash, 2])
    const outputs = block.tx[0].vout as Array<{ value: number; scriptPubKey: { hex: string } }>
    const paid = outputs
      .filter((o) => o.value > 0)
      .map((o) => ({ script: o.scriptPubKey.hex, sats: BigInt(Math.round(o.value * 1e8)) }))
    const job = second.found.coinbase.context as ShareJob
    expect(paid).toEqual(job.payouts.map((p) => ({ script: bytesToHex(p.script), sats: p.value })))
    const scripts = paid.map((p) => p.script)
    for (const addr of [addrA, addrB]) {
      const info = await pair.b.call('getaddressinfo', [addr])
      expect(scripts).toContain(bytesToHex(hexToBytes(info.scriptPubKey)))
    }
    expect(job.payouts.reduce((s, p) => s + p.value, 0n)).toBe(
      BigInt(Math.round(block.tx[0].vout.reduce((s: number, o: { value: number }) => s + o.value, 0) * 1e8))
    )
  })
})
