// Peers pushed out for a low gossip score are refused for a while (connection gater checks this).

/** At most this many bans are remembered; the oldest go first. */
export const MAX_BANNED_PEERS = 10_000

export class PeerBanList {
  private readonly until = new Map<string, number>()

  constructor(
    private readonly banMs: number,
    private readonly now: () => number = Date.now
  ) {}

  add(peerId: string): void {
    this.until.delete(peerId)
    this.until.set(peerId, this.now() + this.banMs)
    if (this.until.size > MAX_BANNED_PEERS) this.until.delete(this.until.keys().next().value as string)
  }

  has(peerId: string): boolean {
    const expiry = this.until.get(peerId)
    if (expiry === undefined) return false
    if (expiry > this.now()) return true
    this.until.delete(peerId)
    return false
  }

  get size(): number {
    return this.until.size
  }
}
