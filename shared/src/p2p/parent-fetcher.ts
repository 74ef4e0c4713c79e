// Unknown parents: when the share validator ignores a share because its parent is missing, fetch what
// is missing from the peer that sent the child (it must have it) and ingest it.
//
// Two ways, by what the node can tell about a share:
// - by id, one parent per request: the fetched parent is ingested; if its own parent is missing the
//   validator asks again, so the walk continues until the chain connects. Right for a node that holds
//   shares seen too early and stitches them in when their parent arrives (the browser's ShareState).
// - by branch (`fetchAncestors` + `missingAncestry`): the peer's ancestors of the missing parent, in
//   pages of the sync protocol's window, until nothing the branch references (parents, uncles) is
//   missing any more, then
//   ingested oldest first so each one's parent is in place. A node that does not hold early shares
//   (the relay) needs this: by id, every share above the walk's end was dropped before its parent
//   arrived, so two relays whose chains grew apart gained one share per walk and never converged
//   (bench/scenario.bench.ts: three relays, three rival chains). A branch that ends without
//   connecting (deeper than `maxDepth`, or older than the peer keeps) is remembered as a dead end, so
//   the next child on it costs one page, not another full walk.
// Both are bounded by a per-peer fetch rate (below the servers' own limit) and a cap on walks in flight.
import { createLogger } from '../log'
import { bytesToHex } from '../primitives/bytes'
import { BoundedMap, errorMessage } from '../util'
import type { PeerLike } from './gossip-router'
import { SYNC_MAX_SHARES_PER_REPLY, SYNC_REQUEST_BURST, SYNC_REQUESTS_PER_SECOND } from './limits'
import { shareMessageId } from './message-id'
import { PeerRateLimiter } from './rate-limiter'
import type { Verdict, VerdictKind } from './verdict'

const log = createLogger('p2p:parents')

/** Parent fetches (or branch walks) in flight at once per node. */
export const MAX_PARENT_FETCHES_IN_FLIGHT = 8
/** Deepest branch walk when the node names none (shares). */
export const DEFAULT_BRANCH_DEPTH = 4096
/** Shares asked for in a walk's first page; later pages grow to SYNC_MAX_SHARES_PER_REPLY. */
const FIRST_PAGE_SHARES = 16
/**
 * Messages kept per fetch in flight to validate again once it is done (the children that named the
 * missing id): MAX_PARENT_FETCHES_IN_FLIGHT × this many at most, all fetches together.
 */
export const MAX_WAITING_PER_FETCH = 8
/** Shares of branches that did not connect, remembered so their descendants are not walked again. */
const MAX_DEAD_END_SHARES = 16_384

export interface AncestorPage {
  /** Newest first: the requested share, then its parent, and so on. */
  shares: Uint8Array[]
  /** Older shares of the peer's chain remain beyond this page. */
  more: boolean
  /** The tip the page was walked from (the peer names its best tip when asked for none). */
  tip?: Uint8Array
}

export interface ParentFetcherDeps<P extends PeerLike> {
  fetchById(peer: P, ids: Uint8Array[]): Promise<Uint8Array[]>
  /**
   * Validates and adds a fetched item. A full verdict that names something still missing (an uncle, a
   * parent) has it fetched in turn; a bare verdict kind means the callee saw to that itself.
   */
  ingest(share: Uint8Array, from: P): Promise<VerdictKind | Verdict>
  /**
   * The peer's ancestors of `id` (id included), skipping the newest `skip` (the sync protocol's window
   * with an explicit tip). With `missingAncestry`, turns on branch walks.
   */
  fetchAncestors?(peer: P, id: Uint8Array | undefined, skip: number, count: number): Promise<AncestorPage>
  /** The ids a fetched item references (parent, uncles) that we do not hold: the walk goes on until none is left. */
  missingAncestry?(item: Uint8Array): Uint8Array[]
  /** Deepest branch walk (a relay passes syncDepthShares of its rules). */
  maxDepth?: number
  /** The id of a fetched item (default: a share's id; devnet blocks: sha256d of the header). */
  idOf?(item: Uint8Array): Uint8Array
}

export interface BranchResult {
  fetched: number
  /** The oldest fetched share's parent is held (or it has none). */
  connected: boolean
  accept: number
  reject: number
  ignore: number
}

export class ParentFetcher<P extends PeerLike> {
  private readonly inFlight = new Set<string>()
  /** By fetched id: what to run again once that fetch is done (the messages that waited on it). */
  private readonly waiting = new Map<string, Array<() => Promise<unknown>>>()
  private readonly limiter = new PeerRateLimiter(SYNC_REQUESTS_PER_SECOND, SYNC_REQUEST_BURST)
  private readonly deadEnds = new BoundedMap<string, true>(MAX_DEAD_END_SHARES)
  fetched = 0
  failed = 0
  /** Branch walks that ended without connecting (a rival chain deeper than we walk, or pruned at the peer). */
  unconnected = 0

  constructor(private readonly deps: ParentFetcherDeps<P>) {}

  private idOf(item: Uint8Array): Uint8Array {
    return this.deps.idOf?.(item) ?? shareMessageId(item)
  }

  private get walksBranches(): boolean {
    return this.deps.fetchAncestors !== undefined && this.deps.missingAncestry !== undefined
  }

  /**
   * Fetches `shareId` from `peer` (bounded: in flight, rate, dead ends). `retry` validates again the
   * message that named it, once the fetch has brought something in: a node that does not hold shares
   * seen before their parent (the relay) otherwise loses that child for good, since gossip ignored it
   * (not forwarded) and will not bring it again within its seen TTL. Retries are kept per fetch in flight
   * (MAX_WAITING_PER_FETCH); a message whose fetch is refused is dropped as before.
   */
  request(shareId: Uint8Array, peer: P, retry?: () => Promise<unknown>): void {
    const key = bytesToHex(shareId)
    if (this.inFlight.has(key)) {
      this.wait(key, retry)
      return
    }
    if (this.inFlight.size >= MAX_PARENT_FETCHES_IN_FLIGHT) return
    if (this.deadEnds.has(key)) return
    if (!this.limiter.tryTake(peer.toString())) return
    log.debug(`fetching parent ${key} from ${peer.toString()}`)
    this.inFlight.add(key)
    this.wait(key, retry)
    void this.run(key, shareId, peer)
  }

  private wait(key: string, retry: (() => Promise<unknown>) | undefined): void {
    if (retry === undefined) return
    const list = this.waiting.get(key) ?? []
    if (list.length >= MAX_WAITING_PER_FETCH) return
    list.push(retry)
    this.waiting.set(key, list)
  }

  /**
   * Walks the peer's chain back from `tip` (undefined: the peer's best tip) to the first share that
   * connects to ours (nothing the branch references is missing any more) and ingests that branch oldest
   * first. Needs `fetchAncestors` and `missingAncestry`.
   */
  async walkBranch(peer: P, tip: Uint8Array | undefined): Promise<BranchResult> {
    const { fetchAncestors, missingAncestry } = this.deps
    if (fetchAncestors === undefined || missingAncestry === undefined)
      throw new Error('branch walks need fetchAncestors and missingAncestry')
    const maxDepth = this.deps.maxDepth ?? DEFAULT_BRANCH_DEPTH
    const branch: Uint8Array[] = []
    /** Ids the branch references that we do not hold and the walk has not fetched yet; fetched ids. */
    const needed = new Set<string>()
    const collected = new Set<string>()
    let connected = false
    let deadEnd = false
    while (branch.length < maxDepth && !connected && !deadEnd) {
      // Small first pages: most walks end within a few shares (a missed parent, a dead end).
      const count = Math.min(
        SYNC_MAX_SHARES_PER_REPLY,
        maxDepth - branch.length,
        Math.max(FIRST_PAGE_SHARES, branch.length * 4)
      )
      const page = await fetchAncestors(peer, tip, branch.length, count)
      tip ??= page.tip
      for (const share of page.shares) {
        const key = bytesToHex(this.idOf(share))
        if (this.deadEnds.has(key)) {
          deadEnd = true
          break
        }
        branch.push(share)
        // Pages come newest first with each share's uncles right after it, so what a share references
        // arrives later in the walk: the branch connects once nothing referenced is missing.
        needed.delete(key)
        for (const ref of missingAncestry(share)) {
          const refKey = bytesToHex(ref)
          if (!collected.has(refKey)) needed.add(refKey)
        }
        collected.add(key)
        if (needed.size === 0) {
          connected = true
          break
        }
      }
      if (!page.more || page.shares.length === 0) break
    }
    this.fetched += branch.length
    const result: BranchResult = { fetched: branch.length, connected, accept: 0, reject: 0, ignore: 0 }
    if (!connected) {
      // Nothing on it can join our chain: remember it, ingest nothing (the ledger would ignore each one).
      this.unconnected++
      for (const share of branch) this.deadEnds.set(bytesToHex(this.idOf(share)), true)
      log.info(
        `a branch of ${branch.length} shares from ${peer.toString()} does not connect to our chain${deadEnd ? ' (it leads into one seen before)' : ''}`
      )
      return result
    }
    for (let i = branch.length - 1; i >= 0; i--) result[await this.ingest(branch[i], peer)]++
    return result
  }

  /** Ingests one fetched item, fetching in turn what its verdict names as missing. */
  private async ingest(item: Uint8Array, peer: P): Promise<VerdictKind> {
    const verdict = await this.deps.ingest(item, peer)
    if (typeof verdict === 'string') return verdict
    if (verdict.kind === 'ignore' && verdict.fetch !== undefined) this.request(verdict.fetch, peer)
    return verdict.kind
  }

  private async run(key: string, shareId: Uint8Array, peer: P): Promise<void> {
    let brought = false
    try {
      if (this.walksBranches) brought = (await this.walkBranch(peer, shareId)).accept > 0
      else {
        const shares = await this.deps.fetchById(peer, [shareId])
        this.fetched += shares.length
        for (const share of shares) if ((await this.ingest(share, peer)) === 'accept') brought = true
      }
    } catch (err) {
      this.failed++
      log.debug(`fetching parent ${key} from ${peer.toString()} failed: ${errorMessage(err)}`)
    } finally {
      this.inFlight.delete(key)
    }
    // Only after a fetch that added something: what waited on it can now pass (or names the next missing
    // id, fetched in turn), and a fetch that failed cannot turn into a retry loop.
    const retries = this.waiting.get(key) ?? []
    this.waiting.delete(key)
    if (!brought) return
    for (const retry of retries) {
      try {
        await retry()
      } catch (err) {
        log.debug(`a message waiting on ${key} failed again: ${errorMessage(err)}`)
      }
    }
  }
}
