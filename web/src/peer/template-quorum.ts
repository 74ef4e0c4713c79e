// Which templates and block statuses this tab believes (DESIGN.md, Validation in quorums): a template
// announcement counts once attestations holding more than 2/3 of its committee's reputation weight say
// it is valid; a block's status likewise. The committee is drawn from the relays this tab knows (the
// page's relay, and the user's list). The publisher's own signature over a template counts as its
// "valid" attestation when it sits on the committee — so with one devnet relay, that relay confirms.
import { createLogger } from '../../../shared/src/log'
import { bytesToHex } from '../../../shared/src/primitives/bytes'
import type { Verdict } from '../../../shared/src/p2p'
import {
  DEFAULT_COMMITTEE_SIZE,
  Reputation,
  Tally,
  checkAttestationMessage,
  checkSignedTemplateMessage,
  selectCommittee,
  type BlockClaim,
  type Claim
} from '../../../shared/src/quorum'
import type { TemplateAnnouncement } from '../../../shared/src/sharechain/template'

const log = createLogger('peer:quorum')

/** Subjects (templates, blocks) tallied at once; the oldest are forgotten first. */
export const MAX_TALLIED_SUBJECTS = 256

export interface ConfirmedTemplate {
  id: Uint8Array
  idHex: string
  announcement: TemplateAnnouncement
}

interface Subject {
  tally: Tally
  announcement?: TemplateAnnouncement
  id: Uint8Array
  settled?: Claim
}

const ACCEPT: Verdict = { kind: 'accept' }

export class TemplateQuorum {
  private readonly subjects = new Map<string, Subject>()
  private readonly confirmedListeners = new Set<(t: ConfirmedTemplate) => void>()
  private readonly blockListeners = new Set<(blockHashHex: string, claim: BlockClaim) => void>()

  constructor (
    private readonly networkTag: Uint8Array,
    /** Peer id bytes of the relays the committee is drawn from. */
    private readonly candidates: () => Uint8Array[],
    private readonly reputation = new Reputation(),
    private readonly committeeSize = DEFAULT_COMMITTEE_SIZE
  ) {}

  onConfirmed (listener: (t: ConfirmedTemplate) => void): () => void {
    this.confirmedListeners.add(listener)
    return () => this.confirmedListeners.delete(listener)
  }

  onBlockStatus (listener: (blockHashHex: string, claim: BlockClaim) => void): () => void {
    this.blockListeners.add(listener)
    return () => this.blockListeners.delete(listener)
  }

  /** Template-topic validator: a signed announcement of our network with a good signature. */
  async takeSignedTemplate (bytes: Uint8Array): Promise<Verdict> {
    const message = await checkSignedTemplateMessage(bytes, this.networkTag)
    if (!message.ok) return message.verdict
    const { check } = message
    const subject = this.subject(check.templateId)
    subject.announcement ??= check.template
    subject.tally.add(check.publisherId, 'valid', check.template.curtime)
    this.settle(subject)
    return ACCEPT
  }


  /** Attest-topic validator (one item of a batch): our network, a good signature. */
  async takeAttestation (bytes: Uint8Array): Promise<Verdict> {
    const message = await checkAttestationMessage(bytes, this.networkTag)
    if (!message.ok) return message.verdict
    const { attestation: a, attesterId } = message
    const subject = this.subject(a.subjectId)
    log.debug(`attestation ${a.subjectKind} ${bytesToHex(a.subjectId).slice(0, 16)} ${a.claim}`)
    if (!subject.tally.add(attesterId, a.claim, a.time)) return { kind: 'ignore', reason: 'not-on-committee' }
    this.settle(subject)
    return ACCEPT
  }


  private subject (id: Uint8Array): Subject {
    const key = bytesToHex(id)
    let s = this.subjects.get(key)
    if (s === undefined) {
      const committee = selectCommittee(this.candidates(), id, this.committeeSize)
      s = { tally: new Tally(committee, this.reputation), id }
      this.subjects.set(key, s)
      while (this.subjects.size > MAX_TALLIED_SUBJECTS) this.subjects.delete(this.subjects.keys().next().value as string)
    }
    return s
  }

  private settle (s: Subject): void {
    const claim = s.tally.confirmed()
    if (claim === undefined || claim === s.settled) return
    // A template confirmed before its announcement arrived is settled when the announcement comes.
    if (claim === 'valid' && s.announcement === undefined) return
    s.settled = claim
    const idHex = bytesToHex(s.id)
    if (claim === 'valid' && s.announcement !== undefined) {
      const confirmed = { id: s.id, idHex, announcement: s.announcement }
      for (const l of this.confirmedListeners) l(confirmed)
    } else if (claim === 'accepted' || claim === 'orphaned' || claim === 'confirmed') {
      for (const l of this.blockListeners) l(idHex, claim)
    }
  }
}
