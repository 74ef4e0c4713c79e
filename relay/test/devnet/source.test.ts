import { afterEach, describe, expect, it, vi } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { encodeDevnetBlock } from '@otedama/shared/chain'
import { buildCoinbaseTx } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { encodeHeader, type BlockHeader } from '@otedama/shared/primitives'
import { encodeTx, txid } from '@otedama/shared/primitives'
import { createDevnet } from '../../src/devnet'
import { DEVNET_CURTIME_REFRESH_MS } from '../../src/devnet/source'
import type { BlockTemplate, TemplateSource } from '../../src/template/types'
import { grind, MINER_SCRIPT } from './mine'

const params = getChainParams('devnet')
const SUBSIDY = 50n * 100_000_000n

/** A serialized block on a template, paying `value`; ground unless `pow` is false. */
function blockOn(
  t: BlockTemplate,
  opts: { value?: bigint; pow?: boolean; tag?: number } = {}
): { bytes: Uint8Array; hash: Uint8Array } {
  const coinbase = buildCoinbaseTx({
    height: t.height,
    extranonce: Uint8Array.of(opts.tag ?? 0, 0, 0, 0),
    outputs: [{ value: opts.value ?? t.coinbaseValue, script: MINER_SCRIPT }]
  })
  let header: BlockHeader = {
    version: t.version,
    prevHash: t.prevHash,
    merkleRoot: txid(coinbase),
    time: t.curtime,
    bits: t.bits,
    nonce: 0
  }
  if (opts.pow !== false) header = grind(header)
  const header80 = encodeHeader(header)
  return { bytes: encodeDevnetBlock(header80, encodeTx(coinbase, { witness: false })), hash: sha256d(header80) }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('DevnetTemplateSource', () => {
  it('offers a template on the tip: height, version, prev hash, retarget bits, curtime, subsidy, no transactions', async () => {
    const { source, chain } = createDevnet()
    const asSource: TemplateSource = source
    expect(asSource.current()).toBeUndefined()
    await asSource.start()
    const t = asSource.current()!
    expect(t).toMatchObject({
      network: 'devnet',
      height: 1,
      version: 0x20000000,
      bits: 0x1f00ffff,
      coinbaseValue: SUBSIDY,
      transactions: [],
      rules: []
    })
    expect(t.prevHash).toEqual(chain.genesis().hash)
    expect(t.target).toBe(params.powLimit)
    expect(t.witnessCommitment).toBeUndefined()
    expect(t.mintime).toBe(params.devnetGenesis!.time + 1)
    expect(t.curtime).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 1)
    expect(t.weightLimit).toBeGreaterThanOrEqual(4 * (80 + 1 + 1000))
    expect(asSource.health().healthy).toBe(true)
    await asSource.stop()
  })

  it('submitBlock accepts a mined block, moves the tip and announces a new template; refusals carry the reason', async () => {
    const { source } = createDevnet()
    await source.start()
    const seen: Array<[number, boolean]> = []
    const origins: string[] = []
    source.onTemplate((t, newTip) => seen.push([t.height, newTip]))
    source.onBlock((b, origin) => origins.push(`${b.height}:${origin}`))
    const t1 = source.current()!
    expect(await source.submitBlock(blockOn(t1, { value: SUBSIDY + 1n }).bytes)).toEqual({
      accepted: false,
      reason: 'bad-cb-amount'
    })
    const block = blockOn(t1)
    const twoTx = block.bytes.slice()
    twoTx[80] = 2
    expect(await source.submitBlock(twoTx)).toEqual({ accepted: false, reason: 'tx-count' })
    expect(await source.submitBlock(block.bytes)).toEqual({ accepted: true })
    expect(await source.submitBlock(block.bytes)).toEqual({ accepted: true }) // already held
    expect(await source.bestBlockHash()).toEqual(block.hash)
    expect(await source.headerOf(block.hash)).toEqual(block.bytes.subarray(0, 80))
    expect(await source.chainPosition(block.hash)).toEqual({ state: 'in-chain', confirmations: 1 })
    expect(seen).toEqual([[2, true]])
    expect(origins).toEqual(['1:local'])
    expect(source.current()!.prevHash).toEqual(block.hash)
    await source.stop()
  })

  it('checkProposal checks everything but the PoW and changes nothing', async () => {
    const { source } = createDevnet()
    await source.start()
    const t = source.current()!
    expect(await source.checkProposal(blockOn(t, { pow: false }).bytes)).toEqual({ valid: true })
    expect(await source.checkProposal(blockOn(t, { pow: false, value: SUBSIDY + 1n }).bytes)).toEqual({
      valid: false,
      reason: 'bad-cb-amount'
    })
    expect(await source.checkProposal(blockOn({ ...t, bits: 0x1f00fffe }, { pow: false }).bytes)).toEqual({
      valid: false,
      reason: 'bits'
    })
    expect(await source.checkProposal(new Uint8Array(40))).toEqual({ valid: false, reason: 'decode' })
    expect(source.chain.tip().height).toBe(0)
    await source.stop()
  })

  it('reports blocks replaced by a heavier branch as orphaned, and unknown hashes as unknown', async () => {
    const { source } = createDevnet()
    await source.start()
    const t1 = source.current()!
    const ours = blockOn(t1, { tag: 1 })
    const rival = blockOn(t1, { tag: 2 })
    expect(await source.submitBlock(ours.bytes)).toEqual({ accepted: true })
    expect(await source.acceptBlock(rival.bytes.subarray(0, 80), rival.bytes.subarray(81))).toEqual({ kind: 'accept' })
    const rivalBlock = source.chain.get(rival.hash)!
    const t2 = { ...t1, height: 2, prevHash: rival.hash, curtime: t1.curtime + 1 }
    const next = blockOn(t2, { tag: 3 })
    expect(await source.acceptBlock(next.bytes.subarray(0, 80), next.bytes.subarray(81))).toEqual({ kind: 'accept' })
    expect(await source.chainPosition(ours.hash)).toEqual({ state: 'orphaned' })
    expect(await source.chainPosition(rivalBlock.hash)).toEqual({ state: 'in-chain', confirmations: 2 })
    expect(await source.chainPosition(new Uint8Array(32).fill(5))).toEqual({ state: 'unknown' })
    await source.stop()
  })

  it('refreshes curtime on an unchanged tip every 30 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let nowMs = Date.now()
    const { source } = createDevnet({ now: () => nowMs })
    await source.start()
    const first = source.current()!
    const seen: Array<[number, boolean]> = []
    source.onTemplate((t, newTip) => seen.push([t.curtime - first.curtime, newTip]))
    nowMs += DEVNET_CURTIME_REFRESH_MS
    vi.advanceTimersByTime(DEVNET_CURTIME_REFRESH_MS)
    expect(seen).toEqual([[30, false]])
    await source.stop()
    vi.advanceTimersByTime(DEVNET_CURTIME_REFRESH_MS)
    expect(seen).toHaveLength(1)
  })
})
