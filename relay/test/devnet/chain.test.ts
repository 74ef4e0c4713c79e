import { describe, expect, it } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { describeDevnetVerdict } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { encodeHeader } from '@otedama/shared/primitives'
import { pushData } from '@otedama/shared/primitives'
import { DevnetChain } from '../../src/devnet/chain'
import { devnetGenesisBlock } from '../../src/devnet/genesis'
import { blockOn, failPow, grind, MINER_SCRIPT, parts, type BlockParts } from './mine'

// Every block here is ground at the real devnet's bits (powLimit 0x1f00ffff during the bootstrap).
const params = getChainParams('devnet')
const POW_LIMIT_BITS = 0x1f00ffff

function newChain(nowMs = Date.now()): DevnetChain {
  return new DevnetChain(params, devnetGenesisBlock(params), { now: () => nowMs })
}

async function verdictOf(chain: DevnetChain, b: BlockParts): Promise<string> {
  return describeDevnetVerdict((await chain.acceptBlock(b.header80, b.coinbaseLegacy)).verdict)
}

describe('DevnetChain', () => {
  it('accepts a block with a real coinbase and a ground nonce on the tip, and moves the tip', async () => {
    const chain = newChain()
    const genesis = chain.tip()
    expect(chain.nextBits(genesis)).toBe(POW_LIMIT_BITS)
    const b1 = blockOn(chain, genesis)
    const tips: number[] = []
    chain.onTip((tip) => tips.push(tip.height))
    const result = await chain.acceptBlock(b1.header80, b1.coinbaseLegacy)
    expect(result.verdict).toEqual({ kind: 'accept' })
    expect(result.newTip).toBe(true)
    expect(chain.tip().height).toBe(1)
    expect(chain.tip().header80).toEqual(b1.header80)
    expect(chain.tip().chainWork).toBe(genesis.chainWork + 65_537n)
    expect(tips).toEqual([1])
    expect(await verdictOf(chain, b1)).toBe('ignore duplicate')
  })

  it('rejects each invalid block with its reason', async () => {
    const chain = newChain()
    const g = chain.tip()
    const good = blockOn(chain, g, { grind: false })
    expect(await verdictOf(chain, parts(failPow(good.header), good.coinbase))).toBe('reject pow')
    // Valid PoW at bits other than the retarget's: harder (0x1f00fffe) and easier than powLimit.
    expect(await verdictOf(chain, blockOn(chain, g, { bits: 0x1f00fffe }))).toBe('reject bits')
    expect(await verdictOf(chain, blockOn(chain, g, { bits: 0x2000ffff, grind: false }))).toBe('reject bits')
    expect(await verdictOf(chain, blockOn(chain, g, { merkleRoot: new Uint8Array(32).fill(3) }))).toBe(
      'reject merkle-root'
    )
    expect(
      await verdictOf(chain, blockOn(chain, g, { outputs: [{ value: 50n * 100_000_000n + 1n, script: MINER_SCRIPT }] }))
    ).toBe('reject bad-cb-amount')
    expect(await verdictOf(chain, blockOn(chain, g, { scriptSigHeight: 2 }))).toBe('reject bad-cb-height')
    expect(
      await verdictOf(chain, blockOn(chain, g, { scriptSig: pushData(new TextEncoder().encode('no height')) }))
    ).toBe('reject bad-cb-height')
    expect(await verdictOf(chain, blockOn(chain, g, { time: g.header.time }))).toBe('reject time-too-old')
    // Still nothing accepted; then a block two hours and a bit ahead of the clock is only ignored.
    const now = newChain((g.header.time + 1000) * 1000)
    expect(await verdictOf(now, blockOn(now, g, { time: g.header.time + 1000 + 2 * 3600 + 1 }))).toBe('ignore future')
    expect(chain.tip()).toBe(g)
    expect(await verdictOf(chain, blockOn(chain, g))).toBe('accept')
  })

  it('ignores a block whose parent is unknown, names the parent to fetch, and connects it when the parent arrives', async () => {
    const source = newChain()
    const b1 = blockOn(source, source.tip())
    await source.acceptBlock(b1.header80, b1.coinbaseLegacy)
    const b2 = blockOn(source, source.tip())
    const chain = newChain()
    const early = await chain.acceptBlock(b2.header80, b2.coinbaseLegacy)
    expect(early.verdict).toMatchObject({ kind: 'ignore', reason: 'unknown-parent' })
    expect(
      early.verdict.kind === 'ignore' && early.verdict.fetch !== undefined && bytesToHex(early.verdict.fetch)
    ).toBe(source.atHeight(1)!.hashHex)
    expect(chain.orphanCount()).toBe(1)
    const late = await chain.acceptBlock(b1.header80, b1.coinbaseLegacy)
    expect(late.connected.map((b) => b.height)).toEqual([1, 2])
    expect(chain.tip().header80).toEqual(b2.header80)
    expect(chain.orphanCount()).toBe(0)
  })

  it('keeps the first seen of equal work, reorgs to a heavier branch, and marks the replaced block off-chain', async () => {
    const chain = newChain()
    const g = chain.tip()
    const a1 = blockOn(chain, g, { tag: 1 })
    const b1 = blockOn(chain, g, { tag: 2 })
    expect(await verdictOf(chain, a1)).toBe('accept')
    const tie = await chain.acceptBlock(b1.header80, b1.coinbaseLegacy)
    expect(tie.newTip).toBe(false)
    const ours = chain.tip()
    expect(ours.header80).toEqual(a1.header80)
    const rival = chain.get(tie.block!.hash)!
    const tips: Array<[number, string]> = []
    chain.onTip((tip, previous) => tips.push([tip.height, previous.hashHex]))
    const b2 = blockOn(chain, rival, { tag: 3 })
    expect((await chain.acceptBlock(b2.header80, b2.coinbaseLegacy)).newTip).toBe(true)
    expect(chain.tip().height).toBe(2)
    expect(chain.atHeight(1)).toBe(rival)
    expect(chain.confirmations(rival)).toBe(2)
    expect(chain.confirmations(ours)).toBe(0)
    expect(tips).toEqual([[2, ours.hashHex]])
  })

  it('bounds the orphans it keeps', async () => {
    const chain = new DevnetChain(params, devnetGenesisBlock(params), { maxOrphans: 1 })
    const unknownParent = { ...chain.tip(), hash: new Uint8Array(32).fill(9), height: 5 }
    for (let tag = 0; tag < 2; tag++) {
      const b = blockOn(chain, chain.tip(), { tag, grind: false })
      const header = grind({ ...b.header, prevHash: unknownParent.hash })
      expect((await chain.acceptBlock(encodeHeader(header), b.coinbaseLegacy)).verdict).toMatchObject({
        reason: 'unknown-parent'
      })
    }
    expect(chain.orphanCount()).toBe(1)
  })
})
