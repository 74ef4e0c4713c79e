// Peers pushed out for a low gossip score are refused for a while (connection gater checks this).
import { BoundedMap } from '@otedama/shared/util'

/** At most this many bans are remembered; the oldest go first. */
export const MAX_BANNED_PEERS = 10_000

interface PeerBan {
  /** When the ban ends (ms since the epoch). */
  until: number
  /** Why the peer was banned (graylisted, flooding, oversized messages), for the operator. */
  reason: string
}

export class PeerBanList {
  private readonly bans = new BoundedMap<string, PeerBan>(MAX_BANNED_PEERS)

  constructor(
    private readonly banMs: number,
    private readonly now: () => number = Date.now
  ) {}

  add(peerId: string, reason = 'low gossip score'): void {
    this.bans.delete(peerId) // re-insert: a renewed ban is the newest
    this.bans.set(peerId, { until: this.now() + this.banMs, reason })
  }

  has(peerId: string): boolean {
    const ban = this.bans.get(peerId)
    if (ban === undefined) return false
    if (ban.until > this.now()) return true
    this.bans.delete(peerId)
    return false
  }

  /** Bans in force, oldest first (for the operator's list). */
  list(): Array<{ peerId: string; until: number; reason: string }> {
    const now = this.now()
    return [...this.bans].filter(([, ban]) => ban.until > now).map(([peerId, ban]) => ({ peerId, ...ban }))
  }

  /** Lifts a ban (the operator's call); true when there was one. */
  lift(peerId: string): boolean {
    return this.bans.delete(peerId)
  }

  get size(): number {
    return this.bans.size
  }
}
