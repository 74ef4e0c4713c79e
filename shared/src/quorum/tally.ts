// Tally of one subject's attestations by its committee (DESIGN.md): a claim is confirmed when the
// committee members attesting it hold more than 2/3 of the committee's total reputation weight
// (3 x agreeing > 2 x total, integers). Each member counts once, with its latest attestation.
import { bytesToHex } from '../primitives/bytes'
import type { Claim } from './attestation'
import type { Reputation } from './reputation'

interface Vote {
  claim: Claim
  time: number
}

export class Tally {
  private readonly members: Set<string>
  private readonly votes = new Map<string, Vote>()

  /** `committee`: peer id bytes from selectCommittee for this subject. */
  constructor(committee: Uint8Array[], private readonly reputation: Reputation) {
    this.members = new Set(committee.map(bytesToHex))
  }

  /**
   * Records a verified attestation. Returns false (ignored) when the attester is not on the
   * committee or the attestation is older than one already counted from it.
   */
  add(attesterId: Uint8Array, claim: Claim, time: number): boolean {
    const key = bytesToHex(attesterId)
    if (!this.members.has(key)) return false
    const prev = this.votes.get(key)
    if (prev && prev.time >= time) return false
    this.votes.set(key, { claim, time })
    return true
  }

  /** Weight agreeing on each claim, and the committee's total weight. */
  weights(): { total: number; byClaim: Map<Claim, number> } {
    let total = 0
    for (const m of this.members) total += this.reputation.weightOf(m)
    const byClaim = new Map<Claim, number>()
    for (const [m, v] of this.votes) byClaim.set(v.claim, (byClaim.get(v.claim) ?? 0) + this.reputation.weightOf(m))
    return { total, byClaim }
  }

  /** The claim holding more than 2/3 of the committee's weight, if any. */
  confirmed(): Claim | undefined {
    const { total, byClaim } = this.weights()
    if (total === 0) return undefined
    for (const [claim, w] of byClaim) if (3 * w > 2 * total) return claim
    return undefined
  }

  /** Once the truth is known (e.g. the block reached maturity in the header chain), move reputations. */
  settle(truth: Claim): void {
    for (const [m, v] of this.votes) {
      if (v.claim === truth) this.reputation.provedRight(m)
      else this.reputation.provedWrong(m)
    }
  }
}
