// Local reputation of attesters: earned by attestations this peer proved right, lost by ones it proved
// wrong. It is local (peers learn different truths), so it never weighs a vote: votes weigh work
// (weights.ts). A relay at 0 (proved wrong here more than it was proved right) is not believed here:
// its vote stops counting as agreement (tally.ts). Integers keyed by peer id hex.
import { INITIAL_REPUTATION, MAX_REPUTATION, REPUTATION_REWARD } from './constants'

export class Reputation {
  private readonly scores = new Map<string, number>()

  /** Weight of an attester (INITIAL_REPUTATION when never seen). */
  weightOf(peerIdHex: string): number {
    return this.scores.get(peerIdHex) ?? INITIAL_REPUTATION
  }

  provedRight(peerIdHex: string): void {
    this.scores.set(peerIdHex, Math.min(MAX_REPUTATION, this.weightOf(peerIdHex) + REPUTATION_REWARD))
  }

  /** Halve, then one less: a wrong attestation costs far more than a right one earns. */
  provedWrong(peerIdHex: string): void {
    this.scores.set(peerIdHex, Math.max(0, Math.floor(this.weightOf(peerIdHex) / 2) - 1))
  }

  /** Plain data for persistence. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.scores)
  }

  static fromJSON(data: Record<string, number>): Reputation {
    const r = new Reputation()
    for (const [k, v] of Object.entries(data))
      if (Number.isInteger(v) && v >= 0 && v <= MAX_REPUTATION) r.scores.set(k, v)
    return r
  }
}
