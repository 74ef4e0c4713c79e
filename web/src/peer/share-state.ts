// The browser peer's view of the share chain: the shared ShareLedger (share chain, a short header
// chain anchored at a relay-supplied checkpoint, the shared validator over both) plus the browser's own
// policy: shares seen too early (stale, their block or parent unknown) are held, and joined as history
// once a later share shows the network built on them.
import type { ChainParams } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import type { HeaderChain, HeaderVerdict } from '@otedama/shared/sharechain'
import { ShareLedger, type LedgerEntry } from '@otedama/shared/sharechain'
import type { ShareNode } from '@otedama/shared/sharechain'
import { shareChainRules, type ShareChainRules } from '@otedama/shared/sharechain'
import type { ShareChain } from '@otedama/shared/sharechain'
import type { TemplateAnnouncement } from '@otedama/shared/sharechain'
import type { ShareMode } from '@otedama/shared/sharechain'
import { BoundedMap } from '@otedama/shared/util'
import { decodeShare, sharePlace } from '@otedama/shared/sharechain'

/** Confirmed template announcements remembered by id (a share names the template it was mined on). */
export const MAX_KNOWN_TEMPLATES = 64
/** Shares held after a freshness or missing-parent ignore, in case a descendant shows they are history. */
export const MAX_HELD_SHARES = 512
/** The parent id a chain's first share names (all zero). */
const FIRST_SHARE_PARENT = '00'.repeat(32)
const HELD_REASONS: ReadonlySet<string> = new Set(['stale', 'unknown-block', 'unknown-parent'])

export type AddResult = LedgerEntry

type TipListener = (tip: ShareNode) => void
type ShareListener = (node: ShareNode, mode: ShareMode | 'mine') => void

export class ShareState {
  readonly rules: ShareChainRules
  readonly ledger: ShareLedger<ShareMode | 'mine'>
  private readonly templates = new BoundedMap<string, TemplateAnnouncement>(MAX_KNOWN_TEMPLATES)
  /** Shares ignored for freshness or a missing parent, by id hex, with their parent's id hex. */
  private readonly held = new BoundedMap<string, { bytes: Uint8Array; parentKey: string }>(MAX_HELD_SHARES)

  constructor(
    readonly params: ChainParams,
    now: () => number = () => Math.floor(Date.now() / 1000)
  ) {
    this.rules = shareChainRules(params)
    this.ledger = new ShareLedger<ShareMode | 'mine'>({
      rules: this.rules,
      powLimit: params.powLimit,
      templates: (idHex) => this.templates.get(idHex),
      now
    })
  }

  get chain(): ShareChain {
    return this.ledger.chain
  }

  get headers(): HeaderChain | undefined {
    return this.ledger.headers
  }

  onTip(listener: TipListener): () => void {
    return this.ledger.onShare((node, _origin, tipChanged) => {
      if (tipChanged) listener(node)
    })
  }

  onShare(listener: ShareListener): () => void {
    return this.ledger.onShare((node, origin) => listener(node, origin))
  }

  /**
   * Makes `blockHash` (the prev block of the newest confirmed template) the header tip. The first call
   * sets the checkpoint; later, a block we lack (header gossip missed) or one that is not our tip (we
   * broke a tie between two blocks differently than the relays did) moves the checkpoint there: the
   * quorum's template says which block the network builds on.
   */
  anchor(blockHash: Uint8Array, height: number): void {
    this.ledger.anchor({ hash: blockHash, height })
  }

  addHeader(header80: Uint8Array): HeaderVerdict | undefined {
    return this.headers === undefined ? undefined : this.ledger.addHeader(header80)
  }

  addTemplate(id: Uint8Array, announcement: TemplateAnnouncement): void {
    this.templates.set(bytesToHex(id), announcement)
  }

  /**
   * Full validation of a live share (gossip or our own), then into the chain when accepted. A share
   * ignored for freshness (stale, its block not in our headers) or for a missing parent is held; when a
   * later share names it as parent, the network built on it, so it joins as history (synced rules) and
   * the child is retried.
   */
  addLive(bytes: Uint8Array, origin: 'live' | 'mine' = 'live', retry = true): AddResult {
    const entry = this.ledger.add(bytes, 'live', origin)
    const { verdict, id, share } = entry
    if (verdict.kind === 'ignore' && HELD_REASONS.has(verdict.reason) && id !== undefined && share !== undefined) {
      this.hold(bytesToHex(id), bytes, bytesToHex(share.info.prevShareId))
      if (retry && verdict.reason === 'unknown-parent' && this.stitch(bytesToHex(share.info.prevShareId)))
        return this.addLive(bytes, origin, false)
    }
    return entry
  }

  /** Synced history, oldest first: the ledger's synced rules (a root for an empty chain, history below our checkpoint). */
  addSynced(bytes: Uint8Array): AddResult {
    return this.ledger.add(bytes, 'synced', 'synced')
  }

  private hold(key: string, bytes: Uint8Array, parentKey: string): void {
    this.held.set(key, { bytes, parentKey })
  }

  /** Adds the held ancestors of `key` as history, oldest first, when they connect to our chain. */
  private stitch(key: string): boolean {
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

  get tip(): ShareNode | undefined {
    return this.chain.tip
  }

  /**
   * Why a share (id hex, its bytes) that no relay holds can never be taken (the outbox then drops it as
   * stale), by the chain's own rules as our chain sees it: off the best chain (on a side branch no
   * best-chain share named, or not in our chain at all) at least maxUncleDepth below the tip. Every relay
   * ignores such a live share (`stale-share`, @otedama/shared/sharechain: README.md "Uncles"), no share can
   * name it as an uncle any more and none will build on it; the tip only climbs. Undefined while it still
   * can be taken: on the best chain or named as an uncle (a relay fetches it with the share that builds
   * on or names it), or close enough below the tip to become an uncle.
   */
  neverTaken(id: string, bytes: Uint8Array): string | undefined {
    const tip = this.chain.tip
    if (tip === undefined) return undefined
    const node = this.chain.get(id)
    let height: number
    try {
      height = node?.height ?? decodeShare(bytes).info.shareHeight
    } catch {
      return undefined
    }
    if (height + this.rules.maxUncleDepth > tip.height) return undefined
    if (node !== undefined && sharePlace(this.chain, node, tip.height - height + 1).place !== 'side') return undefined
    return `stale-share: height ${height} is off the best chain and ${tip.height - height} below its tip, too deep to be named as an uncle; no relay holds it`
  }
}
