import { createLogger } from '../../../shared/src/log'
import type { ChainParams } from '../../../shared/src/chain/params'
import { equalBytes } from '../../../shared/src/primitives/bytes'
import { sha256d } from '../../../shared/src/primitives/hash'
import { decodeHeader } from '../../../shared/src/primitives/header'
import { HeaderChain, type HeaderVerdict } from '../../../shared/src/sharechain/header-chain'
import { shareChainRules, type ShareChainRules } from '../../../shared/src/sharechain/rules'
import { ShareChain } from '../../../shared/src/sharechain/share-chain'
import { ShareValidator, type ShareMode, type ShareValidation } from '../../../shared/src/sharechain/validator'
import type { Share } from '../../../shared/src/sharechain/share-codec'
import { restoreShareChain } from '../../../shared/src/store/restore'
import type { ShareStore } from '../../../shared/src/store/types'
import { foundBlockFromShare, meetsBlockTarget } from '../block/from-share'
import type { BlockSubmitter } from '../block/submitter'
import type { FoundBlockRecord } from '../store/records'
import type { TemplateSource } from '../template/types'
import { Listeners } from '../util/listeners'
import type { TemplateBook } from './template-book'

const log = createLogger('pool')

/** Headers walked back to link a new tip to the header chain after a reorg or a gap (count). */
export const MAX_HEADER_BACKFILL = 16

export type ShareOrigin = 'stratum' | 'network' | 'local'

export interface AcceptedShare {
  share: Share
  id: Uint8Array
  /** The encoded share as received (what the network publishes and the store keeps). */
  bytes: Uint8Array
  origin: ShareOrigin
}

export interface PoolInit {
  params: ChainParams
  source: TemplateSource
  book: TemplateBook
  submitter: BlockSubmitter
  store?: ShareStore
  verdictCacheEntries?: number
  /** Local clock, unix seconds. */
  now?: () => number
}

/**
 * The relay's view of the share chain: validates every share (from Stratum rigs or the network)
 * with the shared rules, keeps accepted ones durably, follows block headers, and turns a share that
 * meets the block target into a submitted block when this relay holds its template.
 */
export class SharePool {
  readonly rules: ShareChainRules
  readonly chain: ShareChain
  headers: HeaderChain | undefined
  /** Verdict counts since start (metrics). */
  readonly stats = { accepted: 0, rejected: 0, ignored: 0, blocks: 0 }
  private validator: ShareValidator | undefined
  private readonly accepted = new Listeners<[AcceptedShare]>()
  private readonly headerAdded = new Listeners<[Uint8Array, 'source' | 'network']>()
  private off: (() => void) | undefined

  constructor (private readonly init: PoolInit) {
    this.rules = shareChainRules(init.params)
    this.chain = new ShareChain(this.rules)
  }

  /** Restores stored shares, anchors the header chain at the source's tip, and follows new tips. */
  async start (): Promise<void> {
    if (this.init.store !== undefined) {
      const { added, skipped } = await restoreShareChain(this.init.store, this.chain)
      if (added + skipped > 0) log.info(`restored ${added} shares (${skipped} skipped), tip height ${this.chain.tip?.height ?? '-'}`)
    }
    this.off = this.init.source.onTemplate((template, newTip) => { if (newTip) void this.followTip(template.prevHash, template.height - 1) })
    const current = this.init.source.current()
    if (current !== undefined) await this.followTip(current.prevHash, current.height - 1)
  }

  stop (): void {
    this.off?.()
  }

  /** Each accepted share, with its id and where it came from (the network gossips local and Stratum ones). */
  onShare (listener: (accepted: AcceptedShare) => void): () => void {
    return this.accepted.add(listener)
  }

  /** Each new block header of the coin's chain, from our source or the network (the relay publishes its source's). */
  onHeader (listener: (header80: Uint8Array, origin: 'source' | 'network') => void): () => void {
    return this.headerAdded.add(listener)
  }

  /** Validates, keeps and (if it is a block) submits a share. Never throws on bad input: see the verdict. */
  async receiveShare (bytes: Uint8Array, origin: ShareOrigin, mode: ShareMode = 'live'): Promise<ShareValidation & { block?: FoundBlockRecord }> {
    if (this.validator === undefined) return { verdict: { kind: 'ignore', reason: 'unknown-block', detail: 'no block header yet' } }
    const result = this.validator.validate(bytes, mode)
    if (result.verdict.kind === 'reject') this.stats.rejected++
    if (result.verdict.kind === 'ignore') this.stats.ignored++
    if (result.verdict.kind !== 'accept' || result.share === undefined || result.id === undefined) return result
    const { share, id } = result
    if (this.chain.getById(id) !== undefined) {
      this.stats.ignored++
      return { ...result, verdict: { kind: 'ignore', reason: 'duplicate' } }
    }
    this.stats.accepted++
    this.chain.add(share, id, bytes)
    await this.init.store?.putShares([{ id, bytes, height: share.info.shareHeight }])
    this.accepted.emit({ share, id, bytes, origin })
    if (!meetsBlockTarget(share, this.rules.pow)) return result
    const found = await foundBlockFromShare(share, id, this.chain, this.init.book)
    if (found === undefined) {
      log.info('a share meets the block target on a template this relay does not hold; its owner submits it')
      return result
    }
    this.stats.blocks++
    return { ...result, block: await this.init.submitter.submit(found) }
  }

  /** Adds a header from our template source; starts the header chain at the first one seen. */
  addHeader (header80: Uint8Array, height: number): HeaderVerdict {
    if (this.headers === undefined) {
      this.headers = new HeaderChain({ pow: this.rules.pow, powLimit: this.init.params.powLimit, checkpoint: { hash: sha256d(header80), height } })
      this.validator = new ShareValidator({
        rules: this.rules,
        chain: this.chain,
        headers: this.headers,
        templates: (idHex) => this.init.book.announcement(idHex),
        ...(this.init.now !== undefined ? { now: this.init.now } : {}),
        ...(this.init.verdictCacheEntries !== undefined ? { verdictCacheEntries: this.init.verdictCacheEntries } : {})
      })
      this.headerAdded.emit(header80, 'source')
      return { kind: 'accept' }
    }
    const verdict = this.headers.add(header80)
    if (verdict.kind === 'accept') this.headerAdded.emit(header80, 'source')
    return verdict
  }

  /** A header from the network: added only when it links to the header chain (never re-anchors it). */
  addRemoteHeader (header80: Uint8Array): HeaderVerdict {
    if (this.headers === undefined) return { kind: 'ignore', reason: 'unknown-prev', detail: 'no header chain yet' }
    const verdict = this.headers.add(header80)
    if (verdict.kind === 'accept') this.headerAdded.emit(header80, 'network')
    return verdict
  }

  private async followTip (tipHash: Uint8Array, tipHeight: number): Promise<void> {
    if (this.headers !== undefined && equalBytes(this.headers.tip.hash, tipHash)) return
    const missing: Uint8Array[] = []
    let hash = tipHash
    try {
      for (let i = 0; i < MAX_HEADER_BACKFILL; i++) {
        if (this.headers?.get(hash) !== undefined) break
        const header80 = await this.init.source.headerOf(hash)
        if (header80 === undefined) break
        missing.push(header80)
        if (this.headers === undefined) break
        hash = decodeHeader(header80).prevHash
      }
    } catch (err) {
      log.warn(`cannot fetch block header: ${(err as Error).message}`)
      return
    }
    const oldest = missing[missing.length - 1]
    if (oldest !== undefined && this.headers !== undefined && this.headers.get(decodeHeader(oldest).prevHash) === undefined) {
      // A gap deeper than the backfill (the relay was away, or a long reorg): our own daemon's
      // headers are trusted, so re-anchor the header chain at the new tip.
      log.info(`header chain re-anchored at height ${tipHeight}`)
      this.headers = undefined
      this.addHeader(missing[0], tipHeight)
      return
    }
    for (let i = missing.length - 1; i >= 0; i--) this.addHeader(missing[i], tipHeight - i)
  }
}
