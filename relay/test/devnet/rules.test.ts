import { describe, expect, it } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import {
  decodeDevnetBlock,
  devnetBootstrapBlocks,
  devnetMedianTimePast,
  encodeDevnetBlock,
  nextDevnetBits,
  type DevnetAncestor
} from '@otedama/shared/chain'
import { bitsToTarget, targetToBits } from '@otedama/shared/primitives'

const params = getChainParams('devnet')
const POW_LIMIT_BITS = 0x1f00ffff
const START_BITS = 0x1e00ffff

/** A target as compact bits keep it (3 significant bytes). */
function compact(target: bigint): bigint {
  return bitsToTarget(targetToBits(target))
}

/** The parent at `tipHeight` and 20 ancestors, `spacing` seconds apart, all at `bits`. */
function chainOf(tipHeight: number, spacing: number, bits = START_BITS): DevnetAncestor[] {
  return Array.from({ length: 21 }, (_, i) => ({ height: tipHeight - i, time: 1_800_000_000 - i * spacing, bits }))
}

describe('devnet block retarget', () => {
  it('blocks 1..21 (a window that would reach genesis) carry powLimit bits, whatever the genesis bits', () => {
    expect(devnetBootstrapBlocks(params)).toBe(21)
    expect(nextDevnetBits(params, [{ height: 0, time: params.devnetGenesis!.time, bits: START_BITS }])).toBe(
      POW_LIMIT_BITS
    )
    expect(nextDevnetBits(params, chainOf(20, 1).slice(0, 21))).toBe(POW_LIMIT_BITS)
  })

  it('from block 22 it follows the window: on schedule unchanged, fast harder, slow easier', () => {
    const target = bitsToTarget(START_BITS)
    expect(bitsToTarget(nextDevnetBits(params, chainOf(21, 60)))).toBe(target)
    expect(bitsToTarget(nextDevnetBits(params, chainOf(40, 45)))).toBe(compact((target * 3n) / 4n))
    expect(bitsToTarget(nextDevnetBits(params, chainOf(40, 80)))).toBe(compact((target * 4n) / 3n))
  })

  it('moves at most x1.5 or /1.5 per block and never above powLimit', () => {
    const target = bitsToTarget(START_BITS)
    expect(bitsToTarget(nextDevnetBits(params, chainOf(40, 1)))).toBe(compact((target * 2n) / 3n))
    expect(nextDevnetBits(params, chainOf(40, 1))).toBe(nextDevnetBits(params, chainOf(40, 30)))
    expect(bitsToTarget(nextDevnetBits(params, chainOf(40, 600)))).toBe(compact((target * 3n) / 2n))
    expect(nextDevnetBits(params, chainOf(40, 600))).toBe(nextDevnetBits(params, chainOf(40, 6000)))
    expect(nextDevnetBits(params, chainOf(40, 600, POW_LIMIT_BITS))).toBe(POW_LIMIT_BITS)
    expect(nextDevnetBits(params, chainOf(40, 60, POW_LIMIT_BITS))).toBe(POW_LIMIT_BITS)
  })

  it('throws when given too few ancestors after the bootstrap', () => {
    expect(() => nextDevnetBits(params, chainOf(40, 60).slice(0, 5))).toThrow(RangeError)
  })

  it('median time past is the middle of the parent and 10 ancestors', () => {
    const times = [50, 10, 90, 30, 70, 20, 80, 40, 60, 100, 0, 999]
    expect(devnetMedianTimePast(times.map((time, i) => ({ height: 100 - i, time, bits: START_BITS })))).toBe(50)
    expect(devnetMedianTimePast([{ height: 0, time: 7, bits: START_BITS }])).toBe(7)
  })
})

describe('devnet block framing', () => {
  it('is header, tx count 1, coinbase; other counts and sizes are refused', () => {
    const header80 = new Uint8Array(80).fill(1)
    const coinbase = new Uint8Array(60).fill(2)
    const block = encodeDevnetBlock(header80, coinbase)
    expect(block.length).toBe(141)
    expect(decodeDevnetBlock(block)).toEqual({ ok: true, header80, coinbaseLegacy: coinbase })
    const two = block.slice()
    two[80] = 2
    expect(decodeDevnetBlock(two)).toMatchObject({ ok: false, verdict: { kind: 'reject', reason: 'tx-count' } })
    expect(decodeDevnetBlock(block.subarray(0, 50))).toMatchObject({
      ok: false,
      verdict: { kind: 'reject', reason: 'decode' }
    })
    expect(decodeDevnetBlock(encodeDevnetBlock(header80, new Uint8Array(9000)))).toMatchObject({
      ok: false,
      verdict: { reason: 'size' }
    })
  })
})
