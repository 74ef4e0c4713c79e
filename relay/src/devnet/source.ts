import { createLogger } from '../../../shared/src/log'
import { getChainParams } from '../../../shared/src/chain'
import type { ChainParams } from '../../../shared/src/chain/params'
import { blockSubsidy } from '../../../shared/src/chain/subsidy'
import { ByteReader, ByteWriter } from '../../../shared/src/primitives/bytes'
import { HEADER_BYTES, hashToDisplayHex } from '../../../shared/src/primitives/header'
import { bitsToTarget } from '../../../shared/src/primitives/target'
import type { BlockTemplate, ChainPosition, ProposalVerdict, SourceHealth, SubmitOutcome, TemplateSource } from '../template/types'
import { Listeners } from '../util/listeners'
import { DevnetChain, MAX_DEVNET_COINBASE_BYTES, type DevnetBlock, type DevnetVerdict } from './chain'
import { devnetGenesisBlock } from './genesis'

const log = createLogger('devnet')

/** devnet block version: BIP9 top bits, so version-rolling rigs may roll the BIP310 mask. */
export const DEVNET_BLOCK_VERSION = 0x20000000

/** Where devnet blocks are kept, oldest first on load so parents come before children. */
export interface DevnetBlockStore {
  loadDevnetBlocks: () => Promise<Array<{ header80: Uint8Array, coinbaseLegacy: Uint8Array }>>
  putDevnetBlock: (height: number, hashHex: string, header80: Uint8Array, coinbaseLegacy: Uint8Array) => Promise<void>
}

export type BlockOrigin = 'local' | 'network'

/**
 * The embedded devnet as a template source: templates on the best tip, blocks of header + coinbase
 * submitted here or gossiped in through `acceptBlock`, persisted so a restart resumes the chain.
 */
export class DevnetTemplateSource implements TemplateSource {
  readonly kind = 'devnet'
  readonly network = 'devnet'
  readonly chain: DevnetChain
  private readonly templates = new Listeners<[BlockTemplate, boolean]>()
  private readonly blocks = new Listeners<[DevnetBlock, BlockOrigin]>()
  private readonly healthListeners = new Listeners<[SourceHealth]>()
  private latest: BlockTemplate | undefined
  private readonly started = Date.now()
  private readonly now: () => number

  /**
   * `params` and `genesisNonce` default to the compiled-in devnet; tests pass an easier genesis (the
   * real one takes ~2^24 hashes per early block).
   */
  constructor (private readonly store?: DevnetBlockStore, opts: { params?: ChainParams, genesisNonce?: number, now?: () => number } = {}) {
    const params = opts.params ?? getChainParams('devnet')
    this.now = opts.now ?? Date.now
    this.chain = new DevnetChain(params, devnetGenesisBlock(params, opts.genesisNonce), this.now)
  }

  async start (): Promise<void> {
    let loaded = 0
    for (const b of await this.store?.loadDevnetBlocks() ?? []) {
      if (this.chain.accept(b.header80, b.coinbaseLegacy).verdict.kind === 'accept') loaded++
    }
    if (loaded > 0) log.info(`resumed devnet at height ${this.chain.tip().height} (${loaded} stored blocks)`)
    this.refreshTemplate(true)
  }

  async stop (): Promise<void> {}

  current (): BlockTemplate | undefined {
    return this.latest
  }

  onTemplate (listener: (template: BlockTemplate, newTip: boolean) => void): () => void {
    return this.templates.add(listener)
  }

  /** Each block accepted into the chain, with where it came from (the network gossips local ones). */
  onBlock (listener: (block: DevnetBlock, origin: BlockOrigin) => void): () => void {
    return this.blocks.add(listener)
  }

  health (): SourceHealth {
    return { healthy: true, since: this.started }
  }

  onHealth (listener: (health: SourceHealth) => void): () => void {
    return this.healthListeners.add(listener)
  }

  /** The one entry point for devnet blocks: found here, or received from other relays. */
  async acceptBlock (header80: Uint8Array, coinbaseLegacy: Uint8Array, origin: BlockOrigin = 'network'): Promise<DevnetVerdict> {
    const result = this.chain.accept(header80, coinbaseLegacy)
    if (result.verdict.kind !== 'accept' || result.block === undefined) return result.verdict
    const block = result.block
    await this.store?.putDevnetBlock(block.height, block.hashHex, header80, coinbaseLegacy)
    if (result.newTip) {
      log.info(`devnet tip ${hashToDisplayHex(block.hash)} at height ${block.height} (${origin})`)
      this.refreshTemplate(true)
    }
    this.blocks.emit(block, origin)
    return result.verdict
  }

  async submitBlock (block: Uint8Array): Promise<SubmitOutcome> {
    const parts = splitDevnetBlock(block)
    if (parts === undefined) return { accepted: false, reason: 'decode' }
    const verdict = await this.acceptBlock(parts.header80, parts.coinbaseLegacy, 'local')
    if (verdict.kind === 'accept' || (verdict.kind === 'ignore' && verdict.reason === 'duplicate')) return { accepted: true }
    return { accepted: false, reason: verdict.reason }
  }

  async checkProposal (block: Uint8Array): Promise<ProposalVerdict> {
    const parts = splitDevnetBlock(block)
    if (parts === undefined) return { valid: false, reason: 'decode' }
    const { verdict } = this.chain.check(parts.header80, parts.coinbaseLegacy, false)
    return verdict.kind === 'accept' ? { valid: true } : { valid: false, reason: verdict.reason }
  }

  async bestBlockHash (): Promise<Uint8Array> {
    return this.chain.tip().hash
  }

  async chainPosition (blockHash: Uint8Array): Promise<ChainPosition> {
    const block = this.chain.get(blockHash)
    if (block === undefined) return { state: 'unknown' }
    const confirmations = this.chain.confirmations(block)
    return confirmations > 0 ? { state: 'in-chain', confirmations } : { state: 'orphaned' }
  }

  async headerOf (blockHash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.chain.get(blockHash)?.header80
  }

  private refreshTemplate (newTip: boolean): void {
    const tip = this.chain.tip()
    const height = tip.height + 1
    const bits = this.chain.nextBits(tip)
    const mintime = this.chain.minTime(tip)
    this.latest = {
      network: 'devnet',
      height,
      version: DEVNET_BLOCK_VERSION,
      prevHash: tip.hash,
      bits,
      target: bitsToTarget(bits),
      curtime: Math.max(Math.floor(this.now() / 1000), mintime),
      mintime,
      coinbaseValue: blockSubsidy(this.chain.params, height),
      transactions: [],
      rules: [],
      weightLimit: 4_000_000,
      sigopLimit: 80_000,
      receivedAt: this.now()
    }
    this.templates.emit(this.latest, newTip)
  }
}

/** A devnet block on the wire: header, tx count 1, coinbase (legacy serialization). */
export function joinDevnetBlock (header80: Uint8Array, coinbaseLegacy: Uint8Array): Uint8Array {
  return new ByteWriter(HEADER_BYTES + 1 + coinbaseLegacy.length).bytes(header80).varint(1).bytes(coinbaseLegacy).finish()
}

export function splitDevnetBlock (block: Uint8Array): { header80: Uint8Array, coinbaseLegacy: Uint8Array } | undefined {
  if (block.length > HEADER_BYTES + 1 + MAX_DEVNET_COINBASE_BYTES) return undefined
  try {
    const r = new ByteReader(block)
    const header80 = r.bytes(HEADER_BYTES)
    if (r.varint() !== 1) return undefined
    return { header80, coinbaseLegacy: r.bytes(r.remaining) }
  } catch {
    return undefined
  }
}
