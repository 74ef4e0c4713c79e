import type { PrivateKey } from '@libp2p/interface'
import { createLogger } from '@otedama/shared/log'
import { bytesToHex, equalBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { encodeTemplateAnnouncement } from '@otedama/shared/sharechain'
import {
  committeeSeed,
  decodeSignedTemplate,
  encodeAttestation,
  encodeSignedTemplate,
  relayKeyHex,
  selectCommittee,
  signAttestation,
  signTemplate,
  verifySignedTemplate,
  DEFAULT_COMMITTEE_SIZE,
  type Attestation,
  type BlockClaim,
  type RelayWeights,
  type TemplateClaim
} from '@otedama/shared/quorum'
import type { TemplateAnnouncement } from '@otedama/shared/sharechain'
import type { BlockAttestationKind, BlockAttestor } from '../block/submitter'
import type { TemplateSource } from '../template/types'
import type { TemplateBook } from '../work/template-book'
import { announce } from '../work/template-book'
import { decodeFullTemplate, encodeFullTemplate, proposalBlock } from './full-template'
import { errorMessage, BoundedMap } from '@otedama/shared/util'

const log = createLogger('quorum')

/** Attestations waiting for a batch, at most (count); older ones are flushed first. */
export const MAX_PENDING_ATTESTATIONS = 1024
/** Template checks run at once (count): each is one fetch plus one proposal call to the daemon. */
export const MAX_CONCURRENT_CHECKS = 4
/** Template ids remembered as checked, so none is checked twice (count). */
export const MAX_CHECKED_TEMPLATES = 4096
/** Signed templates on a block our source has not reached yet, kept to check once it has (count). */
export const MAX_TEMPLATES_AWAITING_TIP = 64

/** What the network carries for the quorum (E's RelayNode provides all of it). */
export interface QuorumTransport {
  publishTemplate: (signedTemplate: Uint8Array) => unknown
  publishHeader: (header80: Uint8Array) => unknown
  publishAttestations: (items: readonly Uint8Array[]) => void
  /** Fetches the full template `templateId` from the relay `publisherId` (peer id bytes). */
  fetchTemplate: (publisherId: Uint8Array, templateId: Uint8Array) => Promise<Uint8Array>
}

export interface QuorumDutiesInit {
  key: PrivateKey
  /** Our peer id bytes (our relay key, sha256 of them, is what committees draw). */
  selfId: Uint8Array
  networkTag: Uint8Array
  source: TemplateSource
  book: TemplateBook
  transport: QuorumTransport
  /** The weighted roster now (relay keys with work in our share chain's window): committees are drawn from it. */
  weights: () => RelayWeights
  committeeSize?: number
  /** Batching of attestations (config optimization.sharePropagation). */
  batchSize: number
  batchIntervalMs: number
  /** Unix seconds. */
  now?: () => number
  /** Told what the duties did, so the relay's quorum follower counts our own word (gossip does not echo it). */
  observer?: QuorumDutiesObserver
}

export interface QuorumDutiesObserver {
  /** We published a signed template (our own, built by our source). */
  published?: (signedTemplate: Uint8Array) => void
  /** We signed an attestation (it leaves in the next batch). */
  attested?: (attestation: Attestation) => void
  /** Our daemon's proposal check decided a template (the truth about it, as far as we can know). */
  checked?: (templateId: Uint8Array, claim: TemplateClaim) => void
}

/**
 * A relay's duties in the quorums (sharechain/README.md, Quorums): publish its templates (signed) and
 * block headers; on a template's committee (drawn by weight, seeded by the template's prev block), fetch
 * it, check it with the own daemon's proposal mode, attest, and keep it for block submission; attest
 * its own template when on its committee (a signature is not a vote); attest its blocks accepted,
 * orphaned, confirmed.
 */
export class QuorumDuties implements BlockAttestor {
  private readonly pending: Attestation[] = []
  private readonly checked = new BoundedMap<string, TemplateClaim | 'skipped'>(MAX_CHECKED_TEMPLATES)
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private running = 0
  /** Template ids being checked now: relays on one tip may announce the same template. */
  private readonly inFlight = new Set<string>()
  /** Signed templates whose prev block our source does not have as its tip yet, by template id hex. */
  private readonly awaitingTip = new BoundedMap<string, { prevHashHex: string; bytes: Uint8Array }>(
    MAX_TEMPLATES_AWAITING_TIP
  )
  private lastSigned: { templateId: Uint8Array; bytes: Uint8Array } | undefined
  private offs: Array<() => void> = []
  private readonly now: () => number
  private readonly selfKey: string

  constructor(private readonly init: QuorumDutiesInit) {
    this.now = init.now ?? (() => Math.floor(Date.now() / 1000))
    this.selfKey = relayKeyHex(init.selfId)
  }

  /** Whether we sit on the committee of a template on `template.prevHash`, by the weights now. */
  onCommittee(template: Pick<TemplateAnnouncement, 'prevHash'>): boolean {
    const committee = selectCommittee(
      this.init.weights().byKey,
      committeeSeed('template', template.prevHash),
      this.init.committeeSize ?? DEFAULT_COMMITTEE_SIZE
    )
    return committee.includes(this.selfKey)
  }

  /** Publishes each own template announcement, signed (the current one at once). */
  start(): void {
    this.offs.push(
      this.init.book.onAnnouncement((entry) => {
        if (this.init.source.current() !== entry.template) return // committee templates are not ours to announce
        void this.publishTemplate(entry.announcement).catch((err: unknown) =>
          log.warn(`publish template: ${errorMessage(err)}`)
        )
      })
    )
    // A template that arrived before our source reached its prev block is checked once it has.
    this.offs.push(
      this.init.source.onTemplate((template, newTip) => {
        if (newTip) this.retryAwaiting(bytesToHex(template.prevHash))
      })
    )
    const latest = this.init.book.latest()
    if (latest !== undefined && latest.template === this.init.source.current()) {
      void this.publishTemplate(latest.announcement).catch((err: unknown) =>
        log.warn(`publish template: ${errorMessage(err)}`)
      )
    }
  }

  /** Our current template's signed announcement as last published (served to joining browsers). */
  currentSigned(): { templateId: Uint8Array; bytes: Uint8Array } | undefined {
    return this.lastSigned
  }

  async stop(): Promise<void> {
    for (const off of this.offs) off()
    this.offs = []
    this.flush()
  }

  /** Serves our full templates to committee members (the template protocol's source). */
  async fullTemplate(templateId: Uint8Array): Promise<Uint8Array | undefined> {
    const t = await this.init.book.template(bytesToHex(templateId))
    return t === undefined ? undefined : encodeFullTemplate(t)
  }

  publishHeader(header80: Uint8Array): void {
    this.init.transport.publishHeader(header80)
  }

  /** BlockAttestor: signed and batched. */
  attestBlock(blockHash: Uint8Array, _height: number, kind: BlockAttestationKind): void {
    void this.attest('block', kind, blockHash)
  }

  /**
   * A signed template from the network (its signature already checked by the topic validator, or
   * checked here). When we are on its committee: fetch, check in proposal mode, attest, keep.
   */
  async onSignedTemplate(bytes: Uint8Array): Promise<TemplateClaim | 'skipped' | 'not-member'> {
    const signed = decodeSignedTemplate(bytes)
    const check = await verifySignedTemplate(signed, this.init.networkTag)
    if (!check.ok) return 'skipped'
    const key = bytesToHex(check.templateId)
    const done = this.checked.get(key)
    if (done !== undefined) return done
    if (!this.onCommittee(check.template)) return 'not-member'
    if (equalBytes(check.publisherId, this.init.selfId)) return 'skipped' // our own: the daemon built it
    if (this.running >= MAX_CONCURRENT_CHECKS || this.inFlight.has(key)) return 'skipped'
    this.running++
    this.inFlight.add(key)
    try {
      const claim = await this.checkTemplate(check.publisherId, check.templateId, signed.announcement)
      if (claim === 'awaiting-tip') {
        this.awaitingTip.set(key, { prevHashHex: bytesToHex(check.template.prevHash), bytes })
        return 'skipped'
      }
      this.remember(key, claim)
      if (claim !== 'skipped') {
        this.init.observer?.checked?.(check.templateId, claim)
        await this.attest('template', claim, check.templateId)
      }
      return claim
    } finally {
      this.inFlight.delete(key)
      this.running--
    }
  }

  private async checkTemplate(
    publisherId: Uint8Array,
    templateId: Uint8Array,
    announcementBytes: Uint8Array
  ): Promise<TemplateClaim | 'skipped' | 'awaiting-tip'> {
    let fetched: Uint8Array
    try {
      fetched = await this.init.transport.fetchTemplate(publisherId, templateId)
    } catch (err) {
      // Unreachable or unwilling publisher: nothing proves the template wrong, and nobody can confirm it.
      log.info(`template ${bytesToHex(templateId).slice(0, 16)}: fetch failed, no opinion: ${errorMessage(err)}`)
      return 'skipped'
    }
    let full
    try {
      full = decodeFullTemplate(fetched, this.init.source.network)
    } catch (err) {
      log.info(
        `template ${bytesToHex(templateId).slice(0, 16)}: publisher sent a malformed template: ${errorMessage(err)}`
      )
      return 'invalid'
    }
    // The full template must be exactly what was announced (same id), else the publisher lied.
    if (!equalBytes(encodeTemplateAnnouncement(announce(full, this.init.networkTag)), announcementBytes))
      return 'invalid'
    const tip = await this.init.source.bestBlockHash().catch(() => undefined)
    if (tip === undefined) return 'skipped'
    // Our source is elsewhere: no opinion now; checked again when it reaches the template's prev block.
    if (!equalBytes(tip, full.prevHash)) return 'awaiting-tip'
    const verdict = await this.init.source.checkProposal(proposalBlock(full))
    if (!verdict.valid) {
      log.info(`template ${bytesToHex(templateId).slice(0, 16)} fails proposal mode: ${verdict.reason}`)
      return 'invalid'
    }
    await this.init.book.add(full) // committee members keep it, so a block found on it can be submitted here
    return 'valid'
  }

  private async publishTemplate(announcement: Parameters<typeof signTemplate>[0]): Promise<void> {
    const signed = await signTemplate(announcement, this.init.key)
    const bytes = encodeSignedTemplate(signed)
    const templateId = sha256d(signed.announcement)
    this.lastSigned = { templateId, bytes }
    this.init.observer?.published?.(bytes)
    this.init.transport.publishTemplate(bytes)
    // Our daemon built it: on its committee, our vote is an attestation like every member's.
    if (this.onCommittee(announcement)) await this.attest('template', 'valid', templateId)
  }

  private retryAwaiting(prevHashHex: string): void {
    for (const [id, waiting] of this.awaitingTip) {
      if (waiting.prevHashHex !== prevHashHex) continue
      this.awaitingTip.delete(id)
      void this.onSignedTemplate(waiting.bytes).catch((err: unknown) =>
        log.warn(`template check: ${errorMessage(err)}`)
      )
    }
  }

  private async attest(
    subjectKind: 'template' | 'block',
    claim: TemplateClaim | BlockClaim,
    subjectId: Uint8Array
  ): Promise<void> {
    const a = await signAttestation(
      { networkTag: this.init.networkTag, subjectKind, claim, subjectId, time: this.now() },
      this.init.key
    )
    this.init.observer?.attested?.(a)
    this.pending.push(a)
    if (this.pending.length > MAX_PENDING_ATTESTATIONS) this.pending.shift()
    if (this.pending.length >= this.init.batchSize) this.flush()
    else this.flushTimer ??= setTimeout(() => this.flush(), this.init.batchIntervalMs)
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.init.batchSize)
      this.init.transport.publishAttestations(batch.map(encodeAttestation))
    }
  }

  private remember(key: string, claim: TemplateClaim | 'skipped'): void {
    this.checked.set(key, claim)
  }
}
