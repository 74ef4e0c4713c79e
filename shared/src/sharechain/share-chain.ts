// The share chain: nodes by id, parent links, cumulative work and fork choice (most work, ties to
// the first seen), the incrementally maintained PPLNS window at the tip, payouts cached per parent,
// and pruning far behind the window. It stores what validation accepted; it does not validate.
import { bytesToHex, equalBytes } from '../primitives/bytes'
import { targetToWork } from '../primitives/target'
import { targetOfBits, workOfBits } from './bits-memo'
import { LruCache } from './lru'
import { FULL_HISTORY, type ShareNode } from './node'
import { OrphanPool } from './orphans'
import { computePayouts, type PayoutBasis } from './payouts'
import { ancestor, medianTimePast, nextShareBits, requiredShareTarget, requiredShareWork } from './retarget'
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

/**
 * Shares a new peer fetches from a tip backwards so that every share in the tip's window is judged by
 * every rule: the window and its uncles twice over (each share's payouts need the window below it),
 * plus the retarget and median spans for the oldest shares' targets (README "Sync").
 */
export function syncDepthShares(
  rules: Pick<ShareChainRules, 'windowShares' | 'maxUncleDepth' | 'retargetWindowShares' | 'medianTimeSpan'>
): number {
  return 2 * (rules.windowShares + rules.maxUncleDepth) + Math.max(rules.retargetWindowShares, rules.medianTimeSpan)
}

const DEFAULT_BASIS_CACHE_ENTRIES = 64
const DEFAULT_PAYOUT_CACHE_ENTRIES = 1024

export class ShareChainError extends Error {
  constructor(
    readonly code: 'duplicate' | 'unknown-parent' | 'unknown-uncle' | 'height',
    message: string
  ) {
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

/** The hex keys `add` derives from a share and its id. */
interface ShareKeys {
  id: Uint8Array
  key: string
  parentKey: string | undefined
  payoutKey: string
  uncleKeys: string[]
}

/**
 * Keys derived once per Share object: a process holding several chains (the simulator's peers, each
 * with its own view) adds one decoded share to each, and hex-encoding its id, parent id, payout script
 * and uncle ids again in every chain is most of what `add` spends, besides a copy of every string per
 * chain. The chain already keeps `share` and `id` by reference (node.share, node.id) and relies on
 * them not changing; a different `id` object for the same share is encoded afresh.
 */
const keysByShare = new WeakMap<Share, ShareKeys>()

function shareKeys(share: Share, id: Uint8Array): ShareKeys {
  const cached = keysByShare.get(share)
  if (cached !== undefined && cached.id === id) return cached
  const keys: ShareKeys = {
    id,
    key: bytesToHex(id),
    parentKey: isZeroHash(share.info.prevShareId) ? undefined : bytesToHex(share.info.prevShareId),
    payoutKey: bytesToHex(share.info.payoutScript),
    uncleKeys: share.info.uncles.map(bytesToHex)
  }
  keysByShare.set(share, keys)
  return keys
}

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
  private lastPayouts:
    { parent: ShareNode | undefined; value: bigint; finderScript: Uint8Array; result: SerializedPayouts } | undefined

  constructor(
    readonly rules: ShareChainRules,
    opts: ShareChainOptions = {}
  ) {
    this.window = new PplnsWindow(rules.windowShares, rules.unclePenaltyPercent)
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

  /** The compact bits of the required target for a child of `parent` (undefined parent = first share). */
  nextShareBits(parent: ShareNode | undefined): number {
    return nextShareBits(parent, this.rules)
  }

  /** The required target for a child of `parent`: a share's own target must be this or harder. */
  requiredShareTarget(parent: ShareNode | undefined): bigint {
    return requiredShareTarget(parent, this.rules)
  }

  /** Shares held at `height` (the main-chain share and its siblings). */
  sharesAtHeight(height: number): number {
    return this.byHeight.get(height)?.length ?? 0
  }

  /**
   * Whether the chain below `parent` is deep enough to judge a child's target, uncles and timestamp:
   * the retarget span, the median span and the uncle depth, or back to the first share.
   */
  targetsJudgeable(parent: ShareNode | undefined): boolean {
    if (!parent) return true
    const r = this.rules
    return parent.historyDepth >= Math.max(r.retargetWindowShares, r.medianTimeSpan, r.maxUncleDepth) - 1
  }

  /**
   * Whether the chain below `parent` is deep enough to judge a child by every rule, its payouts too:
   * the PPLNS window and the uncles named in it (and targetsJudgeable), or back to the first share.
   */
  historyComplete(parent: ShareNode | undefined): boolean {
    if (!parent) return true
    const r = this.rules
    return this.targetsJudgeable(parent) && parent.historyDepth >= r.windowShares + r.maxUncleDepth - 1
  }

  /**
   * Checks the uncles a child of `parent` names (README "Uncles"): at most maxUnclesPerShare, strictly
   * ascending ids, each held, within maxUncleDepth below the child, not an ancestor, its parent an
   * ancestor, named by no ancestor. Returns the resolved nodes, the first missing id, or the problem.
   */
  resolveUncles(
    parent: ShareNode | undefined,
    uncleIds: Uint8Array[]
  ): { uncles: ShareNode[] } | { missing: Uint8Array } | { invalid: string } {
    if (uncleIds.length === 0) return { uncles: [] }
    if (!parent) return { invalid: 'a first share has no uncles' }
    if (uncleIds.length > this.rules.maxUnclesPerShare)
      return { invalid: `${uncleIds.length} uncles, limit ${this.rules.maxUnclesPerShare}` }
    const childHeight = parent.height + 1
    const uncles: ShareNode[] = []
    let previousKey = ''
    for (const id of uncleIds) {
      const key = bytesToHex(id)
      if (key <= previousKey) return { invalid: 'uncle ids are not strictly ascending' }
      previousKey = key
      const uncle = this.nodes.get(key)
      if (!uncle) return { missing: id }
      if (uncle.height >= childHeight || uncle.height < childHeight - this.rules.maxUncleDepth) {
        return {
          invalid: `uncle at height ${uncle.height} is not within ${this.rules.maxUncleDepth} below ${childHeight}`
        }
      }
      const sameHeight = ancestor(parent, parent.height - uncle.height)
      if (sameHeight === uncle) return { invalid: 'uncle is an ancestor' }
      if (!uncle.parent || sameHeight.parent !== uncle.parent) return { invalid: "uncle's parent is not an ancestor" }
      for (let a: ShareNode | undefined = parent; a && a.height > uncle.height; a = a.parent) {
        if (a.uncles.includes(uncle)) return { invalid: 'uncle already named by an ancestor' }
      }
      uncles.push(uncle)
    }
    return { uncles }
  }

  /**
   * Uncles a new share on `parent` should name: siblings of its ancestors within maxUncleDepth that
   * no ancestor named, most work first, at most maxUnclesPerShare, in ascending id order (the miner's
   * choice; validators only check the rules).
   */
  uncleCandidates(parent: ShareNode | undefined): ShareNode[] {
    if (!parent || this.rules.maxUnclesPerShare === 0) return []
    const childHeight = parent.height + 1
    const named = new Set<ShareNode>()
    for (let a: ShareNode | undefined = parent, i = 0; a && i < this.rules.maxUncleDepth; a = a.parent, i++)
      for (const u of a.uncles) named.add(u)
    const found: ShareNode[] = []
    for (let a: ShareNode | undefined = parent; a && a.height >= childHeight - this.rules.maxUncleDepth; a = a.parent) {
      if (!a.parent) break
      for (const sibling of this.byHeight.get(a.height) ?? []) {
        if (sibling !== a && sibling.parent === a.parent && !named.has(sibling)) found.push(sibling)
      }
    }
    found.sort((x, y) => (x.work !== y.work ? (x.work > y.work ? -1 : 1) : x.seenOrder - y.seenOrder))
    const chosen = found.slice(0, this.rules.maxUnclesPerShare)
    chosen.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    return chosen
  }

  /** Cumulative work a child of `parent` naming `uncles` would have. */
  cumulativeWorkOf(parent: ShareNode | undefined, uncles: ShareNode[] = []): bigint {
    let work = (parent?.cumulativeWork ?? 0n) + requiredShareWork(parent, this.rules)
    for (const u of uncles) work += u.chainWork
    return work
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
  payouts(
    parent: ShareNode | undefined,
    value: bigint,
    finderScript: Uint8Array,
    finderKey?: string
  ): SerializedPayouts {
    // Shares arrive in bursts on one parent: the last answer is checked before building a cache key.
    const last = this.lastPayouts
    if (last && last.parent === parent && last.value === value && equalBytes(last.finderScript, finderScript))
      return last.result
    const result = this.payoutsByKey(parent, value, finderScript, finderKey ?? bytesToHex(finderScript))
    this.lastPayouts = { parent, value, finderScript: finderScript.slice(), result }
    return result
  }

  private payoutsByKey(
    parent: ShareNode | undefined,
    value: bigint,
    finderScript: Uint8Array,
    finderKey: string
  ): SerializedPayouts {
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
    const keys = shareKeys(share, id)
    const key = keys.key
    if (this.nodes.has(key)) throw new ShareChainError('duplicate', `share ${key} is already in the chain`)
    const parentKey = keys.parentKey
    const first = parentKey === undefined
    const parent = parentKey === undefined ? undefined : this.nodes.get(parentKey)
    // asRoot: a restore from storage starts at the oldest kept share, whose parent was pruned (a first
    // share restored "as root" is still a first share: its history is complete).
    const root = opts.asRoot === true && !first && !parent
    if (parentKey !== undefined && !parent && !opts.asRoot)
      throw new ShareChainError('unknown-parent', `parent ${parentKey} of share ${key} is unknown`)
    const height = parent ? parent.height + 1 : root ? share.info.shareHeight : 0
    if (share.info.shareHeight !== height) {
      throw new ShareChainError(
        'height',
        `share ${key} claims height ${share.info.shareHeight}, parent gives ${height}`
      )
    }
    // Uncles below a restored root (or in history too shallow to judge) may be missing: they are
    // dropped there, which only changes payouts nobody judges from this history (README "Sync").
    const uncles: ShareNode[] = []
    for (const uncleKey of keys.uncleKeys) {
      const uncle = this.nodes.get(uncleKey)
      if (uncle) uncles.push(uncle)
      else if (parent && this.targetsJudgeable(parent))
        throw new ShareChainError('unknown-uncle', `uncle ${uncleKey} of share ${key} is unknown`)
    }
    const target = targetOfBits(share.info.shareBits)
    const work = workOfBits(share.info.shareBits)
    const requiredTarget = parent
      ? this.requiredShareTarget(parent)
      : root
        ? target
        : this.requiredShareTarget(undefined)
    const chainWork = parent ? requiredShareWork(parent, this.rules) : targetToWork(requiredTarget)
    let poolWork = work
    let cumulativeWork = (parent?.cumulativeWork ?? 0n) + chainWork
    for (const u of uncles) {
      poolWork += u.work
      cumulativeWork += u.chainWork
    }
    const node: ShareNode = {
      id,
      key,
      parent,
      parentKey,
      height,
      timestamp: share.header.time,
      bits: share.info.shareBits,
      target,
      work,
      requiredTarget,
      chainWork,
      cumulativeWork,
      uncles,
      poolWork,
      historyDepth: parent ? Math.min(FULL_HISTORY, parent.historyDepth + 1) : root ? 0 : FULL_HISTORY,
      payoutScript: share.info.payoutScript,
      payoutKey: keys.payoutKey,
      seenOrder: this.seen++,
      share,
      bytes,
      // The caches retarget.ts fills later, present from the start: every node has one shape, with
      // no property storage added per node when they are set.
      childBits: undefined,
      childRequiredTarget: undefined,
      childChainWork: undefined,
      childMedianTime: undefined
    }
    this.nodes.set(key, node)
    // A new height's list starts with room for its one share (an empty list would grow to 16 slots).
    const level = this.byHeight.get(height)
    if (level) level.push(node)
    else this.byHeight.set(height, [node])
    if (height < this.lowestHeight) this.lowestHeight = height
    // Fork choice: strictly more cumulative work moves the tip; ties keep the first seen.
    if (this.tipNode && node.cumulativeWork <= this.tipNode.cumulativeWork)
      return { node, tipChanged: false, reorgDepth: 0 }
    const reorgDepth = this.setTip(node)
    this.prune()
    return { node, tipChanged: true, reorgDepth }
  }

  /** Height below which shares are pruned (memory) and may be deleted from stores (disk). */
  get pruneHeight(): number {
    return this.tipNode ? this.tipNode.height - this.rules.windowShares - this.pruneMargin : 0
  }

  /** Ancestors of `from` (inclusive), newest first, at most `limit` (sync replies walk this). */
  *ancestors(from: ShareNode, limit: number): Generator<ShareNode> {
    let n: ShareNode | undefined = from
    for (let i = 0; i < limit && n; i++, n = n.parent) yield n
  }

  /**
   * One page of a sync reply: `from` and its ancestors, newest first, each share followed by the
   * uncles it names; `skip` and `count` count over that list. Added oldest first, every uncle then comes
   * after its parent (an ancestor of the naming share) and before the share that names it, so a joiner
   * holding the whole chain can judge every uncle rule. A window without the uncles cannot be added
   * past the first share that names one (README "Sync and history").
   */
  syncPage(from: ShareNode, skip: number, count: number): { shares: Uint8Array[]; more: boolean } {
    const shares: Uint8Array[] = []
    let index = 0
    for (let n: ShareNode | undefined = from; n !== undefined; n = n.parent) {
      for (let u = -1; u < n.uncles.length; u++) {
        if (index++ < skip) continue
        if (shares.length === count) return { shares, more: true }
        shares.push((u < 0 ? n : n.uncles[u]).bytes)
      }
    }
    return { shares, more: false }
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
    const keepFrom = this.pruneHeight
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
