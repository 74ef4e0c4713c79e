import { createLogger } from '@otedama/shared/log'
import type { ChainParams } from '@otedama/shared/chain'
import { bytesToHex, equalBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { decodeHeader } from '@otedama/shared/primitives'
import type { HeaderChain, HeaderVerdict } from '@otedama/shared/sharechain'
import { ShareLedger } from '@otedama/shared/sharechain'
import { shareChainRules, type ShareChainRules } from '@otedama/shared/sharechain'
import type { ShareChain } from '@otedama/shared/sharechain'
import type { ShareMode, ShareValidation } from '@otedama/shared/sharechain'
import type { Share } from '@otedama/shared/sharechain'
import { restoreShareChain } from '@otedama/shared/store'
import { StorePruner } from '@otedama/shared/store'
import type { ShareStore } from '@otedama/shared/store'
import { foundBlockFromShare, meetsBlockTarget } from './block-from-share'
import type { BlockSubmitter } from '../block/submitter'
import type { FoundBlockRecord } from '../store/records'
import type { TemplateSource } from '../template/types'
import type { TemplateBook } from './template-book'
import { BoundedMap, errorMessage, ListenerSet } from '@otedama/shared/util'

const log = createLogger('pool')

/** Headers walked back to link a new tip to the header chain after a reorg or a gap (count). */
export const MAX_HEADER_BACKFILL = 16
/** Share ids whose refusals are remembered (the newest), and refusals kept per id. */
export const REFUSALS_REMEMBERED = 1_024
export const REFUSALS_PER_SHARE = 8

export type ShareOrigin = 'stratum' | 'network' | 'local'

export interface AcceptedShare {
  share: Share
  id: Uint8Array
  /** The encoded share as received (what the network publishes and the store keeps). */
  bytes: Uint8Array
  origin: ShareOrigin
}

/** One refusal of one share: why a share that someone says it sent is not held here. */
export interface ShareRefusal {
  /** Local clock, unix ms. */
  at: number
  origin: ShareOrigin
  mode: ShareMode
  kind: 'reject' | 'ignore'
  reason: string
  detail?: string
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
  readonly ledger: ShareLedger<ShareOrigin>
  /** Verdict counts since start (metrics). */
  readonly stats = { accepted: 0, rejected: 0, ignored: 0, blocks: 0 }
  /**
   * Shares not taken since start, by "<origin> <kind>:<reason>" (e.g. "network ignore:unknown-block"):
   * what an operator reads when this relay and its neighbours disagree about the tip. Bounded by the
   * verdict vocabulary (3 origins x the reasons in @otedama/shared/sharechain: verdict.ts).
   */
  readonly refusedByReason: Record<string, number> = {}
  /** The latest refusals by share id (hex, internal byte order), newest ids last; bounded (REFUSALS_REMEMBERED). */
  private readonly refusals = new BoundedMap<string, ShareRefusal[]>(REFUSALS_REMEMBERED)
  private readonly accepted = new ListenerSet<[AcceptedShare]>()
  private readonly tipMoved = new ListenerSet<[]>()
  private readonly headerAdded = new ListenerSet<[Uint8Array, 'source' | 'network']>()
  private off: (() => void) | undefined
  private readonly pruner: StorePruner | undefined

  constructor(private readonly init: PoolInit) {
    this.rules = shareChainRules(init.params)
    this.ledger = new ShareLedger<ShareOrigin>({
      rules: this.rules,
      powLimit: init.params.powLimit,
      templates: (idHex) => init.book.announcement(idHex),
      ...(init.now !== undefined ? { now: init.now } : {}),
      ...(init.verdictCacheEntries !== undefined ? { verdictCacheEntries: init.verdictCacheEntries } : {})
    })
    this.pruner = init.store === undefined ? undefined : new StorePruner(this.ledger.chain, init.store)
  }

  get chain(): ShareChain {
    return this.ledger.chain
  }

  get headers(): HeaderChain | undefined {
    return this.ledger.headers
  }

  /** The share chain's tip moved (a share of ours, a rig's or a peer's): every miner needs new work at once. */
  onTip(listener: () => void): () => void {
    return this.tipMoved.add(listener)
  }

  /** Restores stored shares, anchors the header chain at the source's tip, and follows new tips. */
  async start(): Promise<void> {
    if (this.init.store !== undefined) {
      const { added, skipped } = await restoreShareChain(this.init.store, this.chain)
      if (added + skipped > 0)
        log.info(`restored ${added} shares (${skipped} skipped), tip height ${this.chain.tip?.height ?? '-'}`)
    }
    this.off = this.init.source.onTemplate((template, newTip) => {
      if (newTip) void this.followTip(template.prevHash, template.height - 1)
    })
    const current = this.init.source.current()
    if (current !== undefined) await this.followTip(current.prevHash, current.height - 1)
  }

  stop(): void {
    this.off?.()
  }

  /** Each accepted share, with its id and where it came from (the network gossips local and Stratum ones). */
  onShare(listener: (accepted: AcceptedShare) => void): () => void {
    return this.accepted.add(listener)
  }

  /** Each new block header of the coin's chain, from our source or the network (the relay publishes its source's). */
  onHeader(listener: (header80: Uint8Array, origin: 'source' | 'network') => void): () => void {
    return this.headerAdded.add(listener)
  }

  /** Validates, keeps and (if it is a block) submits a share. Never throws on bad input: see the verdict. */
  async receiveShare(
    bytes: Uint8Array,
    origin: ShareOrigin,
    mode: ShareMode = 'live'
  ): Promise<ShareValidation & { block?: FoundBlockRecord }> {
    const entry = this.ledger.add(bytes, mode, origin)
    const result: ShareValidation = {
      verdict: entry.verdict,
      ...(entry.id !== undefined ? { id: entry.id } : {}),
      ...(entry.share !== undefined ? { share: entry.share } : {})
    }
    if (entry.verdict.kind === 'reject') this.stats.rejected++
    if (entry.verdict.kind === 'ignore') this.stats.ignored++
    if (entry.verdict.kind !== 'accept') {
      const key = `${origin} ${entry.verdict.kind}:${entry.verdict.reason}`
      this.refusedByReason[key] = (this.refusedByReason[key] ?? 0) + 1
      if (entry.id !== undefined && entry.verdict.reason !== 'duplicate') {
        this.rememberRefusal(entry.id, origin, mode, entry.verdict)
        // At debug, rate-bounded like every log line (@otedama/shared/log); the id in internal byte order, as the sender's outbox names it.
        if (origin === 'network')
          log.debug(
            `share ${bytesToHex(entry.id)} from the network (${mode}) not taken: ${entry.verdict.kind} ${entry.verdict.reason}${entry.verdict.detail !== undefined ? ` (${entry.verdict.detail})` : ''}`
          )
      }
    }
    if (entry.verdict.kind !== 'accept' || entry.share === undefined || entry.id === undefined) return result
    const { share, id } = entry
    this.stats.accepted++
    await this.init.store?.putShares([{ id, bytes, height: share.info.shareHeight }])
    await this.pruneStore()
    this.accepted.emit({ share, id, bytes, origin })
    if (entry.tipChanged === true) this.tipMoved.emit()
    if (!meetsBlockTarget(share, this.rules.pow)) return result
    const found = await foundBlockFromShare(share, id, this.chain, this.init.book)
    if (found === undefined) {
      log.info('a share meets the block target on a template this relay does not hold; its owner submits it')
      return result
    }
    this.stats.blocks++
    return { ...result, block: await this.init.submitter.submit(found) }
  }

  /** Why this relay refused the share `id` (internal byte order) lately, oldest first; none if it never did or forgot. */
  refusalsOf(id: Uint8Array): ShareRefusal[] {
    return [...(this.refusals.get(bytesToHex(id)) ?? [])]
  }

  private rememberRefusal(
    id: Uint8Array,
    origin: ShareOrigin,
    mode: ShareMode,
    verdict: { kind: 'reject' | 'ignore'; reason: string; detail?: string }
  ): void {
    const key = bytesToHex(id)
    const list = this.refusals.get(key) ?? []
    this.refusals.delete(key)
    list.push({
      at: Date.now(),
      origin,
      mode,
      kind: verdict.kind,
      reason: verdict.reason,
      ...(verdict.detail !== undefined ? { detail: verdict.detail } : {})
    })
    if (list.length > REFUSALS_PER_SHARE) list.shift()
    this.refusals.set(key, list)
  }

  /** Deletes stored shares the chain pruned (below the window and its margin): disk stays bounded like memory. */
  private async pruneStore(): Promise<void> {
    try {
      await this.pruner?.afterAdd()
    } catch (err) {
      log.warn(`pruning stored shares below height ${this.chain.pruneHeight} failed: ${errorMessage(err)}`)
    }
  }

  /** Adds a header from our template source; starts the header chain at the first one seen. */
  addHeader(header80: Uint8Array, height: number): HeaderVerdict {
    const verdict = this.ledger.addHeader(header80, height)
    if (verdict.kind === 'accept') this.headerAdded.emit(header80, 'source')
    return verdict
  }

  /** A header from the network: added only when it links to the header chain (never re-anchors it). */
  addRemoteHeader(header80: Uint8Array): HeaderVerdict {
    if (this.headers === undefined) return { kind: 'ignore', reason: 'unknown-prev', detail: 'no header chain yet' }
    const verdict = this.ledger.addHeader(header80)
    if (verdict.kind === 'accept') this.headerAdded.emit(header80, 'network')
    return verdict
  }

  private async followTip(tipHash: Uint8Array, tipHeight: number): Promise<void> {
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
      log.warn(`cannot fetch block header: ${errorMessage(err)}`)
      return
    }
    const oldest = missing[missing.length - 1]
    if (
      oldest !== undefined &&
      this.headers !== undefined &&
      this.headers.get(decodeHeader(oldest).prevHash) === undefined
    ) {
      // A gap deeper than the backfill (the relay was away, or a long reorg): our own daemon's
      // headers are trusted, so re-anchor the header chain at the new tip.
      log.info(`header chain re-anchored at height ${tipHeight}`)
      this.ledger.anchor({ hash: sha256d(missing[0]), height: tipHeight })
      this.headerAdded.emit(missing[0], 'source')
      return
    }
    for (let i = missing.length - 1; i >= 0; i--) this.addHeader(missing[i], tipHeight - i)
  }
}
