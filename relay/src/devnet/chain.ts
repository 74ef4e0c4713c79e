import { blockSubsidy } from '../../../shared/src/chain/subsidy'
import type { ChainParams } from '../../../shared/src/chain/params'
import { bytesToHex, equalBytes } from '../../../shared/src/primitives/bytes'
import { bip34HeightPush } from '../../../shared/src/primitives/coinbase'
import { sha256d } from '../../../shared/src/primitives/hash'
import { decodeHeader, HEADER_BYTES, type BlockHeader } from '../../../shared/src/primitives/header'
import { bitsToTarget, meetsTarget, targetToWork } from '../../../shared/src/primitives/target'
import { decodeTx, txid, type Transaction } from '../../../shared/src/primitives/tx'
import type { Verdict } from '../../../shared/src/sharechain/verdict'
import { medianTimePast, MEDIAN_TIME_BLOCKS, nextDevnetBits, type TimedBlock } from './retarget'

/** Largest devnet coinbase (bytes): a PPLNS coinbase at the output cap is ~1 KB. */
export const MAX_DEVNET_COINBASE_BYTES = 8 * 1024
/** A block more than this far ahead of the local clock is ignored for now (s; Core: 2 h). */
export const MAX_FUTURE_BLOCK_SECONDS = 2 * 60 * 60

export type DevnetRejectReason = 'size' | 'decode' | 'not-coinbase' | 'bits' | 'pow' | 'merkle-root' | 'time-too-old' | 'bad-cb-height' | 'bad-cb-length' | 'bad-cb-amount'
export type DevnetIgnoreReason = 'duplicate' | 'unknown-parent' | 'future'
export type DevnetVerdict = Verdict<DevnetRejectReason, DevnetIgnoreReason>

export interface DevnetBlock {
  hash: Uint8Array
  hashHex: string
  header: BlockHeader
  header80: Uint8Array
  coinbaseLegacy: Uint8Array
  coinbase: Transaction
  height: number
  chainWork: bigint
  parent: DevnetBlock | undefined
}

/**
 * The embedded devnet (DESIGN.md, Chains): blocks are a header and a coinbase, PoW-checked (sha256d),
 * retargeted toward one block a minute, and the chain with most work wins (ties: first seen).
 * `accept` is the one entry point for blocks, found here or gossiped from other relays.
 */
export class DevnetChain {
  private readonly byHash = new Map<string, DevnetBlock>()
  /** The best chain by height: mainChain[h] is the block at height h. */
  private mainChain: DevnetBlock[] = []

  constructor (readonly params: ChainParams, genesis: { header80: Uint8Array, coinbaseLegacy: Uint8Array }, private readonly now: () => number = Date.now) {
    const header = decodeHeader(genesis.header80)
    const hash = sha256d(genesis.header80)
    if (!meetsTarget(hash, bitsToTarget(header.bits))) {
      throw new Error(`${params.name} genesis nonce ${header.nonce} does not meet its bits: the genesis params changed; recompute DEVNET_GENESIS_NONCE with findDevnetGenesisNonce()`)
    }
    const block: DevnetBlock = {
      hash, hashHex: bytesToHex(hash), header, header80: genesis.header80, coinbaseLegacy: genesis.coinbaseLegacy,
      coinbase: decodeTx(genesis.coinbaseLegacy), height: 0, chainWork: targetToWork(bitsToTarget(header.bits)), parent: undefined
    }
    this.byHash.set(block.hashHex, block)
    this.mainChain = [block]
  }

  tip (): DevnetBlock {
    return this.mainChain[this.mainChain.length - 1]
  }

  get (hash: Uint8Array): DevnetBlock | undefined {
    return this.byHash.get(bytesToHex(hash))
  }

  /** Confirmations of a block on the best chain (1 = tip), 0 when it is off the best chain. */
  confirmations (block: DevnetBlock): number {
    return this.mainChain[block.height] === block ? this.tip().height - block.height + 1 : 0
  }

  size (): number {
    return this.byHash.size
  }

  /** Bits the block after `parent` must carry. */
  nextBits (parent: DevnetBlock): number {
    return nextDevnetBits(this.params, this.ancestors(parent, (this.params.devnetBlockRetarget?.windowBlocks ?? 0) + 1))
  }

  /** The lowest time a block after `parent` may carry (median time past + 1). */
  minTime (parent: DevnetBlock): number {
    return medianTimePast(this.ancestors(parent, MEDIAN_TIME_BLOCKS)) + 1
  }

  /** Full validation. `checkPow: false` is proposal mode (everything but the PoW). */
  check (header80: Uint8Array, coinbaseLegacy: Uint8Array, checkPow = true): { verdict: DevnetVerdict, parent?: DevnetBlock, header?: BlockHeader, coinbase?: Transaction } {
    if (header80.length !== HEADER_BYTES || coinbaseLegacy.length > MAX_DEVNET_COINBASE_BYTES) return { verdict: { kind: 'reject', reason: 'size' } }
    let header: BlockHeader
    let coinbase: Transaction
    try {
      header = decodeHeader(header80)
      coinbase = decodeTx(coinbaseLegacy)
    } catch (err) {
      return { verdict: { kind: 'reject', reason: 'decode', detail: (err as Error).message } }
    }
    const input = coinbase.inputs[0]
    if (coinbase.inputs.length !== 1 || input.vout !== 0xffffffff || !input.prevTxid.every((b) => b === 0) || input.witness.length > 0) {
      return { verdict: { kind: 'reject', reason: 'not-coinbase' } }
    }
    if (this.byHash.has(bytesToHex(sha256d(header80)))) return { verdict: { kind: 'ignore', reason: 'duplicate' } }
    const parent = this.byHash.get(bytesToHex(header.prevHash))
    if (parent === undefined) return { verdict: { kind: 'ignore', reason: 'unknown-parent', fetch: header.prevHash } }
    const expectedBits = this.nextBits(parent)
    if (header.bits !== expectedBits) return { verdict: { kind: 'reject', reason: 'bits', detail: `expected ${expectedBits.toString(16)}` } }
    if (checkPow && !meetsTarget(sha256d(header80), bitsToTarget(header.bits))) return { verdict: { kind: 'reject', reason: 'pow' } }
    if (!equalBytes(txid(coinbase), header.merkleRoot)) return { verdict: { kind: 'reject', reason: 'merkle-root' } }
    if (header.time < this.minTime(parent)) return { verdict: { kind: 'reject', reason: 'time-too-old' } }
    if (header.time > Math.floor(this.now() / 1000) + MAX_FUTURE_BLOCK_SECONDS) return { verdict: { kind: 'ignore', reason: 'future' } }
    const height = parent.height + 1
    const scriptSig = input.scriptSig
    if (scriptSig.length < 2 || scriptSig.length > 100) return { verdict: { kind: 'reject', reason: 'bad-cb-length' } }
    const heightPush = bip34HeightPush(height)
    if (!equalBytes(scriptSig.subarray(0, heightPush.length), heightPush)) return { verdict: { kind: 'reject', reason: 'bad-cb-height' } }
    const paid = coinbase.outputs.reduce((sum, o) => sum + o.value, 0n)
    if (paid > blockSubsidy(this.params, height)) return { verdict: { kind: 'reject', reason: 'bad-cb-amount' } }
    return { verdict: { kind: 'accept' }, parent, header, coinbase }
  }

  /** Adds a valid block; returns the verdict and whether the best tip moved. */
  accept (header80: Uint8Array, coinbaseLegacy: Uint8Array): { verdict: DevnetVerdict, block?: DevnetBlock, newTip: boolean } {
    const checked = this.check(header80, coinbaseLegacy)
    if (checked.verdict.kind !== 'accept') return { verdict: checked.verdict, newTip: false }
    const parent = checked.parent as DevnetBlock
    const header = checked.header as BlockHeader
    const hash = sha256d(header80)
    const block: DevnetBlock = {
      hash, hashHex: bytesToHex(hash), header, header80, coinbaseLegacy, coinbase: checked.coinbase as Transaction,
      height: parent.height + 1, chainWork: parent.chainWork + targetToWork(bitsToTarget(header.bits)), parent
    }
    this.byHash.set(block.hashHex, block)
    // Most work wins; ties keep the first seen.
    if (block.chainWork <= this.tip().chainWork) return { verdict: checked.verdict, block, newTip: false }
    const branch: DevnetBlock[] = []
    let at: DevnetBlock | undefined = block
    while (at !== undefined && this.mainChain[at.height] !== at) { branch.push(at); at = at.parent }
    this.mainChain.length = (at?.height ?? -1) + 1
    for (let i = branch.length - 1; i >= 0; i--) this.mainChain.push(branch[i])
    return { verdict: checked.verdict, block, newTip: true }
  }

  /** `block` and up to `count - 1` of its parents, newest first. */
  private ancestors (block: DevnetBlock, count: number): TimedBlock[] {
    const out: TimedBlock[] = []
    let at: DevnetBlock | undefined = block
    while (at !== undefined && out.length < count) {
      out.push({ height: at.height, time: at.header.time, bits: at.header.bits })
      at = at.parent
    }
    return out
  }
}
