// Tally of one subject's votes by its committee (sharechain/README.md, Quorums): a claim is confirmed
// when the committee members attesting it hold more than 2/3 of the committee's total weight
// (3 x agreeing > 2 x total, integers) AND are at least `minAttesters` distinct relays. Each member
// counts once, with its latest vote. Weights are work (weights.ts); a member this peer caught lying
// (local reputation 0) still weighs in the total but its vote is not believed: it can only make a
// confirmation harder, never easier.
import type { Claim } from './attestation'

export interface TallyVote {
  /** The attester's relay key (hex). */
  relayKey: string
  claim: Claim
  time: number
  /** False when this peer proved the attester wrong down to reputation 0. */
  believed: boolean
}

export interface TallyResult {
  totalWeight: bigint
  byClaim: Map<Claim, { weight: bigint; attesters: number }>
  confirmed?: Claim
}

/** `committee`: relay keys (hex) from selectCommittee; `weightOf`: their work now. */
export function tallyVotes(
  committee: readonly string[],
  weightOf: (relayKey: string) => bigint,
  votes: Iterable<TallyVote>,
  minAttesters: number
): TallyResult {
  const members = new Set(committee)
  let totalWeight = 0n
  for (const m of members) totalWeight += weightOf(m)
  const latest = new Map<string, TallyVote>()
  for (const v of votes) {
    if (!members.has(v.relayKey)) continue
    const prev = latest.get(v.relayKey)
    if (prev === undefined || prev.time < v.time) latest.set(v.relayKey, v)
  }
  const byClaim = new Map<Claim, { weight: bigint; attesters: number }>()
  for (const [key, v] of latest) {
    if (!v.believed) continue
    const t = byClaim.get(v.claim) ?? { weight: 0n, attesters: 0 }
    t.weight += weightOf(key)
    t.attesters++
    byClaim.set(v.claim, t)
  }
  let confirmed: Claim | undefined
  if (totalWeight > 0n) {
    for (const [claim, t] of byClaim)
      if (3n * t.weight > 2n * totalWeight && t.attesters >= minAttesters) confirmed = claim
  }
  return { totalWeight, byClaim, ...(confirmed !== undefined ? { confirmed } : {}) }
}
