// The share chain: nodes by id, parent links, cumulative work and fork choice (most work, ties to
// the first seen), the incrementally maintained PPLNS window at the tip, payouts cached per parent,
// and pruning far behind the window. It stores what validation accepted; it does not validate.
import { bytesToHex, equalBytes } from '../primitives/bytes'
import { bitsToTarget, targetToWork } from '../primitives/target'
import { LruCache } from './lru'
import type { ShareNode } from './node'
import { OrphanPool } from './orphans'
import { computePayouts, type PayoutBasis } from './payouts'
import { medianTimePast, nextShareBits } from './retarget'
import type { ShareChainRules } from './rules'
import { serializePayouts, type SerializedPayouts } from './coinbase-bytes'
import type { Share } from './share-codec'
import { isZeroHash } from './share-info'
import { PplnsWindow } from './window'

export interface ShareChainOptions {
  /** Shares kept below the window before pruning (also the deepest reorg that keeps exact payouts). Default: one window. */
  pruneMarginShares?: number
  /** Parents whose payout basis is cached. */
  basisCacheEntries?: number
  /** (parent, value, finder) payout sets cached, serialized. */
  payoutCacheEntries?: number
  maxOrphans?: number
}

const DEFAULT_BASIS_CACHE_ENTRIES = 64
const DEFAULT_PAYOUT_CACHE_ENTRIES = 1024

export class ShareChainError extends Error {
  constructor(readonly code: 'duplicate' | 'unknown-parent' | 'height', message: string) {
    super(message)
    this.name = 'ShareChainError'
  }
}

export interface AddShareResult {
  node: ShareNode
  /** The tip moved to this share (or to a branch through it). */
  tipChanged: boolean
  /** Shares of the old best chain left behind (0 when the tip simply advanced). */
  reorgDepth: number
}

const EMPTY_BASIS: PayoutBasis = { parentId: undefined, weights: [], totalWeight: 0n }

export class ShareChain {
  readonly orphans: OrphanPool
  private readonly nodes = new Map<string, ShareNode>()
  private readonly byHeight = new Map<number, ShareNode[]>()
  private lowestHeight = Number.POSITIVE_INFINITY
  private readonly window: PplnsWindow
  private tipNode: ShareNode | undefined
  private seen = 0
  private readonly pruneMargin: number
  private readonly basisCache: LruCache<string, PayoutBasis>
  private readonly payoutCache: LruCache<string, SerializedPayouts>
  private lastLookup: ShareNode | undefined
  private lastPayouts: { parent: ShareNode | undefined; value: bigint; finderScript: Uint8Array; result: SerializedPayouts } | undefined

  constructor(readonly rules: ShareChainRules, opts: ShareChainOptions = {}) {
    this.window = new PplnsWindow(rules.windowShares)
    this.pruneMargin = opts.pruneMarginShares ?? rules.windowShares
    this.basisCache = new LruCache(opts.basisCacheEntries ?? DEFAULT_BASIS_CACHE_ENTRIES)
    this.payoutCache = new LruCache(opts.payoutCacheEntries ?? DEFAULT_PAYOUT_CACHE_ENTRIES)
    this.orphans = new OrphanPool(opts.maxOrphans)
  }

  get tip(): ShareNode | undefined {
    return this.tipNode
  }

  get size(): number {
    return this.nodes.size
  }

  get(key: string): ShareNode | undefined {
    return this.nodes.get(key)
  }

  getById(id: Uint8Array): ShareNode | undefined {
    // Shares arrive in bursts naming the same parent: the last hit is checked (and must still be
    // held) before a hex key is built.
    const last = this.lastLookup
    if (last && equalBytes(last.id, id) && this.nodes.get(last.key) === last) return last
    const node = this.nodes.get(bytesToHex(id))
    if (node) this.lastLookup = node
    return node
  }

  has(key: string): boolean {
    return this.nodes.has(key)
  }

  /** The node a share names as parent; undefined both for "no parent" and "unknown": check isZeroHash. */
  parentOf(share: Share): ShareNode | undefined {
    return isZeroHash(share.info.prevShareId) ? undefined : this.getById(share.info.prevShareId)
  }

  /** The compact bits a child of `parent` must carry (undefined parent = first share). */
  nextShareBits(parent: ShareNode | undefined): number {
    return nextShareBits(parent, this.rules)
  }

  /** The median timestamp a child of `parent` must exceed; undefined for a first share. */
  medianTimePast(parent: ShareNode | undefined): number | undefined {
    return parent ? medianTimePast(parent, this.rules.medianTimeSpan) : undefined
  }

  /** The window ending at `parent` (payees and weights); cached by parent id. */
  payoutBasis(parent: ShareNode | undefined): PayoutBasis {
    if (!parent) return EMPTY_BASIS
    const cached = this.basisCache.get(parent.key)
    if (cached) return cached
    const home = this.window.newest
    this.window.moveTo(parent)
    const basis = this.window.basis()
    this.window.moveTo(home)
    this.basisCache.set(parent.key, basis)
    return basis
  }

  /** Payout outputs of a coinbase on `parent` with `value` found by `finderScript`, serialized; cached. */
  payouts(parent: ShareNode | undefined, value: bigint, finderScript: Uint8Array, finderKey?: string): SerializedPayouts {
    // Shares arrive in bursts on one parent: the last answer is checked before building a cache key.
    const last = this.lastPayouts
    if (last && last.parent === parent && last.value === value && equalBytes(last.finderScript, finderScript)) return last.result
    const result = this.payoutsByKey(parent, value, finderScript, finderKey ?? bytesToHex(finderScript))
    this.lastPayouts = { parent, value, finderScript: finderScript.slice(), result }
    return result
  }

  private payoutsByKey(parent: ShareNode | undefined, value: bigint, finderScript: Uint8Array, finderKey: string): SerializedPayouts {
    const cacheKey = `${parent?.key ?? ''}:${value}:${finderKey}`
    const cached = this.payoutCache.get(cacheKey)
    if (cached) return cached
    const outputs = computePayouts(this.payoutBasis(parent), value, finderScript, this.rules)
    const result = serializePayouts(outputs)
    this.payoutCache.set(cacheKey, result)
    return result
  }

  /** Forgets cached payout bases and payout sets (benchmarks' no-cache baseline; memory pressure). */
  clearPayoutCaches(): void {
    this.basisCache.clear()
    this.payoutCache.clear()
    this.lastPayouts = undefined
  }

  /** Current window at the tip: size, total weight, payees (for UIs and APIs). */
  tipWindow(): PayoutBasis & { shares: number; oldest: ShareNode | undefined } {
    return { ...this.window.basis(), shares: this.window.length, oldest: this.window.oldest }
  }

  /**
   * Adds a share that validation accepted. Its parent must be present unless it is a first share
   * (prev id all zero, height 0) or `asRoot` (restoring stored history whose older part was pruned;
   * cumulative work then counts from this root). Throws ShareChainError otherwise (a caller bug).
   */
  add(share: Share, id: Uint8Array, bytes: Uint8Array, opts: { asRoot?: boolean } = {}): AddShareResult {
    const key = bytesToHex(id)
    if (this.nodes.has(key)) throw new ShareChainError('duplicate', `share ${key} is already in the chain`)
    const first = isZeroHash(share.info.prevShareId)
    const parentKey = first ? undefined : bytesToHex(share.info.prevShareId)
    const parent = parentKey === undefined ? undefined : this.nodes.get(parentKey)
    // asRoot: a restore from storage starts at the oldest kept share, whose parent was pruned.
    if (parentKey !== undefined && !parent && !opts.asRoot) throw new ShareChainError('unknown-parent', `parent ${parentKey} of share ${key} is unknown`)
    const height = parent ? parent.height + 1 : opts.asRoot ? share.info.shareHeight : 0
    if (share.info.shareHeight !== height) {
      throw new ShareChainError('height', `share ${key} claims height ${share.info.shareHeight}, parent gives ${height}`)
    }
    const target = bitsToTarget(share.info.shareBits)
    const work = targetToWork(target)
    const node: ShareNode = {
      id,
      key,
      parent,
      parentKey,
      height,
      timestamp: share.info.timestamp,
      bits: share.info.shareBits,
      target,
      work,
      cumulativeWork: (parent?.cumulativeWork ?? 0n) + work,
      payoutScript: share.info.payoutScript,
      payoutKey: bytesToHex(share.info.payoutScript),
      seenOrder: this.seen++,
      share,
      bytes
    }
    this.nodes.set(key, node)
    let level = this.byHeight.get(height)
    if (!level) this.byHeight.set(height, (level = []))
    level.push(node)
    if (height < this.lowestHeight) this.lowestHeight = height
    // Fork choice: strictly more cumulative work moves the tip; ties keep the first seen.
    if (this.tipNode && node.cumulativeWork <= this.tipNode.cumulativeWork) return { node, tipChanged: false, reorgDepth: 0 }
    const reorgDepth = this.setTip(node)
    this.prune()
    return { node, tipChanged: true, reorgDepth }
  }

  /** Ancestors of `from` (inclusive), newest first, at most `limit` (sync replies walk this). */
  *ancestors(from: ShareNode, limit: number): Generator<ShareNode> {
    let n: ShareNode | undefined = from
    for (let i = 0; i < limit && n; i++, n = n.parent) yield n
  }

  private setTip(node: ShareNode): number {
    const old = this.tipNode
    let depth = 0
    if (old && node.parent !== old) {
      // Count the old-chain shares above the fork point.
      let a: ShareNode | undefined = old
      let b: ShareNode | undefined = node
      while (a && a !== b) {
        if (b && b.height >= a.height) b = b.parent
        else {
          a = a.parent
          depth++
        }
      }
    }
    this.window.moveTo(node)
    this.tipNode = node
    return depth
  }

  /** Drops every node more than windowShares + pruneMargin below the tip, cutting children's links. */
  private prune(): void {
    const tip = this.tipNode
    if (!tip) return
    const keepFrom = tip.height - this.rules.windowShares - this.pruneMargin
    while (this.lowestHeight < keepFrom) {
      const h = this.lowestHeight
      const level = this.byHeight.get(h)
      if (level) {
        for (const n of level) this.nodes.delete(n.key)
        this.byHeight.delete(h)
      }
      for (const child of this.byHeight.get(h + 1) ?? []) child.parent = undefined
      this.lowestHeight = h + 1
    }
  }
}
