// Per-peer token buckets for request/response protocols (sync, template fetch).
import { TokenBucket } from '../util/token-bucket'

/** Buckets idle longer than this are forgotten (ms), so the map cannot grow without bound. */
const IDLE_BUCKET_MS = 60_000
/** Hard cap on tracked peers; the oldest entries are dropped first. */
const MAX_TRACKED_PEERS = 10_000

export class PeerRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now
  ) {}

  /** Takes one token for `peer`; false when the peer is over its rate. */
  tryTake(peer: string): boolean {
    const now = this.now()
    let bucket = this.buckets.get(peer)
    if (bucket === undefined) {
      this.evict(now)
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now)
    } else {
      this.buckets.delete(peer) // re-insert below keeps Map order = least recently used first
    }
    this.buckets.set(peer, bucket)
    return bucket.tryTake(now)
  }

  private evict(now: number): void {
    for (const [peer, bucket] of this.buckets) {
      if (this.buckets.size < MAX_TRACKED_PEERS && now - bucket.lastRefillMs < IDLE_BUCKET_MS) break
      this.buckets.delete(peer)
    }
  }
}
