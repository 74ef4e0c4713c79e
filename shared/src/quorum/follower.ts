// Following the quorum (sharechain/README.md, Quorums): verified attestations in, per-subject tallies
// over a committee drawn from the weighted roster out. The same code runs on relays and in browsers, so
// both mean the same by "confirmed" and say the same when no quorum can exist:
// - weights: the work each relay key holds in the share chain's window (weights.ts); no work, no vote;
// - committee: k keys drawn by weight with a seed the publisher cannot choose (committee.ts): a
//   template's parent block hash, a block's own hash; redrawn while unconfirmed when the weights move;
// - confirmed: members agreeing on one claim hold more than 2/3 of the committee's weight AND are at
//   least `minAttesters` distinct relays (tally.ts). Only attestations are votes: a publisher's signature
//   over its template says who built it, nothing more;
// - no quorum possible (the committee, i.e. every weighted relay, is fewer than `minAttesters`): the
//   peer believes one relay alone (`loneRelay`: a relay itself, a browser the page's relay) and says so.
// Truth learned locally (the own daemon's proposal check, the own chain) moves local reputation once per
// attester and claim; a relay proved wrong down to 0 is not believed here (tally.ts).
import { bytesToHex } from '../primitives/bytes'
import type { TemplateAnnouncement } from '../sharechain/template'
import type { Attestation, AttestationBody, Claim, SubjectKind } from './attestation'
import { verifyAttestation } from './attestation'
import { relayKeyHex } from './binding'
import { committeeSeed, selectCommittee } from './committee'
import { DEFAULT_COMMITTEE_SIZE, MIN_COMMITTEE_SIZE } from './constants'
import { Reputation } from './reputation'
import { tallyVotes, type TallyVote } from './tally'
import type { TrustLevel } from './trust'
import type { RelayWeights } from './weights'
import { BoundedMap, ListenerSet } from '../util'

/** Subjects tallied at once (count); the least recently touched is forgotten first. */
export const MAX_FOLLOWED_SUBJECTS = 1024
/** Confirmed results remembered after their tally is forgotten (count, LRU). */
export const MAX_CONFIRMED_RESULTS = 4096
/** Attesters remembered per subject (count): members always fit, non-members (kept in case the
 *  weights move and they join the committee) only while there is room. */
export const MAX_VOTES_PER_SUBJECT = 128

/** What a locally known truth says of one claim: proved right, proved wrong, or not (yet) decidable. */
export type Judgement = 'right' | 'wrong' | undefined
export type Judge = (claim: Claim) => Judgement

export interface VoteView {
  attesterId: Uint8Array
  /** The attester's relay key (hex): what its weight is bound to. */
  relayKey: string
  claim: Claim
  /** Unix seconds of the attestation. */
  time: number
  /** The attester's work in the window (its vote's weight). */
  weight: bigint
  /** Local reputation (0: proved wrong here, not believed). */
  reputation: number
  /** On the subject's committee (only members count). */
  member: boolean
}

export interface CommitteeMember {
  relayKey: string
  weight: bigint
  /** Peer id bytes, once the member attested this subject (a key alone does not say its peer id). */
  peerId?: Uint8Array
}

export interface SubjectStatus {
  kind: SubjectKind
  id: Uint8Array
  idHex: string
  /** Empty for a template whose announcement (hence its seed) is not known yet. */
  committee: CommitteeMember[]
  votes: VoteView[]
  /** Committee weight in total and agreeing per claim (members only, believed attesters only). */
  totalWeight: bigint
  weightByClaim: Partial<Record<Claim, bigint>>
  attestersByClaim: Partial<Record<Claim, number>>
  /** The claim the quorum confirms, if any. */
  confirmed?: Claim
  /** How this peer decides now: by the quorum, by one relay alone (no quorum possible), or waiting. */
  trust: TrustLevel
  /** What this peer believes: the confirmed claim, or under 'relay-alone' that relay's word. */
  claim?: Claim
  /** The relay trusted alone (peer id bytes) under 'relay-alone'. */
  loneRelay?: Uint8Array
  /** Distinct agreeing weighted relays a confirmation needs. */
  minAttesters: number
  announcement?: TemplateAnnouncement
  publisherId?: Uint8Array
}

export interface QuorumFollowerInit {
  /** The weighted roster now (weights.ts, from this peer's own share chain). */
  weights: () => RelayWeights
  reputation?: Reputation
  /** k: committee size (default 7, at least 3). */
  committeeSize?: number
  /** Distinct agreeing weighted relays a confirmation needs (default and least 3). */
  minAttesters?: number
  /** Attesters whose reputation is never moved (ourselves: our word is not evidence about us). */
  isSelf?: (attesterIdHex: string) => boolean
  /** Peer id bytes of the relay believed alone where no quorum can exist. */
  loneRelay?: Uint8Array
}

export type AttestationOutcome = 'counted' | 'not-member' | 'stale' | 'full'

interface Vote {
  attesterId: Uint8Array
  attesterHex: string
  relayKey: string
  claim: Claim
  time: number
}

interface Followed {
  kind: SubjectKind
  id: Uint8Array
  idHex: string
  /** Committee seed; undefined for a template until its announcement arrives. */
  seed?: Uint8Array
  committee: string[]
  members: Set<string>
  /** The seed's clock per key (committee.ts), kept across redraws. */
  clocks: Map<string, bigint>
  weightsVersion: string | undefined
  votes: Map<string, Vote>
  /** `${attester}/${claim}` already judged, so reputation moves once per attestation claim. */
  judged: Set<string>
  judge?: Judge
  confirmed?: Claim
  /** Last decision told to listeners: `${trust}/${claim}`. */
  told?: string
  announcement?: TemplateAnnouncement
  publisherId?: Uint8Array
}

/** Told when what a peer believes of a subject changes (claim or trust level). */
export type DecisionListener = (status: SubjectStatus) => void

export class QuorumFollower {
  readonly reputation: Reputation
  readonly committeeSize: number
  readonly minAttesters: number
  private readonly subjects = new BoundedMap<string, Followed>(MAX_FOLLOWED_SUBJECTS)
  private readonly results = new BoundedMap<string, { kind: SubjectKind; claim: Claim }>(MAX_CONFIRMED_RESULTS)
  private readonly listeners = new ListenerSet<Parameters<DecisionListener>>('quorum decision')
  private loneHex: string | undefined
  private loneRelay: Uint8Array | undefined

  constructor(private readonly init: QuorumFollowerInit) {
    this.reputation = init.reputation ?? new Reputation()
    this.committeeSize = init.committeeSize ?? DEFAULT_COMMITTEE_SIZE
    this.minAttesters = init.minAttesters ?? MIN_COMMITTEE_SIZE
    this.loneRelay = init.loneRelay
    this.loneHex = init.loneRelay === undefined ? undefined : bytesToHex(init.loneRelay)
    if (!Number.isInteger(this.committeeSize) || this.committeeSize < MIN_COMMITTEE_SIZE) {
      throw new RangeError(`committee size must be an integer >= ${MIN_COMMITTEE_SIZE}, got ${this.committeeSize}`)
    }
    if (
      !Number.isInteger(this.minAttesters) ||
      this.minAttesters < MIN_COMMITTEE_SIZE ||
      this.minAttesters > this.committeeSize
    ) {
      throw new RangeError(
        `minAttesters must be an integer in ${MIN_COMMITTEE_SIZE}..${this.committeeSize} (the committee size), got ${this.minAttesters}`
      )
    }
  }

  /** Called when what this peer believes of a subject changes (a quorum confirms; a lone relay's word). */
  onDecided(listener: DecisionListener): () => void {
    return this.listeners.add(listener)
  }

  /** A verified signed template: its announcement seeds the committee; the signature is not a vote. */
  addTemplate(templateId: Uint8Array, publisherId: Uint8Array, announcement: TemplateAnnouncement): void {
    const s = this.subject('template', templateId)
    if (s.announcement === undefined) {
      s.announcement = announcement
      s.seed = committeeSeed('template', announcement.prevHash)
      s.weightsVersion = undefined
    }
    s.publisherId ??= publisherId
    this.evaluate(s)
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

  /** Re-decides the `limit` most recently touched subjects (call when the weights moved: a new tip). */
  /**
   * The relay believed alone where no quorum can exist is now `relayId` (a browser whose page's relay
   * died moves on to a relay it is still linked to); the newest subjects are re-decided under it. A
   * quorum, where one can exist, still decides alone.
   */
  setLoneRelay(relayId: Uint8Array | undefined, limit = MAX_FOLLOWED_SUBJECTS): void {
    this.loneRelay = relayId
    this.loneHex = relayId === undefined ? undefined : bytesToHex(relayId)
    this.reevaluate(limit)
  }

  /** The relay believed alone where no quorum can exist (peer id bytes). */
  get loneRelayId(): Uint8Array | undefined {
    return this.loneRelay
  }

  reevaluate(limit = MAX_FOLLOWED_SUBJECTS): void {
    const recent = [...this.subjects.values()].slice(-limit)
    for (const s of recent) this.evaluate(s)
  }

  /** The tally of a subject now; undefined when it is not followed. */
  status(id: Uint8Array | string): SubjectStatus | undefined {
    const idHex = typeof id === 'string' ? id : bytesToHex(id)
    const s = this.subjects.get(idHex)
    return s === undefined ? undefined : this.evaluate(s)
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

  /** Whether `peerIdBytes` sits on the committee of `id` now (false while a template's seed is unknown). */
  isMember(kind: SubjectKind, id: Uint8Array, peerIdBytes: Uint8Array): boolean {
    const s = this.subject(kind, id)
    this.refreshCommittee(s)
    return s.members.has(relayKeyHex(peerIdBytes))
  }

  /** Weighted relays now (keys with work in the window): fewer than minAttesters means no quorum can exist. */
  weightedRelays(): number {
    return this.init.weights().byKey.size
  }

  /** Followed subjects by kind, confirmed or not (for gauges). */
  counts(): Record<SubjectKind, { confirmed: number; unconfirmed: number }> {
    const out = { template: { confirmed: 0, unconfirmed: 0 }, block: { confirmed: 0, unconfirmed: 0 } }
    for (const s of this.subjects.values())
      out[s.kind][this.evaluate(s).confirmed !== undefined ? 'confirmed' : 'unconfirmed']++
    return out
  }

  /** Followed subjects whose votes are not all judged yet (blocks waiting for the own chain). */
  unjudged(kind: SubjectKind, limit: number): Uint8Array[] {
    const out: Uint8Array[] = []
    for (const s of this.subjects.values()) {
      if (out.length >= limit) break
      if (s.kind === kind && [...s.votes.values()].some((v) => this.judgeable(s, v) && !s.judged.has(judgedKey(v))))
        out.push(s.id)
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
    s = {
      kind,
      id,
      idHex,
      committee: [],
      members: new Set(),
      clocks: new Map(),
      weightsVersion: undefined,
      votes: new Map(),
      judged: new Set(),
      // A block's hash is its seed: choosing it means redoing the block's PoW.
      ...(kind === 'block' ? { seed: committeeSeed('block', id) } : {})
    }
    this.subjects.set(idHex, s)
    return s
  }

  /** Redraws the committee when the weights moved and nothing is confirmed yet. */
  private refreshCommittee(s: Followed): RelayWeights {
    const weights = this.init.weights()
    if (s.seed === undefined || s.weightsVersion === weights.version || s.confirmed !== undefined) return weights
    s.weightsVersion = weights.version
    s.committee = selectCommittee(weights.byKey, s.seed, this.committeeSize, s.clocks)
    s.members = new Set(s.committee)
    return weights
  }

  private vote(s: Followed, attesterId: Uint8Array, claim: Claim, time: number): AttestationOutcome {
    this.refreshCommittee(s)
    const attesterHex = bytesToHex(attesterId)
    const prev = s.votes.get(attesterHex)
    if (prev !== undefined && prev.time >= time) return 'stale'
    const relayKey = relayKeyHex(attesterId)
    const member = s.members.has(relayKey)
    if (prev === undefined && s.votes.size >= MAX_VOTES_PER_SUBJECT) {
      if (!member) return 'full'
      const outsider = [...s.votes.values()].find((v) => !s.members.has(v.relayKey))
      if (outsider === undefined) return 'full'
      s.votes.delete(outsider.attesterHex)
    }
    const v: Vote = { attesterId, attesterHex, relayKey, claim, time }
    s.votes.set(attesterHex, v)
    this.judgeVote(s, v)
    this.evaluate(s)
    return member ? 'counted' : 'not-member'
  }

  private judgeVote(s: Followed, v: Vote): void {
    if (s.judge === undefined) return
    const key = judgedKey(v)
    if (s.judged.has(key) || !this.judgeable(s, v)) return
    const verdict = s.judge(v.claim)
    if (verdict === undefined) return
    s.judged.add(key)
    if (verdict === 'right') this.reputation.provedRight(v.attesterHex)
    else this.reputation.provedWrong(v.attesterHex)
  }

  /** Reputation moves for committee members only (the map stays bounded by the weighted relays), never for ourselves. */
  private judgeable(s: Followed, v: Vote): boolean {
    return s.members.has(v.relayKey) && this.init.isSelf?.(v.attesterHex) !== true
  }

  private evaluate(s: Followed): SubjectStatus {
    const weights = this.refreshCommittee(s)
    const weightOf = (key: string): bigint => weights.byKey.get(key) ?? 0n
    const votes: TallyVote[] = [...s.votes.values()].map((v) => ({
      relayKey: v.relayKey,
      claim: v.claim,
      time: v.time,
      believed: this.reputation.weightOf(v.attesterHex) > 0
    }))
    const tally = tallyVotes(s.committee, weightOf, votes, this.minAttesters)
    // Once confirmed, a subject stays confirmed unless the committee confirms another claim
    // (a block moving from accepted to confirmed or orphaned).
    if (tally.confirmed !== undefined && tally.confirmed !== s.confirmed) {
      s.confirmed = tally.confirmed
      this.remember(s.idHex, s.kind, tally.confirmed)
    }
    const possible = s.seed !== undefined && s.committee.length >= this.minAttesters
    let trust: TrustLevel = s.confirmed !== undefined ? 'quorum' : 'waiting'
    let claim: Claim | undefined = s.confirmed
    // No quorum can exist (the weighted roster is too small): one relay's word, said plainly.
    if (s.confirmed === undefined && s.seed !== undefined && !possible && this.loneHex !== undefined) {
      trust = 'relay-alone'
      claim = this.loneClaim(s)
    }
    const byKey = new Map<string, Vote>()
    for (const v of s.votes.values()) byKey.set(v.relayKey, v)
    const status: SubjectStatus = {
      kind: s.kind,
      id: s.id,
      idHex: s.idHex,
      committee: s.committee.map((key) => {
        const peerId = byKey.get(key)?.attesterId
        return { relayKey: key, weight: weightOf(key), ...(peerId !== undefined ? { peerId } : {}) }
      }),
      votes: [...s.votes.values()].map((v) => ({
        attesterId: v.attesterId,
        relayKey: v.relayKey,
        claim: v.claim,
        time: v.time,
        weight: weightOf(v.relayKey),
        reputation: this.reputation.weightOf(v.attesterHex),
        member: s.members.has(v.relayKey)
      })),
      totalWeight: tally.totalWeight,
      weightByClaim: Object.fromEntries([...tally.byClaim].map(([c, t]) => [c, t.weight])) as Partial<
        Record<Claim, bigint>
      >,
      attestersByClaim: Object.fromEntries([...tally.byClaim].map(([c, t]) => [c, t.attesters])) as Partial<
        Record<Claim, number>
      >,
      ...(s.confirmed !== undefined ? { confirmed: s.confirmed } : {}),
      trust,
      ...(claim !== undefined ? { claim } : {}),
      ...(trust === 'relay-alone' && this.loneRelay !== undefined ? { loneRelay: this.loneRelay } : {}),
      minAttesters: this.minAttesters,
      ...(s.announcement !== undefined ? { announcement: s.announcement } : {}),
      ...(s.publisherId !== undefined ? { publisherId: s.publisherId } : {})
    }
    const told = `${trust}/${claim ?? ''}`
    if (claim !== undefined && told !== s.told) {
      s.told = told
      this.listeners.emit(status)
    } else if (claim === undefined) s.told = undefined
    return status
  }

  /** The lone relay's word: its latest attestation, or for a template, that it published it. */
  private loneClaim(s: Followed): Claim | undefined {
    const own = this.loneHex === undefined ? undefined : s.votes.get(this.loneHex)
    if (own !== undefined) return own.claim
    if (s.kind === 'template' && s.publisherId !== undefined && bytesToHex(s.publisherId) === this.loneHex)
      return 'valid'
    return undefined
  }

  private remember(idHex: string, kind: SubjectKind, claim: Claim): void {
    this.results.delete(idHex)
    this.results.set(idHex, { kind, claim })
  }
}

function judgedKey(v: Vote): string {
  return `${v.attesterHex}/${v.claim}`
}
