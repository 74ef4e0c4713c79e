import { bytesToHex } from '../../../shared/src/primitives/bytes'

/** Relays remembered as committee candidates, at most (count); the longest unseen goes first. */
export const MAX_ROSTER_RELAYS = 1024
/** A relay not heard announcing a template for this long leaves the roster (ms). Every relay
 *  announces at least per new block and, on devnet, every 30 s (fresh curtime). */
export const ROSTER_TTL_MS = 60 * 60_000

/**
 * The relays that may sit on committees (DESIGN.md, Validation in quorums): ourselves and every
 * relay whose signed template announcement we verified. Browsers never announce templates, so they
 * never sit on committees; connected libp2p peers are not candidates by being connected.
 */
export class RelayRoster {
  private readonly seen = new Map<string, { id: Uint8Array, at: number }>()
  private changes = 0
  private readonly selfHex: string

  constructor (private readonly selfId: Uint8Array, private readonly now: () => number = Date.now) {
    this.selfHex = bytesToHex(selfId)
  }

  /** A relay proved itself a relay (a verified signed template of our network). */
  add (peerIdBytes: Uint8Array): void {
    const key = bytesToHex(peerIdBytes)
    if (key === this.selfHex) return
    const known = this.seen.delete(key)
    this.seen.set(key, { id: peerIdBytes, at: this.now() })
    if (!known) this.changes++
    while (this.seen.size > MAX_ROSTER_RELAYS) {
      this.seen.delete(this.seen.keys().next().value as string)
      this.changes++
    }
  }

  /** Peer id bytes of the candidates: ourselves first, then relays heard within ROSTER_TTL_MS. */
  candidates (): Uint8Array[] {
    this.expire()
    return [this.selfId, ...[...this.seen.values()].map((r) => r.id)]
  }

  /** Changes whenever the candidate list does (committees are recomputed then). */
  version (): number {
    this.expire()
    return this.changes
  }

  get size (): number {
    return this.seen.size + 1
  }

  private expire (): void {
    const oldest = this.now() - ROSTER_TTL_MS
    for (const [key, r] of this.seen) {
      if (r.at >= oldest) break // insertion order is last-seen order
      this.seen.delete(key)
      this.changes++
    }
  }
}
