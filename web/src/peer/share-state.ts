// The browser peer's view of the share chain: the shared ShareChain, a short HeaderChain anchored at a
// relay-supplied checkpoint, and the shared ShareValidator over both. Live shares are validated in
// full; synced history (the window fetched on join) may reach below our checkpoint and our oldest
// share, so for it the header rule and, for shares whose own window we cannot hold, the payout rule
// are replaced by a PoW check (see `addSynced`).
import type { ChainParams } from '../../../shared/src/chain/params'
import { bytesToHex, equalBytes } from '../../../shared/src/primitives/bytes'
import { HeaderChain, type HeaderVerdict } from '../../../shared/src/sharechain/header-chain'
import type { ShareNode } from '../../../shared/src/sharechain/node'
import { shareChainRules, type ShareChainRules } from '../../../shared/src/sharechain/rules'
import { ShareChain } from '../../../shared/src/sharechain/share-chain'
import type { Share } from '../../../shared/src/sharechain/share-codec'
import { checkSharePow, verifyShareWork } from '../../../shared/src/sharechain/share-work'
import type { TemplateAnnouncement } from '../../../shared/src/sharechain/template'
import { ShareValidator, type ShareMode } from '../../../shared/src/sharechain/validator'
import type { ShareVerdict } from '../../../shared/src/sharechain/verdict'

/** Confirmed template announcements remembered by id (a share names the template it was mined on). */
export const MAX_KNOWN_TEMPLATES = 64
/** Shares held after a freshness or missing-parent ignore, in case a descendant shows they are history. */
export const MAX_HELD_SHARES = 512
/** The parent id a chain's first share names (all zero). */
const FIRST_SHARE_PARENT = '00'.repeat(32)
const HELD_REASONS: ReadonlySet<string> = new Set(['stale', 'unknown-block', 'unknown-parent'])

export interface AddResult {
  verdict: ShareVerdict
  node?: ShareNode
  share?: Share
  id?: Uint8Array
}

type TipListener = (tip: ShareNode) => void
type ShareListener = (node: ShareNode, mode: ShareMode | 'mine') => void

export class ShareState {
  readonly rules: ShareChainRules
  readonly chain: ShareChain
  headers: HeaderChain | undefined
  private validator: ShareValidator | undefined
  private readonly templates = new Map<string, TemplateAnnouncement>()
  /** Lowest height added without its parent (synced history): windows reaching below it are partial. */
  private rootHeight: number | undefined
  private readonly tipListeners = new Set<TipListener>()
  private readonly shareListeners = new Set<ShareListener>()
  /** Shares ignored for freshness or a missing parent, by id hex, with their parent's id hex. */
  private readonly held = new Map<string, { bytes: Uint8Array; parentKey: string }>()

  constructor (readonly params: ChainParams, private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.rules = shareChainRules(params)
    this.chain = new ShareChain(this.rules)
  }

  onTip (listener: TipListener): () => void {
    this.tipListeners.add(listener)
    return () => this.tipListeners.delete(listener)
  }

  onShare (listener: ShareListener): () => void {
    this.shareListeners.add(listener)
    return () => this.shareListeners.delete(listener)
  }

  /**
   * Makes `blockHash` (the prev block of the newest confirmed template) the header tip. The first call
   * sets the checkpoint; later, a block we lack (header gossip missed) or one that is not our tip (we
   * broke a tie between two blocks differently than the relays did) moves the checkpoint there: the
   * quorum's template says which block the network builds on.
   */
  anchor (blockHash: Uint8Array, height: number): void {
    if (this.headers !== undefined && equalBytes(this.headers.tip.hash, blockHash)) return
    this.headers = new HeaderChain({ pow: this.rules.pow, powLimit: this.params.powLimit, checkpoint: { hash: blockHash, height } })
    this.validator = new ShareValidator({
      rules: this.rules,
      chain: this.chain,
      headers: this.headers,
      templates: (idHex) => this.templates.get(idHex),
      now: this.now
    })
  }

  addHeader (header80: Uint8Array): HeaderVerdict | undefined {
    return this.headers?.add(header80)
  }

  addTemplate (id: Uint8Array, announcement: TemplateAnnouncement): void {
    this.templates.set(bytesToHex(id), announcement)
    while (this.templates.size > MAX_KNOWN_TEMPLATES) this.templates.delete(this.templates.keys().next().value as string)
  }

  /**
   * Full validation of a live share (gossip or our own), then into the chain when accepted. A share
   * ignored for freshness (stale, its block not in our headers) or for a missing parent is held; when a
   * later share names it as parent, the network built on it, so it joins as history (synced rules,
   * DESIGN.md: a synced share's block may be anywhere in the window's span) and the child is retried.
   */
  addLive (bytes: Uint8Array, origin: 'live' | 'mine' = 'live', retry = true): AddResult {
    if (this.validator === undefined) return { verdict: { kind: 'ignore', reason: 'unknown-block', detail: 'no block header yet' } }
    const { verdict, id, share } = this.validator.validate(bytes, 'live')
    if (verdict.kind === 'accept' && id !== undefined && share !== undefined) return this.insert(share, id, bytes, false, origin)
    if (verdict.kind === 'ignore' && HELD_REASONS.has(verdict.reason) && id !== undefined && share !== undefined) {
      this.hold(bytesToHex(id), bytes, bytesToHex(share.info.prevShareId))
      if (retry && verdict.reason === 'unknown-parent' && this.stitch(bytesToHex(share.info.prevShareId))) return this.addLive(bytes, origin, false)
    }
    return { verdict, id, share }
  }

  /**
   * Synced history, oldest first. Checked as a synced share; where our view cannot judge a rule it is
   * replaced by the share's PoW: the prev block below our checkpoint (header rule), the first share we
   * hold (its parent is before our window: added as a root), and shares whose own window reaches below
   * that root (their payouts cannot be recomputed here; the relays that sent them checked them).
   */
  addSynced (bytes: Uint8Array): AddResult {
    if (this.validator === undefined) return { verdict: { kind: 'ignore', reason: 'unknown-block', detail: 'no block header yet' } }
    const pre = this.validator.precheck(bytes, 'synced')
    if ('done' in pre) {
      const { verdict, id, share } = pre.done
      const orphanRoot = verdict.kind === 'ignore' && verdict.reason === 'unknown-parent' && this.chain.size === 0
      if (!orphanRoot || id === undefined || share === undefined) return { verdict, id, share }
      if (!checkSharePow(share, id, this.rules.pow)) return { verdict: { kind: 'reject', reason: 'pow' }, id, share }
      this.rootHeight = share.info.shareHeight
      return this.insert(share, id, bytes, true, 'synced')
    }
    const p = pre.pending
    const work = verifyShareWork(p.share, p.id, p.work.networkTag, p.work.pow, p.work.payouts)
    const partialWindow = this.rootHeight !== undefined && p.share.info.shareHeight - this.rules.windowShares < this.rootHeight
    const trusted = work.kind === 'reject' && work.reason === 'merkle-root' && partialWindow
    const { verdict } = this.validator.finish(p, trusted ? { kind: 'accept' } : work)
    const historyOk = verdict.kind === 'ignore' && (verdict.reason === 'unknown-block' || verdict.reason === 'old-block')
    if (verdict.kind !== 'accept' && !historyOk) return { verdict, id: p.id, share: p.share }
    return this.insert(p.share, p.id, bytes, false, 'synced')
  }

  private hold (key: string, bytes: Uint8Array, parentKey: string): void {
    this.held.set(key, { bytes, parentKey })
    while (this.held.size > MAX_HELD_SHARES) this.held.delete(this.held.keys().next().value as string)
  }

  /** Adds the held ancestors of `key` as history, oldest first, when they connect to our chain. */
  private stitch (key: string): boolean {
    const line: string[] = []
    for (let k = key; this.held.has(k) && line.length < MAX_HELD_SHARES; k = this.held.get(k)!.parentKey) line.push(k)
    const oldest = line.length > 0 ? this.held.get(line[line.length - 1])!.parentKey : undefined
    if (oldest === undefined || (oldest !== FIRST_SHARE_PARENT && !this.chain.has(oldest))) return false
    for (const k of line.reverse()) {
      const held = this.held.get(k)!
      this.held.delete(k)
      if (this.addSynced(held.bytes).verdict.kind !== 'accept') return false
    }
    return true
  }

  get tip (): ShareNode | undefined {
    return this.chain.tip
  }

  private insert (share: Share, id: Uint8Array, bytes: Uint8Array, asRoot: boolean, origin: ShareMode | 'mine'): AddResult {
    if (this.chain.getById(id) !== undefined) return { verdict: { kind: 'ignore', reason: 'duplicate' }, id, share }
    const { node, tipChanged } = this.chain.add(share, id, bytes, { asRoot })
    for (const listener of this.shareListeners) listener(node, origin)
    if (tipChanged) for (const listener of this.tipListeners) listener(node)
    return { verdict: { kind: 'accept' }, node, share, id }
  }
}
