// Peers pushed out for a low gossip score are refused for a while (connection gater checks this).

/** At most this many bans are remembered; the oldest go first. */
export const MAX_BANNED_PEERS = 10_000

export class PeerBanList {
  private readonly until = new Map<string, number>()
  /** Why each peer was banned (graylisted, flooding, oversized messages), for the operator. */
  private readonly reasons = new Map<string, string>()

  constructor(
    private readonly banMs: number,
    private readonly now: () => number = Date.now
  ) {}

  add(peerId: string, reason = 'low gossip score'): void {
    this.until.delete(peerId)
    this.until.set(peerId, this.now() + this.banMs)
    this.reasons.set(peerId, reason)
    if (this.until.size > MAX_BANNED_PEERS) {
      const oldest = this.until.keys().next().value as string
      this.until.delete(oldest)
      this.reasons.delete(oldest)
    }
  }

  has(peerId: string): boolean {
    const expiry = this.until.get(peerId)
    if (expiry === undefined) return false
    if (expiry > this.now()) return true
    this.until.delete(peerId)
    this.reasons.delete(peerId)
    return false
  }

  /** Bans in force, oldest first (for the operator's list). */
  list(): Array<{ peerId: string; until: number; reason: string }> {
    const now = this.now()
    return [...this.until].filter(([, until]) => until > now).map(([peerId, until]) => ({ peerId, until, reason: this.reasons.get(peerId) ?? '' }))
  }

  /** Lifts a ban (the operator's call); true when there was one. */
  lift(peerId: string): boolean {
    this.reasons.delete(peerId)
    return this.until.delete(peerId)
  }

  get size(): number {
    return this.until.size
  }
}
