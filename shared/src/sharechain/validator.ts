// Share validation (docs/design.md, Share-chain rules "Valid share"), cheapest checks first:
//   size, decode, bounds, network tag, share id, verdict cache, parent known, share height, history
//   deep enough to judge, own target vs required target, uncles, live side-branch bounds, template
//   agreement -> PoW -> coinbase rebuild + merkle fold -> median-time rule (on the header time),
//   future bound, header-chain rule (live: prev block at most 1 behind the tip;
//      synced: within the window's span in blocks).
// Split in three so the hashing can run in a worker: precheck() -> verifyShareWork() -> finish().
import { bytesToHex, DecodeError, equalBytes } from '../primitives/bytes'
import { sha256d } from '../primitives/hash'
import { bitsToTarget } from '../primitives/target'
import { MAX_SHARE_BYTES } from './constants'
import type { HeaderChain } from './header-chain'
import { LruCache } from './lru'
import type { ShareNode } from './node'
import type { ShareChainRules } from './rules'
import type { ShareChain } from './share-chain'
import { decodeShare, type Share } from './share-codec'
import { isZeroHash } from './share-info'
import { checkSharePow, verifyShareWork, type ShareWorkInput } from './share-work'
import type { TemplateAnnouncement } from './template'
import { ACCEPT, ignore, reject, type ShareVerdict } from './verdict'

/** live: just gossiped (tight header rule); synced: fetched from a peer's window (loose header rule). */
export type ShareMode = 'live' | 'synced'

/** Verdicts remembered by share id (the original summary's 10 000 entries). */
export const DEFAULT_VERDICT_CACHE_ENTRIES = 10_000
/** A synced share's prev block may be this many times the window's nominal span (in blocks) deep. */
export const SYNCED_SPAN_FACTOR = 2
/** ... plus this many blocks of slack (block times vary). */
export const SYNCED_SPAN_SLACK_BLOCKS = 12
/** Largest BIP34 height we accept (int32). */
const MAX_BLOCK_HEIGHT = 0x7fffffff

export interface ShareValidatorInit {
  rules: ShareChainRules
  chain: ShareChain
  headers: HeaderChain
  /** Known template announcements by template id (hex); when known, the share must agree with it. */
  templates?: (templateIdHex: string) => TemplateAnnouncement | undefined
  /** Local clock, unix seconds. */
  now?: () => number
  verdictCacheEntries?: number
}

export interface PendingShare {
  id: Uint8Array
  key: string
  share: Share
  parent: ShareNode | undefined
  mode: ShareMode
  /** Target, uncles and timestamp judged (history covers the retarget span); payouts are judged when work.payouts is set. */
  targetsJudged: boolean
  /** Serializable input of the hashing stage. */
  work: ShareWorkInput
}

export interface ShareValidation {
  verdict: ShareVerdict
  id?: Uint8Array
  share?: Share
}

type Precheck = { done: ShareValidation } | { pending: PendingShare }

export class ShareValidator {
  private readonly cache: LruCache<string, ShareVerdict>
  private readonly now: () => number
  /** Share bits last found in bounds (-1: none yet) and their target. */
  private lastBoundedBits = -1
  private lastBoundedTarget = 0n
  private lastTemplate: { id: Uint8Array; template: TemplateAnnouncement } | undefined

  constructor(private readonly init: ShareValidatorInit) {
    this.cache = new LruCache(init.verdictCacheEntries ?? DEFAULT_VERDICT_CACHE_ENTRIES)
    this.now = init.now ?? (() => Math.floor(Date.now() / 1000))
  }

  /** Full validation on this thread. */
  validate(bytes: Uint8Array, mode: ShareMode = 'live'): ShareValidation {
    const pre = this.precheck(bytes, mode)
    if ('done' in pre) return pre.done
    const p = pre.pending
    const work = verifyShareWork(p.share, p.id, p.work.networkTag, p.work.pow, p.work.payouts)
    return this.finish(p, work)
  }

  validateBatch(items: Uint8Array[], mode: ShareMode = 'live'): ShareValidation[] {
    return items.map((b) => this.validate(b, mode))
  }

  /** Every check that needs no hashing but the share id; returns the hashing job when they pass. */
  precheck(bytes: Uint8Array, mode: ShareMode): Precheck {
    const { rules, chain } = this.init
    if (bytes.length > MAX_SHARE_BYTES) return done(reject('size', `${bytes.length} bytes, limit ${MAX_SHARE_BYTES}`))
    let share: Share
    try {
      share = decodeShare(bytes)
    } catch (e) {
      return done(decodeVerdict(e))
    }
    const info = share.info
    // Shares of one miner carry the same bits: the last bits that passed are not decoded again.
    if (info.shareBits !== this.lastBoundedBits) {
      let target: bigint
      try {
        target = bitsToTarget(info.shareBits)
      } catch {
        return done(reject('bounds', 'share bits do not decode'))
      }
      if (target > rules.maxShareTarget) return done(reject('bounds', 'share target easier than the network minimum'))
      this.lastBoundedBits = info.shareBits
      this.lastBoundedTarget = target
    }
    const ownTarget = this.lastBoundedTarget
    if (info.blockHeight > MAX_BLOCK_HEIGHT) return done(reject('bounds', 'block height out of range'))
    if (info.uncles.length > rules.maxUnclesPerShare)
      return done(reject('bounds', `${info.uncles.length} uncles, limit ${rules.maxUnclesPerShare}`))
    if (!equalBytes(share.networkTag, rules.networkTag)) return done(reject('network', 'share of another network'))
    const first = isZeroHash(info.prevShareId)
    const parent = first ? undefined : chain.getById(info.prevShareId)
    const id = sha256d(share.header80)
    const key = bytesToHex(id)
    if (chain.has(key)) return done(ignore('duplicate'), id, share)
    const cached = this.cache.get(key)
    if (cached) return done(cached, id, share)
    if (!first && !parent) return done(this.orphan(key, share, id, info.prevShareId), id, share)
    const expectedHeight = parent ? parent.height + 1 : 0
    if (info.shareHeight !== expectedHeight) {
      return done(
        this.remember(key, reject('height', `share height ${info.shareHeight}, expected ${expectedHeight}`)),
        id,
        share
      )
    }
    // A parent whose history is too short cannot judge the rules that need ancestors (retarget,
    // median and uncles; the window's payouts): synced shares there are history, checked as far as
    // the history reaches; live shares wait until sync has filled the history in (README "Sync").
    const judged = chain.historyComplete(parent)
    if (!judged && mode === 'live')
      return done(ignore('incomplete-history', 'parent history too short to judge; sync older shares'), id, share)
    const targetsJudged = judged || chain.targetsJudgeable(parent)
    let uncles: ShareNode[] = []
    if (targetsJudged) {
      const required = chain.requiredShareTarget(parent)
      if (ownTarget > required) {
        return done(
          this.remember(
            key,
            reject(
              'share-target',
              `share target 0x${info.shareBits.toString(16)} easier than the required 0x${chain.nextShareBits(parent).toString(16)}`
            )
          ),
          id,
          share
        )
      }
      const resolved = chain.resolveUncles(parent, info.uncles)
      if ('invalid' in resolved) return done(this.remember(key, reject('uncle', resolved.invalid)), id, share)
      if ('missing' in resolved) return done(this.orphan(key, share, id, resolved.missing), id, share)
      uncles = resolved.uncles
    }
    if (!judged)
      return {
        pending: {
          id,
          key,
          share,
          parent,
          mode,
          targetsJudged,
          work: { shareBytes: bytes, networkTag: rules.networkTag, pow: rules.pow, payouts: undefined }
        }
      }
    if (mode === 'live' && parent !== chain.tip) {
      // A child of the tip always becomes the tip; only side branches need the work comparison.
      const tip = chain.tip
      if (tip && chain.cumulativeWorkOf(parent, uncles) <= tip.cumulativeWork) {
        // Not a new tip: keep it only as a close side branch, a future uncle (README "Uncles").
        if (expectedHeight + rules.maxUncleDepth <= tip.height)
          return done(ignore('stale-share', `height ${expectedHeight}, tip ${tip.height}`), id, share)
        if (chain.sharesAtHeight(expectedHeight) > rules.maxSiblingsPerHeight)
          return done(ignore('siblings', `height ${expectedHeight} holds enough shares`), id, share)
      }
    }
    const template = this.templateOf(info.templateId)
    if (template && !agreesWithTemplate(share, template)) {
      return done(this.remember(key, reject('template', 'share disagrees with its template announcement')), id, share)
    }
    const payouts = chain.payouts(parent, info.coinbaseValue, info.payoutScript)
    const work: ShareWorkInput = {
      shareBytes: bytes,
      networkTag: rules.networkTag,
      pow: rules.pow,
      payouts: { count: payouts.count, bytes: payouts.bytes }
    }
    return { pending: { id, key, share, parent, mode, targetsJudged, work } }
  }

  /** A share naming a parent or uncle we lack: its PoW is proved before anyone spends a fetch on it. */
  private orphan(key: string, share: Share, id: Uint8Array, missing: Uint8Array): ShareVerdict {
    if (!checkSharePow(share, id, this.init.rules.pow))
      return this.remember(key, reject('pow', 'header hash above the share target'))
    return ignore('unknown-parent', 'fetch the missing share', missing)
  }

  /** Timestamp and header-chain rules after the hashing stage returned `work`. */
  finish(p: PendingShare, work: ShareVerdict): ShareValidation {
    if (work.kind !== 'accept') return { verdict: this.remember(p.key, work), id: p.id, share: p.share }
    const verdict = this.timeAndHeaderRules(p)
    // Reject and accept are facts about the share; ignore depends on clocks and header-chain state.
    if (verdict.kind !== 'ignore') this.remember(p.key, verdict)
    return { verdict, id: p.id, share: p.share }
  }

  private timeAndHeaderRules(p: PendingShare): ShareVerdict {
    const { rules, chain, headers } = this.init
    const info = p.share.info
    const timestamp = p.share.header.time
    if (p.targetsJudged) {
      const median = chain.medianTimePast(p.parent)
      if (median !== undefined && timestamp < median) {
        return reject('timestamp-median', `timestamp ${timestamp} below the median ${median}`)
      }
    }
    if (timestamp > this.now() + rules.maxFutureSeconds)
      return ignore('future', `timestamp ${timestamp} ahead of the local clock`)
    const prevHash = p.share.header.prevHash
    const prevBlock = headers.get(prevHash)
    if (!prevBlock) return ignore('unknown-block', 'prev block not in the header chain', prevHash)
    if (info.blockHeight !== prevBlock.height + 1) {
      return reject('block-height', `block height ${info.blockHeight}, header chain gives ${prevBlock.height + 1}`)
    }
    const tipHeight = headers.tip.height
    if (p.mode === 'live') {
      const depth = headers.depthOfEntry(prevBlock)
      if (depth === undefined || depth > 1) return ignore('stale', 'prev block more than 1 behind the tip')
      return ACCEPT
    }
    const spanBlocks =
      Math.ceil((rules.windowShares * rules.shareIntervalSeconds * SYNCED_SPAN_FACTOR) / rules.targetBlockSeconds) +
      SYNCED_SPAN_SLACK_BLOCKS
    if (prevBlock.height < tipHeight - spanBlocks) return ignore('old-block', 'prev block older than the window span')
    return ACCEPT
  }

  /** The named template announcement, if known; the last id's answer is reused (shares come in bursts per template). */
  private templateOf(id: Uint8Array): TemplateAnnouncement | undefined {
    const lookup = this.init.templates
    if (!lookup) return undefined
    const last = this.lastTemplate
    if (last && equalBytes(last.id, id)) return last.template
    const template = lookup(bytesToHex(id))
    // Unknown ids are not remembered: the announcement may arrive after the first share.
    this.lastTemplate = template && { id: id.slice(), template }
    return template
  }

  private remember(key: string, v: ShareVerdict): ShareVerdict {
    this.cache.set(key, v)
    return v
  }
}

function done(verdict: ShareVerdict, id?: Uint8Array, share?: Share): { done: ShareValidation } {
  return { done: { verdict, id, share } }
}

function decodeVerdict(e: unknown): ShareVerdict {
  if (!(e instanceof DecodeError)) throw e
  switch (e.code) {
    case 'size':
      return reject('size', e.message)
    case 'version':
      return reject('version', e.message)
    case 'payout-script':
    case 'uncles':
    case 'branch':
    case 'scriptsig':
      return reject('bounds', e.message)
    default:
      return reject('decode', e.message)
  }
}

function agreesWithTemplate(share: Share, t: TemplateAnnouncement): boolean {
  const wc = share.coinbase.witnessCommitment
  return (
    share.info.blockHeight === t.height &&
    share.info.coinbaseValue === t.coinbaseValue &&
    share.header.bits === t.bits &&
    equalBytes(share.header.prevHash, t.prevHash) &&
    (wc === undefined
      ? t.witnessCommitment === undefined
      : t.witnessCommitment !== undefined && equalBytes(wc, t.witnessCommitment)) &&
    share.merkleBranch.length === t.merkleBranch.length &&
    share.merkleBranch.every((step, i) => equalBytes(step, t.merkleBranch[i]))
  )
}
