// Unknown parents: when the share validator ignores a share because its parent is missing, fetch the
// parent by id from the peer that sent the child (it must have it) and ingest it; if that one's parent is
// missing too, the validator asks again, so the walk continues until the chain connects. Bounded by a
// per-peer fetch rate (below the servers' own limit) and a cap on fetches in flight.
import { createLogger } from '../log'
import { bytesToHex } from '../primitives/bytes'
import type { PeerLike } from './gossip-router'
import { SYNC_REQUEST_BURST, SYNC_REQUESTS_PER_SECOND } from './limits'
import { PeerRateLimiter } from './rate-limiter'
import type { VerdictKind } from './verdict'
import { errorMessage } from '../util'

const log = createLogger('p2p:parents')

/** Parent fetches in flight at once per node. */
export const MAX_PARENT_FETCHES_IN_FLIGHT = 8

export interface ParentFetcherDeps<P extends PeerLike> {
  fetchById(peer: P, ids: Uint8Array[]): Promise<Uint8Array[]>
  /** Validates and delivers a fetched share (through the same validator gossip uses). */
  ingest(share: Uint8Array, from: P): Promise<VerdictKind>
}

export class ParentFetcher<P extends PeerLike> {
  private readonly inFlight = new Set<string>()
  private readonly limiter = new PeerRateLimiter(SYNC_REQUESTS_PER_SECOND, SYNC_REQUEST_BURST)
  fetched = 0
  failed = 0

  constructor(private readonly deps: ParentFetcherDeps<P>) {}

  request(shareId: Uint8Array, peer: P): void {
    const key = bytesToHex(shareId)
    if (this.inFlight.has(key) || this.inFlight.size >= MAX_PARENT_FETCHES_IN_FLIGHT) return
    if (!this.limiter.tryTake(peer.toString())) return
    log.debug(`fetching parent ${key} from ${peer.toString()}`)
    this.inFlight.add(key)
    void this.run(key, shareId, peer)
  }

  private async run(key: string, shareId: Uint8Array, peer: P): Promise<void> {
    try {
      const shares = await this.deps.fetchById(peer, [shareId])
      this.fetched += shares.length
      for (const share of shares) await this.deps.ingest(share, peer)
    } catch (err) {
      this.failed++
      log.debug(`fetching parent ${key} from ${peer.toString()} failed: ${errorMessage(err)}`)
    } finally {
      this.inFlight.delete(key)
    }
  }
}
