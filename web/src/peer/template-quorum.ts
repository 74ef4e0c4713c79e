// Which templates and block statuses this tab believes (@otedama/shared src/sharechain/README.md, Quorums): the
// shared QuorumFollower, as relays run it, over the weights of this tab's own share chain. A template or
// a block status counts once members of its committee (relay keys with work in the window, drawn with a
// seed the publisher cannot choose) holding more than 2/3 of the committee's work, and at least the
// minimum of distinct weighted relays, attest it. Where no such quorum can exist (fewer weighted relays
// than the minimum: a lone devnet relay, a young network) the tab believes the page's relay alone, and
// `trust()` says so in the words the relay's API uses.
import { createLogger } from '@otedama/shared/log'
import { bytesToHex } from '@otedama/shared/primitives'
import type { Verdict } from '@otedama/shared/p2p'
import {
  QuorumFollower,
  checkAttestationMessage,
  checkSignedTemplateMessage,
  trustWords,
  type BlockClaim,
  type RelayWeights,
  type SubjectStatus,
  type TrustLevel,
  type TrustState
} from '@otedama/shared/quorum'
import type { TemplateAnnouncement } from '@otedama/shared/sharechain'
import { BoundedMap, ListenerSet } from '@otedama/shared/util'

const log = createLogger('peer:quorum')

/** Subjects re-decided when the weights move (a new share tip): the newest templates and blocks. */
export const REEVALUATED_SUBJECTS = 16

export interface ConfirmedTemplate {
  id: Uint8Array
  idHex: string
  announcement: TemplateAnnouncement
  /** Believed by the quorum, or by the page's relay alone (no quorum can exist). */
  trust?: TrustLevel
  /** Peer id bytes (hex) of the relay that signed the announcement: the work source. */
  publisherHex?: string
}

export interface TemplateQuorumInit {
  networkTag: Uint8Array
  /** The weighted roster (weights.ts over this tab's share chain). */
  weights: () => RelayWeights
  /** Peer id bytes of the relay believed alone where no quorum can exist (the page's relay). */
  loneRelay?: Uint8Array
}

const ACCEPT: Verdict = { kind: 'accept' }
/** Template publishers remembered (the newest templates; older ones are never switched to). */
const MAX_TEMPLATE_PUBLISHERS = 64

export class TemplateQuorum {
  readonly follower: QuorumFollower
  private readonly confirmedListeners = new ListenerSet<[t: ConfirmedTemplate]>('confirmed template')
  private readonly blockListeners = new ListenerSet<[blockHashHex: string, claim: BlockClaim, trust: TrustLevel]>(
    'block claim'
  )

  private loneHex: string | undefined
  /** Template id hex -> the relay that signed it (its work source), bounded. */
  private readonly publishers = new BoundedMap<string, string>(MAX_TEMPLATE_PUBLISHERS)

  constructor(private readonly init: TemplateQuorumInit) {
    this.loneHex = init.loneRelay === undefined ? undefined : bytesToHex(init.loneRelay)
    this.follower = new QuorumFollower({
      weights: init.weights,
      ...(init.loneRelay !== undefined ? { loneRelay: init.loneRelay } : {})
    })
    this.follower.onDecided((status) => this.decided(status))
  }

  /** A template became believed valid (by the quorum, or by the lone relay where none can exist). */
  onConfirmed(listener: (t: ConfirmedTemplate) => void): () => void {
    return this.confirmedListeners.add(listener)
  }

  onBlockStatus(listener: (blockHashHex: string, claim: BlockClaim, trust: TrustLevel) => void): () => void {
    return this.blockListeners.add(listener)
  }

  /** Template-topic validator: a signed announcement of our network with a good signature (not a vote). */
  async takeSignedTemplate(bytes: Uint8Array): Promise<Verdict> {
    const message = await checkSignedTemplateMessage(bytes, this.init.networkTag)
    if (!message.ok) return message.verdict
    const { check } = message
    this.publishers.set(bytesToHex(check.templateId), bytesToHex(check.publisherId))
    this.follower.addTemplate(check.templateId, check.publisherId, check.template)
    return ACCEPT
  }

  /** Attest-topic validator (one item of a batch): our network, a good signature. Attestations of
   *  keys off the committee are ignored (no penalty: another peer's weights may differ by a share), but
   *  the page's relay's are taken: where no quorum can exist its word is what the tab believes. */
  async takeAttestation(bytes: Uint8Array): Promise<Verdict> {
    const message = await checkAttestationMessage(bytes, this.init.networkTag)
    if (!message.ok) return message.verdict
    const { attestation: a, attesterId } = message
    log.debug(`attestation ${a.subjectKind} ${bytesToHex(a.subjectId).slice(0, 16)} ${a.claim}`)
    const outcome = this.follower.addAttestation(attesterId, a)
    if (outcome === 'counted' || (outcome === 'not-member' && this.loneHex === bytesToHex(attesterId))) return ACCEPT
    return { kind: 'ignore', reason: outcome === 'not-member' ? 'not-on-committee' : outcome }
  }

  /** Peer id bytes (hex) of the relay believed alone where no quorum can exist. */
  get loneRelayHex(): string | undefined {
    return this.loneHex
  }

  /**
   * Believe `relayId` alone from now on where no quorum can exist (the relay believed so far is gone):
   * its newest templates are decided at once and reach onConfirmed. Where a quorum can exist nothing changes.
   */
  believeAlone(relayId: Uint8Array): void {
    this.loneHex = bytesToHex(relayId)
    this.follower.setLoneRelay(relayId, REEVALUATED_SUBJECTS)
    // Its templates older than the newest subjects too (oldest first, so the newest is decided last).
    for (const [idHex, publisherHex] of this.publishers) if (publisherHex === this.loneHex) this.follower.status(idHex)
  }

  /** The weights moved (a new tip): committees of the newest subjects are redrawn and re-decided. */
  reevaluate(): void {
    this.follower.reevaluate(REEVALUATED_SUBJECTS)
  }

  /** How the template `idHex` is believed now, in the shared vocabulary. */
  trust(idHex: string | undefined): TrustState & { words: string } {
    const status = idHex === undefined ? undefined : this.follower.status(idHex)
    const weightedRelays = this.follower.weightedRelays()
    const minAttesters = this.follower.minAttesters
    const level: TrustLevel =
      status?.trust ?? (weightedRelays < minAttesters && this.loneHex !== undefined ? 'relay-alone' : 'waiting')
    const relay = level === 'relay-alone' ? (status?.loneRelay ?? this.follower.loneRelayId) : undefined
    const state: TrustState = { level, ...(relay !== undefined ? { relay } : {}), weightedRelays, minAttesters }
    return { ...state, words: trustWords(state) }
  }

  private decided(s: SubjectStatus): void {
    if (s.kind === 'template') {
      if (s.claim !== 'valid' || s.announcement === undefined) return
      const publisherHex = this.publishers.get(s.idHex)
      const confirmed: ConfirmedTemplate = {
        id: s.id,
        idHex: s.idHex,
        announcement: s.announcement,
        trust: s.trust,
        ...(publisherHex !== undefined ? { publisherHex } : {})
      }
      this.confirmedListeners.emit(confirmed)
    } else if (s.claim === 'accepted' || s.claim === 'orphaned' || s.claim === 'confirmed') {
      this.blockListeners.emit(s.idHex, s.claim, s.trust)
    }
  }
}
