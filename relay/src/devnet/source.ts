import { getChainParams } from '@otedama/shared/chain'
import { decodeDevnetBlock, DEVNET_MAX_BLOCK_WEIGHT_WU, type DevnetVerdict } from '@otedama/shared/chain'
import type { ChainParams } from '@otedama/shared/chain'
import { blockSubsidy } from '@otedama/shared/chain'
import { createLogger } from '@otedama/shared/log'
import { hashToDisplayHex } from '@otedama/shared/primitives'
import { bitsToTarget } from '@otedama/shared/primitives'
import type {
  BlockTemplate,
  ChainPosition,
  ProposalVerdict,
  SourceHealth,
  SubmitOutcome,
  TemplateSource
} from '../template/types'
import { DevnetChain, type DevnetBlock } from './chain'
import { devnetGenesisBlock } from './genesis'
import type { DevnetBlockStore } from './store'
import { ListenerSet } from '@otedama/shared/util'

export type { DevnetBlockStore } from './store'

const log = createLogger('devnet')

/** devnet block version: BIP9 top bits, so version-rolling rigs may roll the BIP310 mask (not a devnet rule). */
export const DEVNET_BLOCK_VERSION = 0x20000000
/** Sigop cost a devnet template offers: Core's MAX_BLOCK_SIGOPS_COST (devnet has no sigop rule; a coinbase's outputs run only when spent). */
export const DEVNET_SIGOP_LIMIT = 80_000
/** A new template with a fresh curtime this often on an unchanged tip, ms (Core's miners refresh ntime similarly). */
export const DEVNET_CURTIME_REFRESH_MS = 30_000

export type BlockOrigin = 'local' | 'network'

export interface DevnetSourceOptions {
  /** Defaults to the compiled-in devnet; tests may pass an easier variant with its genesis nonce. */
  params?: ChainParams
  genesisNonce?: number
  /** Wall clock, ms. */
  now?: () => number
}

/**
 * The embedded devnet as a TemplateSource: templates on the best tip (a new one on each new tip and a
 * fresh curtime every 30 s), blocks of header + coinbase submitted here or gossiped in through
 * `acceptBlock`, kept in a DevnetBlockStore so a restart resumes the chain.
 */
export class DevnetTemplateSource implements TemplateSource {
  readonly kind = 'devnet'
  readonly network = 'devnet'
  readonly chain: DevnetChain
  private readonly templates = new ListenerSet<[BlockTemplate, boolean]>()
  private readonly blocks = new ListenerSet<[DevnetBlock, BlockOrigin]>()
  private readonly healthListeners = new ListenerSet<[SourceHealth]>()
  private latest: BlockTemplate | undefined
  private readonly now: () => number
  private readonly startedAt: number
  private refreshTimer: ReturnType<typeof setInterval> | undefined

  constructor(store?: DevnetBlockStore, opts: DevnetSourceOptions = {}) {
    const params = opts.params ?? getChainParams('devnet')
    this.now = opts.now ?? Date.now
    this.startedAt = this.now()
    this.chain = new DevnetChain(params, devnetGenesisBlock(params, opts.genesisNonce), {
      ...(store !== undefined ? { store } : {}),
      now: this.now
    })
    this.chain.onTip((tip, previous) => {
      const how =
        tip.parent === previous ? '' : ` (reorg from ${hashToDisplayHex(previous.hash)} at height ${previous.height})`
      log.info(`devnet tip ${hashToDisplayHex(tip.hash)} at height ${tip.height}${how}`)
      this.refreshTemplate(true)
    })
  }

  async start(): Promise<void> {
    if (this.refreshTimer !== undefined) return
    const restored = await this.chain.load()
    if (restored > 0) log.info(`resumed devnet at height ${this.chain.tip().height} (${restored} stored blocks)`)
    this.refreshTemplate(true)
    this.refreshTimer = setInterval(() => {
      this.refreshTemplate(false)
    }, DEVNET_CURTIME_REFRESH_MS)
    this.refreshTimer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.refreshTimer)
    this.refreshTimer = undefined
  }

  current(): BlockTemplate | undefined {
    return this.latest
  }

  onTemplate(listener: (template: BlockTemplate, newTip: boolean) => void): () => void {
    return this.templates.add(listener)
  }

  /** Each block accepted into the index, with where it came from (the network gossips local ones). */
  onBlock(listener: (block: DevnetBlock, origin: BlockOrigin) => void): () => void {
    return this.blocks.add(listener)
  }

  health(): SourceHealth {
    return { healthy: true, since: this.startedAt }
  }

  onHealth(listener: (health: SourceHealth) => void): () => void {
    return this.healthListeners.add(listener)
  }

  /** The one entry point for devnet blocks: found here, or received from other relays. */
  async acceptBlock(
    header80: Uint8Array,
    coinbaseLegacy: Uint8Array,
    origin: BlockOrigin = 'network'
  ): Promise<DevnetVerdict> {
    const result = await this.chain.acceptBlock(header80, coinbaseLegacy)
    // Orphans connected behind a block came from the network earlier, whatever brought their parent.
    result.connected.forEach((block, i) => {
      this.blocks.emit(block, i === 0 ? origin : 'network')
    })
    return result.verdict
  }

  async submitBlock(block: Uint8Array): Promise<SubmitOutcome> {
    const parts = decodeDevnetBlock(block)
    if (!parts.ok) return { accepted: false, reason: parts.verdict.reason }
    const verdict = await this.acceptBlock(parts.header80, parts.coinbaseLegacy, 'local')
    // As a daemon's submitblock: a block already held is not a failure of the submitter.
    if (verdict.kind === 'accept' || (verdict.kind === 'ignore' && verdict.reason === 'duplicate'))
      return { accepted: true }
    return { accepted: false, reason: verdict.reason }
  }

  async checkProposal(block: Uint8Array): Promise<ProposalVerdict> {
    const parts = decodeDevnetBlock(block)
    if (!parts.ok) return { valid: false, reason: parts.verdict.reason }
    const { verdict } = this.chain.check(parts.header80, parts.coinbaseLegacy, false)
    return verdict.kind === 'accept' ? { valid: true } : { valid: false, reason: verdict.reason }
  }

  async bestBlockHash(): Promise<Uint8Array> {
    return this.chain.tip().hash
  }

  async chainPosition(blockHash: Uint8Array): Promise<ChainPosition> {
    const block = this.chain.get(blockHash)
    if (block === undefined) return { state: 'unknown' }
    const confirmations = this.chain.confirmations(block)
    return confirmations > 0 ? { state: 'in-chain', confirmations } : { state: 'orphaned' }
  }

  async headerOf(blockHash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.chain.get(blockHash)?.header80
  }

  private refreshTemplate(newTip: boolean): void {
    const tip = this.chain.tip()
    const height = tip.height + 1
    const bits = this.chain.nextBits(tip)
    const mintime = this.chain.minTime(tip)
    const nowMs = this.now()
    this.latest = {
      network: 'devnet',
      height,
      version: DEVNET_BLOCK_VERSION,
      prevHash: tip.hash,
      bits,
      target: bitsToTarget(bits),
      curtime: Math.max(Math.floor(nowMs / 1000), mintime),
      mintime,
      coinbaseValue: blockSubsidy(this.chain.params, height),
      transactions: [],
      rules: [],
      weightLimit: DEVNET_MAX_BLOCK_WEIGHT_WU,
      sigopLimit: DEVNET_SIGOP_LIMIT,
      receivedAt: nowMs
    }
    this.templates.emit(this.latest, newTip)
  }
}
