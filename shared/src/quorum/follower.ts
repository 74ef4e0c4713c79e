// Following the quorum (DESIGN.md, Validation in quorums; sharechain/README.md, Quorums): verified
// attestations in, per-subject tallies over the deterministic committee out. A subject (template or
// block) is confirmed when the members agreeing on one claim hold more than 2/3 of the committee's
// reputation weight (Tally) and are at least `minAttesters` in number. Truth learned locally (the own
// daemon's proposal check, the own chain) moves reputation once per attester and claim.
// Generic: relays and browsers feed it from their own sources of verified bytes.
import { bytesToHex } from '../primitives/bytes'
import type { TemplateAnnouncement } from '../sharechain/template'
import type { Attestation, AttestationBody, Claim, SubjectKind } from './attestation'
import { verifyAttestation } from './attestation'
import { selectCommittee } from './committee'
import { DEFAULT_COMMITTEE_SIZE, MIN_COMMITTEE_SIZE } from './constants'
import { Reputation } from './reputation'
import { Tally } from './tally'

/** Subjects tallied at once (count); the least recently touched is forgotten first. */
export const MAX_FOLLOWED_SUBJECTS = 1024
/** Confirmed results remembered after their tally is forgotten (count, LRU). */
export const MAX_CONFIRMED_RESULTS = 4096
/** Attesters remembered per subject (count): members always fit, non-members (kept in case the
 *  candidate list grows and they join the committee) only while there is room. */
export const MAX_VOTES_PER_SUBJECT = 128

/** What a locally known truth says of one claim: proved right, proved wrong, or not (yet) decidable. */
export type Judgement = 'right' | 'wrong' | undefined
export type Judge = (claim: Claim) => Judgement

export interface VoteView {
  attesterId: Uint8Array
  claim: Claim
  /** Unix seconds of the attestation (the template's curtime for a publisher's signature). */
  time: number
  /** Attester's reputation weight now. */
  weight: number
  /** On the subject's committee (only members count). */
  member: boolean
}

export interface SubjectStatus {
  kind: SubjectKind
  id: Uint8Array
  idHex: string
  committee: Uint8Array[]
  votes: VoteView[]
  /** Committee weight in total and agreeing per claim (members only). */
  totalWeight: number
  weightByClaim: Partial<Record<Claim, number>>
  /** The claim the quorum confirms, if any. */
  confirmed?: Claim
  /** The announcement, for templates whose signed announcement was seen. */
  announcement?: TemplateAnnouncement
}

export interface QuorumFollowerInit {
  /** Peer id bytes of relays eligible for committees (never browsers). */
  candidates: () => Uint8Array[]
  /** Changes whenever `candidates()` would answer differently (committees are then recomputed). */
  candidatesVersion?: () => number
  reputation?: Reputation
  /** k: committee size (default 7, at least 3). */
  committeeSize?: number
  /** Agreeing members a confirmation needs at least (default 3). */
  minAttesters?: number
  /** Attesters whose reputation is never moved (ourselves: our word is not evidence about us). */
  isSelf?: (attesterIdHex: string) => boolean
}

export type AttestationOutcome = 'counted' | 'not-member' | 'stale' | 'full'

interface Vote {
  attesterId: Uint8Array
  claim: Claim
  time: number
}

interface Followed {
  kind: SubjectKind
  id: Uint8Array
  idHex: string
  committee: Uint8Array[]
  members: Set<string>
  candidatesVersion: number
  votes: Map<string, Vote>
  /** `${attester}/${claim}` already judged, so reputation moves once per attestation claim. */
  judged: Set<string>
  judge?: Judge
  confirmed?: Claim
  announcement?: TemplateAnnouncement
}

type ConfirmedListener = (kind: SubjectKind, idHex: string, claim: Claim) => void

export class QuorumFollower {
  readonly reputation: Reputation
  private readonly subjects = new Map<string, Followed>()
  private readonly results = new Map<string, { kind: SubjectKind, claim: Claim }>()
  private readonly listeners = new Set<ConfirmedListener>()
  private readonly committeeSize: number
  private readonly minAttesters: number

  constructor(private readonly init: QuorumFollowerInit) {
    this.reputation = init.reputation ?? new Reputation()
    this.committeeSize = init.committeeSize ?? DEFAULT_COMMITTEE_SIZE
    this.minAttesters = init.minAttesters ?? MIN_COMMITTEE_SIZE
    if (!Number.isInteger(this.committeeSize) || this.committeeSize < MIN_COMMITTEE_SIZE) {
      throw new RangeError(`committee size must be an integer >= ${MIN_COMMITTEE_SIZE}, got ${this.committeeSize}`)
    }
    if (!Number.isInteger(this.minAttesters) || this.minAttesters < 1 || this.minAttesters > this.committeeSize) {
      throw new RangeError(`minAttesters must be an integer in 1..${this.committeeSize} (the committee size), got ${this.minAttesters}`)
    }
  }

  /** Called when a subject becomes confirmed (or its confirmed claim changes). */
  onConfirmed(listener: ConfirmedListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * A verified signed template: the publisher's signature counts as its 'valid' attestation at the
   * template's curtime (it vouches for what it built; it still counts only as a committee member).
   */
  addTemplate(templateId: Uint8Array, publisherId: Uint8Array, announcement: TemplateAnnouncement): AttestationOutcome {
    const s = this.subject('template', templateId)
    s.announcement ??= announcement
    return this.vote(s, publisherId, 'valid', announcement.curtime)
  }

  /** A verified attestation (its signature checked by the caller, `attesterId` from that check). */
  addAttestation(attesterId: Uint8Array, a: AttestationBody): AttestationOutcome {
    return this.vote(this.subject(a.subjectKind, a.subjectId), attesterId, a.claim, a.time)
  }

  /** Verifies and adds; undefined when the attestation is not of `networkTag` or badly signed. */
  async takeAttestation(a: Attestation, networkTag: Uint8Array): Promise<AttestationOutcome | undefined> {
    const check = await verifyAttestation(a, networkTag)
    return check.ok ? this.addAttestation(check.attesterId, a) : undefined
  }

  /**
   * The truth about a subject became known locally: each attestation (present and future) is judged
   * once per attester and claim; right ones earn reputation, wrong ones lose it. A later call
   * replaces the judge (a block's truth grows: accepted, then confirmed) and judges what is left.
   */
  prove(kind: SubjectKind, id: Uint8Array, judge: Judge): void {
    const s = this.subject(kind, id)
    s.judge = judge
    for (const v of s.votes.values()) this.judgeVote(s, v)
    this.evaluate(s)
  }

  /** Convenience for a single true claim (a template valid or invalid by our own check). */
  proveClaim(kind: SubjectKind, id: Uint8Array, truth: Claim): void {
    this.prove(kind, id, (claim) => (claim === truth ? 'right' : 'wrong'))
  }

  /** The tally of a subject now; undefined when it is not followed. */
  status(id: Uint8Array | string): SubjectStatus | undefined {
    const idHex = typeof id === 'string' ? id : bytesToHex(id)
    const s = this.subjects.get(idHex)
    if (s === undefined) return undefined
    const { tally, confirmed } = this.evaluate(s)
    const { total, byClaim } = tally.weights()
    return {
      kind: s.kind,
      id: s.id,
      idHex,
      committee: s.committee,
      votes: [...s.votes.values()].map((v) => {
        const key = bytesToHex(v.attesterId)
        return { attesterId: v.attesterId, claim: v.claim, time: v.time, weight: this.reputation.weightOf(key), member: s.members.has(key) }
      }),
      totalWeight: total,
      weightByClaim: Object.fromEntries(byClaim) as Partial<Record<Claim, number>>,
      ...(confirmed !== undefined ? { confirmed } : {}),
      ...(s.announcement !== undefined ? { announcement: s.announcement } : {})
    }
  }

  /** The confirmed claim of a subject, from its tally or the LRU of results. */
  confirmedClaim(idHex: string): Claim | undefined {
    const s = this.subjects.get(idHex)
    if (s !== undefined) return this.evaluate(s).confirmed
    const r = this.results.get(idHex)
    if (r === undefined) return undefined
    this.results.delete(idHex)
    this.results.set(idHex, r)
    return r.claim
  }

  /** Whether `peerIdBytes` sits on the committee of `id` (computed over the current candidates). */
  isMember(kind: SubjectKind, id: Uint8Array, peerIdBytes: Uint8Array): boolean {
    const s = this.subject(kind, id)
    this.refreshCommittee(s)
    return s.members.has(bytesToHex(peerIdBytes))
  }

  /** Followed subjects by kind, confirmed or not (for gauges). */
  counts(): Record<SubjectKind, { confirmed: number, unconfirmed: number }> {
    const out = { template: { confirmed: 0, unconfirmed: 0 }, block: { confirmed: 0, unconfirmed: 0 } }
    for (const s of this.subjects.values()) out[s.kind][this.evaluate(s).confirmed !== undefined ? 'confirmed' : 'unconfirmed']++
    return out
  }

  /** Followed subjects whose votes are not all judged yet (blocks waiting for the own chain). */
  unjudged(kind: SubjectKind, limit: number): Uint8Array[] {
    const out: Uint8Array[] = []
    for (const s of this.subjects.values()) {
      if (out.length >= limit) break
      if (s.kind === kind && [...s.votes.values()].some((v) => this.judgeable(s, v) && !s.judged.has(judgedKey(v)))) out.push(s.id)
    }
    return out
  }

  get size(): number {
    return this.subjects.size
  }

  get resultCount(): number {
    return this.results.size
  }

  private subject(kind: SubjectKind, id: Uint8Array): Followed {
    const idHex = bytesToHex(id)
    let s = this.subjects.get(idHex)
    if (s !== undefined) {
      this.subjects.delete(idHex) // LRU: re-insert as newest
      this.subjects.set(idHex, s)
      return s
    }
    s = { kind, id, idHex, committee: [], members: new Set(), candidatesVersion: Number.NaN, votes: new Map(), judged: new Set() }
    this.refreshCommittee(s)
    this.subjects.set(idHex, s)
    while (this.subjects.size > MAX_FOLLOWED_SUBJECTS) this.subjects.delete(this.subjects.keys().next().value as string)
    return s
  }

  /** Recomputes the committee when the candidate list changed and nothing is confirmed yet. */
  private refreshCommittee(s: Followed): void {
    const version = this.init.candidatesVersion?.() ?? 0
    if (s.candidatesVersion === version || s.confirmed !== undefined) return
    s.candidatesVersion = version
    s.committee = selectCommittee(this.init.candidates(), s.id, this.committeeSize)
    s.members = new Set(s.committee.map(bytesToHex))
  }

  private vote(s: Followed, attesterId: Uint8Array, claim: Claim, time: number): AttestationOutcome {
    this.refreshCommittee(s)
    const key = bytesToHex(attesterId)
    const prev = s.votes.get(key)
    if (prev !== undefined && prev.time >= time) return 'stale'
    const member = s.members.has(key)
    if (prev === undefined && s.votes.size >= MAX_VOTES_PER_SUBJECT) {
      if (!member) return 'full'
      const outsider = [...s.votes.keys()].find((k) => !s.members.has(k))
      if (outsider === undefined) return 'full'
      s.votes.delete(outsider)
    }
    const v = { attesterId, claim, time }
    s.votes.set(key, v)
    this.judgeVote(s, v)
    this.evaluate(s)
    return member ? 'counted' : 'not-member'
  }

  private judgeVote(s: Followed, v: Vote): void {
    if (s.judge === undefined) return
    const attester = bytesToHex(v.attesterId)
    const key = judgedKey(v)
    if (s.judged.has(key) || !this.judgeable(s, v)) return
    const verdict = s.judge(v.claim)
    if (verdict === undefined) return
    s.judged.add(key)
    if (verdict === 'right') this.reputation.provedRight(attester)
    else this.reputation.provedWrong(attester)
  }

  /** Reputation moves for committee members only (the map of weights stays bounded by the relays
   *  known), never for ourselves. */
  private judgeable(s: Followed, v: Vote): boolean {
    const attester = bytesToHex(v.attesterId)
    return s.members.has(attester) && this.init.isSelf?.(attester) !== true
  }

  private evaluate(s: Followed): { tally: Tally, confirmed?: Claim } {
    this.refreshCommittee(s)
    const tally = new Tally(s.committee, this.reputation)
    for (const v of s.votes.values()) tally.add(v.attesterId, v.claim, v.time)
    let claim = tally.confirmed()
    if (claim !== undefined) {
      let agreeing = 0
      for (const [k, v] of s.votes) if (s.members.has(k) && v.claim === claim) agreeing++
      if (agreeing < this.minAttesters) claim = undefined
    }
    // Once confirmed, a subject stays confirmed unless the committee confirms another claim
    // (a block moving from accepted to confirmed or orphaned).
    if (claim !== undefined && claim !== s.confirmed) {
      s.confirmed = claim
      this.remember(s.idHex, s.kind, claim)
      for (const l of this.listeners) l(s.kind, s.idHex, claim)
    }
    return { tally, ...(s.confirmed !== undefined ? { confirmed: s.confirmed } : {}) }
  }

  private remember(idHex: string, kind: SubjectKind, claim: Claim): void {
    this.results.delete(idHex)
    this.results.set(idHex, { kind, claim })
    while (this.results.size > MAX_CONFIRMED_RESULTS) this.results.delete(this.results.keys().next().value as string)
  }
}

function judgedKey(v: Vote): string {
  return `${bytesToHex(v.attesterId)}/${v.claim}`
}
