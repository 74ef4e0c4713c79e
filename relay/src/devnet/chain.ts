import {
  checkDevnetBlockInContext,
  describeDevnetVerdict,
  devnetAncestorsNeeded,
  devnetMedianTimePast,
  nextDevnetBits,
  parseDevnetBlock,
  type DevnetAncestor,
  type DevnetParentContext,
  type DevnetVerdict,
  type ParsedDevnetBlock
} from '@otedama/shared/chain'
import type { ChainParams } from '@otedama/shared/chain'
import { createLogger } from '@otedama/shared/log'
import { bytesToHex } from '@otedama/shared/primitives'
import { hashToDisplayHex, type BlockHeader } from '@otedama/shared/primitives'
import { bitsToTarget, targetToWork } from '@otedama/shared/primitives'
import type { Transaction } from '@otedama/shared/primitives'
import { ignore } from '@otedama/shared/sharechain'
import type { DevnetGenesisBlock } from './genesis'
import { DevnetOrphanPool, MAX_DEVNET_ORPHANS } from './orphans'
import type { DevnetBlockStore } from './store'
import { ListenerSet } from '@otedama/shared/util'

const log = createLogger('devnet')

export interface DevnetBlock {
  hash: Uint8Array
  hashHex: string
  header: BlockHeader
  header80: Uint8Array
  coinbaseLegacy: Uint8Array
  coinbase: Transaction
  height: number
  /** Expected hashes of this block and all its ancestors (Core's nChainWork). */
  chainWork: bigint
  parent: DevnetBlock | undefined
}

export interface DevnetChainOptions {
  /** Accepted blocks are saved here before they count; `load()` replays it. */
  store?: DevnetBlockStore
  /** Wall clock, ms (tests pass their own). */
  now?: () => number
  maxOrphans?: number
}

export interface DevnetAcceptResult {
  verdict: DevnetVerdict
  /** The block itself, when accepted. */
  block?: DevnetBlock
  /** Every block accepted by this call, the block first, then orphans it connected (parents first). */
  connected: DevnetBlock[]
  /** Whether the best tip moved. */
  newTip: boolean
}

/**
 * The embedded devnet's block index (docs/design.md, Chains): blocks of header + coinbase checked by
 * @otedama/shared src/chain/devnet-rules, the chain with most cumulative work wins (ties: the first seen stays),
 * reorgs to a heavier branch, bounded orphans, and persistence through a DevnetBlockStore.
 * `acceptBlock` is the one entry point for blocks, mined here (Stratum, local shares) or gossiped in.
 */
export class DevnetChain {
  private readonly byHash = new Map<string, DevnetBlock>()
  /** The best chain: mainChain[h] is its block at height h. */
  private readonly mainChain: DevnetBlock[] = []
  private readonly orphans: DevnetOrphanPool
  private readonly tips = new ListenerSet<[DevnetBlock, DevnetBlock]>()
  private readonly store: DevnetBlockStore | undefined
  private readonly now: () => number
  /** Accepts run one at a time: each sees the index the previous one left, store writes keep order. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly params: ChainParams,
    genesis: DevnetGenesisBlock,
    opts: DevnetChainOptions = {}
  ) {
    this.store = opts.store
    this.now = opts.now ?? Date.now
    this.orphans = new DevnetOrphanPool(opts.maxOrphans ?? MAX_DEVNET_ORPHANS)
    const parsed = parseDevnetBlock(params, genesis.header80, genesis.coinbaseLegacy)
    if (!parsed.ok) {
      throw new Error(
        `${params.name} genesis is invalid (${parsed.verdict.reason}): the genesis params changed; recompute DEVNET_GENESIS_NONCE with findDevnetGenesisNonce()`
      )
    }
    const block = parsed.block
    const genesisBlock: DevnetBlock = {
      ...block,
      hashHex: bytesToHex(block.hash),
      height: 0,
      chainWork: workOf(block.header.bits),
      parent: undefined
    }
    this.byHash.set(genesisBlock.hashHex, genesisBlock)
    this.mainChain.push(genesisBlock)
  }

  /** Replays the store (parents first), re-checking every block; returns how many were restored. */
  async load(): Promise<number> {
    if (this.store === undefined) return 0
    let restored = 0
    for (const stored of await this.store.loadDevnetBlocks()) {
      const checked = this.check(stored.header80, stored.coinbaseLegacy)
      // A stored block was within the future bound when accepted; a clock set back since does not undo it.
      const ok =
        checked.verdict.kind === 'accept' || (checked.verdict.kind === 'ignore' && checked.verdict.reason === 'future')
      if (ok && checked.block !== undefined && checked.parent !== undefined) {
        this.insert(checked.block, checked.parent)
        restored++
      } else if (!(checked.verdict.kind === 'ignore' && checked.verdict.reason === 'duplicate')) {
        log.warn(`stored devnet block skipped: ${describeDevnetVerdict(checked.verdict)}`)
      }
    }
    return restored
  }

  tip(): DevnetBlock {
    return this.mainChain[this.mainChain.length - 1]
  }

  genesis(): DevnetBlock {
    return this.mainChain[0]
  }

  get(hash: Uint8Array): DevnetBlock | undefined {
    return this.byHash.get(bytesToHex(hash))
  }

  /** The best chain's block at `height`. */
  atHeight(height: number): DevnetBlock | undefined {
    return this.mainChain[height]
  }

  /** Confirmations of a block on the best chain (1 = tip), 0 when it is off the best chain. */
  confirmations(block: DevnetBlock): number {
    return this.mainChain[block.height] === block ? this.tip().height - block.height + 1 : 0
  }

  /** Blocks known, genesis included (orphans excluded). */
  size(): number {
    return this.byHash.size
  }

  orphanCount(): number {
    return this.orphans.size
  }

  /** Bits the block after `parent` must carry. */
  nextBits(parent: DevnetBlock): number {
    return nextDevnetBits(this.params, this.contextOf(parent).ancestors)
  }

  /** The lowest time a block after `parent` may carry (median time past + 1). */
  minTime(parent: DevnetBlock): number {
    return devnetMedianTimePast(this.contextOf(parent).ancestors) + 1
  }

  /** Called with the new best tip and the one it replaced (a reorg when the old one is not its parent). */
  onTip(listener: (tip: DevnetBlock, previous: DevnetBlock) => void): () => void {
    return this.tips.add(listener)
  }

  /**
   * Every rule, without changing anything. `checkPow: false` is proposal mode (all but the PoW).
   * Unknown parents are `ignore unknown-parent` with the parent hash to fetch.
   */
  check(
    header80: Uint8Array,
    coinbaseLegacy: Uint8Array,
    checkPow = true
  ): { verdict: DevnetVerdict; block?: ParsedDevnetBlock; parent?: DevnetBlock } {
    const parsed = parseDevnetBlock(this.params, header80, coinbaseLegacy, checkPow)
    if (!parsed.ok) return { verdict: parsed.verdict }
    const block = parsed.block
    if (this.byHash.has(bytesToHex(block.hash))) return { verdict: ignore('duplicate') }
    const parent = this.byHash.get(bytesToHex(block.header.prevHash))
    if (parent === undefined)
      return {
        verdict: ignore('unknown-parent', `parent ${hashToDisplayHex(block.header.prevHash)}`, block.header.prevHash),
        block
      }
    const verdict = checkDevnetBlockInContext(this.params, block, this.contextOf(parent), Math.floor(this.now() / 1000))
    return { verdict, block, parent }
  }

  /**
   * The one entry point for devnet blocks. Valid blocks are saved to the store, then indexed; a heavier
   * branch becomes the best chain. A block with an unknown parent is kept (bounded) and ignored with
   * the parent to fetch; it is connected when the parent arrives. Store failures throw.
   */
  async acceptBlock(header80: Uint8Array, coinbaseLegacy: Uint8Array): Promise<DevnetAcceptResult> {
    const run = this.queue.then(async () => await this.acceptNow(header80, coinbaseLegacy))
    this.queue = run.catch(() => {})
    return await run
  }

  private async acceptNow(header80: Uint8Array, coinbaseLegacy: Uint8Array): Promise<DevnetAcceptResult> {
    const checked = this.check(header80, coinbaseLegacy)
    const { verdict } = checked
    if (verdict.kind === 'ignore' && verdict.reason === 'unknown-parent' && checked.block !== undefined)
      this.orphans.add(checked.block)
    if (verdict.kind !== 'accept' || checked.block === undefined || checked.parent === undefined)
      return { verdict, connected: [], newTip: false }
    const previousTip = this.tip()
    const connected = [await this.save(checked.block, checked.parent)]
    // Orphans waiting for what was just connected, breadth first; each is re-checked in full.
    for (let i = 0; i < connected.length; i++) {
      for (const child of this.orphans.takeChildren(connected[i].hashHex)) {
        const again = this.check(child.header80, child.coinbaseLegacy)
        if (again.verdict.kind === 'accept' && again.block !== undefined && again.parent !== undefined) {
          connected.push(await this.save(again.block, again.parent))
        } else {
          log.debug(`orphan ${hashToDisplayHex(child.hash)} dropped: ${describeDevnetVerdict(again.verdict)}`)
        }
      }
    }
    const tip = this.tip()
    if (tip !== previousTip) this.tips.emit(tip, previousTip)
    return { verdict, block: connected[0], connected, newTip: tip !== previousTip }
  }

  private async save(block: ParsedDevnetBlock, parent: DevnetBlock): Promise<DevnetBlock> {
    await this.store?.putDevnetBlock(parent.height + 1, bytesToHex(block.hash), block.header80, block.coinbaseLegacy)
    return this.insert(block, parent)
  }

  private insert(parsed: ParsedDevnetBlock, parent: DevnetBlock): DevnetBlock {
    const block: DevnetBlock = {
      ...parsed,
      hashHex: bytesToHex(parsed.hash),
      height: parent.height + 1,
      chainWork: parent.chainWork + workOf(parsed.header.bits),
      parent
    }
    this.byHash.set(block.hashHex, block)
    // Most work wins; equal work keeps the first seen.
    if (block.chainWork <= this.tip().chainWork) return block
    const branch: DevnetBlock[] = []
    let at: DevnetBlock | undefined = block
    while (at !== undefined && this.mainChain[at.height] !== at) {
      branch.push(at)
      at = at.parent
    }
    this.mainChain.length = (at?.height ?? -1) + 1
    for (let i = branch.length - 1; i >= 0; i--) this.mainChain.push(branch[i])
    return block
  }

  /** The parent and as many ancestors as the rules read, newest first. */
  private contextOf(parent: DevnetBlock): DevnetParentContext {
    const ancestors: DevnetAncestor[] = []
    const needed = devnetAncestorsNeeded(this.params)
    for (let at: DevnetBlock | undefined = parent; at !== undefined && ancestors.length < needed; at = at.parent) {
      ancestors.push({ height: at.height, time: at.header.time, bits: at.header.bits })
    }
    return { hash: parent.hash, ancestors }
  }
}

function workOf(bits: number): bigint {
  return targetToWork(bitsToTarget(bits))
}
