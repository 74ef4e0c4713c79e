// One share ledger for relays and browsers: the share chain, a header chain anchored at a checkpoint,
// the validator over both, and listeners for accepted shares and tip moves. What differs between the
// parts is policy around it (the relay stores and submits blocks; the browser holds and stitches
// shares it saw too early), not how a share is judged or added.
import { createLogger } from '../log'
import { sha256d } from '../primitives/hash'
import { equalBytes } from '../primitives/bytes'
import { HeaderChain, type HeaderVerdict } from './header-chain'
import type { ShareNode } from './node'
import type { ShareChainRules } from './rules'
import { ShareChain, type ShareChainOptions } from './share-chain'
import { decodeShare, type Share } from './share-codec'
import { isZeroHash } from './share-info'
import { checkSharePow } from './share-work'
import type { TemplateAnnouncement } from './template'
import { ShareValidator, type ShareMode } from './validator'
import type { ShareVerdict } from './verdict'

const log = createLogger('sharechain:ledger')

export interface LedgerEntry {
  verdict: ShareVerdict
  node?: ShareNode
  share?: Share
  id?: Uint8Array
  /** The tip moved to (or through) this share. */
  tipChanged?: boolean
}

export interface ShareLedgerInit {
  rules: ShareChainRules
  /** Easiest block target of the coin (header chain bound). */
  powLimit: bigint
  /** Known template announcements by id (hex). */
  templates?: (templateIdHex: string) => TemplateAnnouncement | undefined
  /** Local clock, unix seconds. */
  now?: () => number
  verdictCacheEntries?: number
  chain?: ShareChainOptions
}

/** Synced history the header chain cannot place (below our checkpoint) is still history once everything else passed. */
const HISTORY_HEADER_IGNORES: ReadonlySet<string> = new Set(['unknown-block', 'old-block'])

type ShareListener<O> = (node: ShareNode, origin: O, tipChanged: boolean) => void

export class ShareLedger<Origin extends string = string> {
  readonly rules: ShareChainRules
  readonly chain: ShareChain
  private headerChain: HeaderChain | undefined
  private validator: ShareValidator | undefined
  private readonly shareListeners = new Set<ShareListener<Origin>>()

  constructor(private readonly init: ShareLedgerInit) {
    this.rules = init.rules
    this.chain = new ShareChain(init.rules, init.chain)
  }

  get headers(): HeaderChain | undefined {
    return this.headerChain
  }

  get tip(): ShareNode | undefined {
    return this.chain.tip
  }

  /** Each share added (any origin), and whether the tip moved. A throwing listener is logged, never stops the others. */
  onShare(listener: ShareListener<Origin>): () => void {
    this.shareListeners.add(listener)
    return () => this.shareListeners.delete(listener)
  }

  /** (Re)starts the header chain at a checkpoint block; shares on older blocks then judge as synced history. */
  anchor(checkpoint: { hash: Uint8Array; height: number }): void {
    if (this.headerChain !== undefined && equalBytes(this.headerChain.tip.hash, checkpoint.hash)) return
    this.headerChain = new HeaderChain({ pow: this.rules.pow, powLimit: this.init.powLimit, checkpoint })
    this.validator = new ShareValidator({
      rules: this.rules,
      chain: this.chain,
      headers: this.headerChain,
      ...(this.init.templates !== undefined ? { templates: this.init.templates } : {}),
      ...(this.init.now !== undefined ? { now: this.init.now } : {}),
      ...(this.init.verdictCacheEntries !== undefined ? { verdictCacheEntries: this.init.verdictCacheEntries } : {})
    })
  }

  /** Adds a block header: the first one anchors the header chain, later ones must link. */
  addHeader(header80: Uint8Array, height?: number): HeaderVerdict {
    if (this.headerChain === undefined) {
      if (height === undefined) return { kind: 'ignore', reason: 'unknown-prev', detail: 'no header chain yet' }
      this.anchor({ hash: sha256d(header80), height })
      return { kind: 'accept' }
    }
    return this.headerChain.add(header80)
  }

  /**
   * Validates a share and adds it when accepted. Synced shares (fetched from a peer's window, oldest
   * first) also join where our view cannot place them but everything else holds: the oldest share of
   * an empty chain (its parent lies before the window: a root, its PoW checked) and shares whose prev
   * block is below our header checkpoint.
   */
  add(bytes: Uint8Array, mode: ShareMode, origin: Origin): LedgerEntry {
    const validator = this.validator
    if (validator === undefined)
      return { verdict: { kind: 'ignore', reason: 'unknown-block', detail: 'no block header yet' } }
    const { verdict, id, share } = validator.validate(bytes, mode)
    if (id === undefined || share === undefined) return { verdict }
    if (verdict.kind === 'accept') return this.insert(share, id, bytes, false, origin)
    if (mode !== 'synced' || verdict.kind !== 'ignore') return { verdict, id, share }
    if (verdict.reason === 'unknown-parent' && this.chain.size === 0) {
      if (!checkSharePow(share, id, this.rules.pow)) return { verdict: { kind: 'reject', reason: 'pow' }, id, share }
      return this.insert(share, id, bytes, true, origin)
    }
    if (HISTORY_HEADER_IGNORES.has(verdict.reason)) return this.insert(share, id, bytes, false, origin)
    return { verdict, id, share }
  }

  /**
   * The ids an encoded share needs that we do not hold: its parent (none for a first share) and the
   * uncles it names. A branch fetched from a peer can be added once nothing it references is missing
   * (p2p parent fetcher). An undecodable share needs nothing: the walk stops and the validator rejects it.
   */
  missingAncestry(bytes: Uint8Array): Uint8Array[] {
    let share: Share
    try {
      share = decodeShare(bytes)
    } catch {
      return []
    }
    const prev = share.info.prevShareId
    const missing = isZeroHash(prev) || this.chain.getById(prev) !== undefined ? [] : [prev]
    for (const uncle of share.info.uncles) if (this.chain.getById(uncle) === undefined) missing.push(uncle)
    return missing
  }

  private insert(share: Share, id: Uint8Array, bytes: Uint8Array, asRoot: boolean, origin: Origin): LedgerEntry {
    if (this.chain.getById(id) !== undefined) return { verdict: { kind: 'ignore', reason: 'duplicate' }, id, share }
    const { node, tipChanged } = this.chain.add(share, id, bytes, { asRoot })
    for (const listener of this.shareListeners) {
      try {
        listener(node, origin, tipChanged)
      } catch (err) {
        log.error('share listener failed', err)
      }
    }
    return { verdict: { kind: 'accept' }, node, share, id, tipChanged }
  }
}
