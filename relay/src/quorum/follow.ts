import { createLogger } from '@otedama/shared/log'
import { ACCEPT, ignore, type Verdict } from '@otedama/shared/p2p'
import { bytesToHex } from '@otedama/shared/primitives'
import {
  QuorumFollower,
  checkAttestationMessage,
  checkSignedTemplateMessage,
  encodeAttestation,
  relayKeyHex,
  type Attestation,
  type BlockClaim,
  type Judge,
  type RelayWeights,
  type SubjectStatus
} from '@otedama/shared/quorum'
import type { BlockAttestationKind } from '../block/submitter'
import type { ChainPosition, TemplateSource } from '../template/types'
import type { QuorumDutiesObserver } from './duties'
import { RelayRoster } from './roster'
import { errorMessage, BoundedMap } from '@otedama/shared/util'

const log = createLogger('quorum/follow')

/** Signed templates kept by id (count, LRU): the API serves the current one with its attestations. */
export const MAX_SIGNED_TEMPLATES_KEPT = 256
/** Encoded attestations kept per template for the API (count); only committee members' are served. */
export const MAX_ATTESTATIONS_KEPT_PER_TEMPLATE = 64
/** Block subjects whose attestations wait for our own chain, re-judged per new tip (count). */
export const MAX_BLOCK_RECHECKS_PER_TIP = 32
/** Blocks whose state we attested as a committee member (count, oldest forgotten first). */
export const MAX_ATTESTED_BLOCKS = 1024
/** An 'orphaned' claim is proved wrong once the block is this deep in our own chain (blocks). */
export const ORPHAN_DISPROOF_CONFIRMATIONS = 6
/** A 'confirmed' claim is proved wrong when our chain shows the block this many blocks short of
 *  coinbase maturity (blocks): the attester's daemon may be a few blocks ahead of ours. */
export const CONFIRMED_SLACK_BLOCKS = 6

export interface RelayQuorumInit {
  selfId: Uint8Array
  networkTag: Uint8Array
  source: TemplateSource
  /** The weighted roster now, from our share chain's window (RelayWeightBook over the pool's chain). */
  weights: () => RelayWeights
  /** k (config optimization.validation.maxValidators). */
  committeeSize: number
  /** Agreeing members needed at least (config optimization.validation.minValidators). */
  minAttesters: number
  /** Confirmations after which a block is 'confirmed' (chain params). */
  coinbaseMaturity: number
  /** Signs and batches our own block attestation (the quorum duties). */
  attestBlock?: (blockHash: Uint8Array, kind: BlockAttestationKind) => void
}

interface KeptTemplate {
  signed: Uint8Array
  publisherId: Uint8Array
  /** Each attester's latest encoded attestation, by attester hex, with its relay key. */
  attestations: Map<string, { time: number; bytes: Uint8Array; relayKey: string }>
}

/**
 * What this relay believes about templates and blocks (sharechain/README.md, Quorums): the shared
 * QuorumFollower over the weights of our own share chain's window, fed with verified signed templates
 * and attestations from gossip and with our own word; the roster of relays known by peer id (kept by
 * weight); and the local truth that moves reputation: our daemon's proposal checks, blocks accepted on
 * a template, our own chain. Where no quorum can exist we trust ourselves alone, and say so (the API's
 * `trust`), in the words a browser on us uses.
 */
export class RelayQuorum {
  readonly roster: RelayRoster
  readonly follower: QuorumFollower
  private readonly templates = new BoundedMap<string, KeptTemplate>(MAX_SIGNED_TEMPLATES_KEPT)
  private readonly attestedBlocks = new BoundedMap<string, BlockAttestationKind>(MAX_ATTESTED_BLOCKS)
  private readonly selfHex: string
  private offTip: (() => void) | undefined

  constructor(private readonly init: RelayQuorumInit) {
    this.selfHex = bytesToHex(init.selfId)
    this.roster = new RelayRoster(init.selfId, init.weights)
    this.follower = new QuorumFollower({
      weights: init.weights,
      committeeSize: init.committeeSize,
      minAttesters: init.minAttesters,
      isSelf: (hex) => hex === this.selfHex,
      loneRelay: init.selfId
    })
  }

  /** Re-judges block attestations against our chain on each new tip. */
  start(): void {
    this.offTip ??= this.init.source.onTemplate((_t, newTip) => {
      if (!newTip) return
      for (const id of this.follower.unjudged('block', MAX_BLOCK_RECHECKS_PER_TIP)) void this.judgeBlock(id)
    })
  }

  stop(): void {
    this.offTip?.()
    this.offTip = undefined
  }

  /** What our duties do, counted as our own word (gossip never echoes our messages to us). */
  observer(): QuorumDutiesObserver {
    return {
      published: (bytes) => {
        void this.takeSignedTemplate(bytes).then((v) => {
          if (v.kind !== 'accept') log.warn(`own template not taken: ${v.kind}`)
        })
      },
      attested: (a) => {
        this.count(this.init.selfId, a)
      },
      // Our daemon's proposal check is the truth we can know about a template.
      checked: (templateId, claim) => {
        this.follower.proveClaim('template', templateId, claim)
      }
    }
  }

  /** Template-topic validator: a verified signed template of our network; its publisher is heard (roster). */
  async takeSignedTemplate(bytes: Uint8Array): Promise<Verdict> {
    const message = await checkSignedTemplateMessage(bytes, this.init.networkTag)
    if (!message.ok) return message.verdict
    const { check } = message
    const own = bytesToHex(check.publisherId) === this.selfHex
    this.roster.add(check.publisherId)
    this.follower.addTemplate(check.templateId, check.publisherId, check.template)
    this.keep(bytesToHex(check.templateId), bytes, check.publisherId, own)
    // Our own templates come from our own source: valid by our daemon's word.
    if (own) this.follower.proveClaim('template', check.templateId, 'valid')
    return ACCEPT
  }

  /** Attest-topic validator, one item of a batch. Verified attestations are forwarded even when the
   *  attester is not on the committee by our roster: another relay's roster may differ. */
  async takeAttestation(bytes: Uint8Array): Promise<Verdict> {
    const message = await checkAttestationMessage(bytes, this.init.networkTag)
    if (!message.ok) return message.verdict
    const { attestation: a, attesterId } = message
    this.roster.add(attesterId)
    const outcome = this.count(attesterId, a, bytes)
    if (outcome === 'stale' || outcome === 'full') return ignore(outcome)
    return ACCEPT
  }

  /** A block found on `templateId` was accepted by our daemon: the template was valid. */
  blockAccepted(templateId: Uint8Array): void {
    this.follower.proveClaim('template', templateId, 'valid')
  }

  templateStatus(
    templateIdHex: string
  ): (SubjectStatus & { signed?: Uint8Array; publisherId?: Uint8Array; attestations: Uint8Array[] }) | undefined {
    const status = this.follower.status(templateIdHex)
    if (status === undefined) return undefined
    const kept = this.templates.get(templateIdHex)
    const members = new Set(status.committee.map((m) => m.relayKey))
    return {
      ...status,
      ...(kept !== undefined ? { signed: kept.signed, publisherId: kept.publisherId } : {}),
      attestations:
        kept === undefined
          ? []
          : [...kept.attestations.values()].filter((a) => members.has(a.relayKey)).map((a) => a.bytes)
    }
  }

  blockStatus(blockHashHex: string): SubjectStatus | undefined {
    return this.follower.status(blockHashHex)
  }

  private count(
    attesterId: Uint8Array,
    a: Attestation,
    bytes?: Uint8Array
  ): ReturnType<QuorumFollower['addAttestation']> {
    const outcome = this.follower.addAttestation(attesterId, a)
    const idHex = bytesToHex(a.subjectId)
    // Kept for non-members too (the committee is redrawn when the weights move): a browser fetching the
    // work gets one signed template and needs the members' attestations.
    const kept = a.subjectKind === 'template' ? this.templates.get(idHex) : undefined
    const attester = bytesToHex(attesterId)
    const previous = kept?.attestations.get(attester)
    if (
      kept !== undefined &&
      outcome !== 'full' &&
      (previous === undefined ? kept.attestations.size < MAX_ATTESTATIONS_KEPT_PER_TEMPLATE : previous.time < a.time)
    ) {
      kept.attestations.set(attester, {
        time: a.time,
        bytes: bytes ?? encodeAttestation(a),
        relayKey: relayKeyHex(attesterId)
      })
    }
    if (a.subjectKind === 'block' && bytesToHex(attesterId) === this.selfHex)
      this.markAttested(idHex, a.claim as BlockClaim)
    if (a.subjectKind === 'block' && outcome !== 'stale') void this.judgeBlock(a.subjectId)
    return outcome
  }

  /** Relays on one tip may announce the very same template (devnet always can): we serve our own signature when we made one. */
  private keep(idHex: string, signed: Uint8Array, publisherId: Uint8Array, own: boolean): void {
    const kept = this.templates.get(idHex)
    if (kept !== undefined) {
      if (own) Object.assign(kept, { signed, publisherId })
      return
    }
    this.templates.set(idHex, { signed, publisherId, attestations: new Map() })
  }

  /**
   * Our own chain is the truth about a block: judge its attestations, and, as a committee member,
   * attest what our chain shows (once per state).
   */
  private async judgeBlock(blockHash: Uint8Array): Promise<void> {
    let position: ChainPosition
    try {
      position = await this.init.source.chainPosition(blockHash)
    } catch (err) {
      log.debug(`chain position of ${bytesToHex(blockHash).slice(0, 16)}: ${errorMessage(err)}`)
      return
    }
    this.follower.prove('block', blockHash, blockJudge(position, this.init.coinbaseMaturity))
    const state = ourBlockClaim(position, this.init.coinbaseMaturity)
    if (state === undefined || this.init.attestBlock === undefined) return
    const key = bytesToHex(blockHash)
    if (this.attestedBlocks.get(key) === state) return
    if (!this.follower.isMember('block', blockHash, this.init.selfId)) return
    this.markAttested(key, state)
    this.init.attestBlock(blockHash, state)
  }

  private markAttested(blockHashHex: string, state: BlockAttestationKind): void {
    this.attestedBlocks.delete(blockHashHex)
    this.attestedBlocks.set(blockHashHex, state)
  }
}

/** What our chain says of a block's claims. Unknown blocks prove nothing (our daemon may lag). */
export function blockJudge(position: ChainPosition, coinbaseMaturity: number): Judge {
  return (claim) => {
    if (position.state === 'unknown') return undefined
    if (position.state === 'orphaned') {
      if (claim === 'orphaned') return 'right'
      if (claim === 'confirmed') return 'wrong'
      return undefined // it may well have been accepted before the reorg
    }
    const c = position.confirmations
    if (claim === 'accepted') return 'right'
    if (claim === 'confirmed')
      return c >= coinbaseMaturity ? 'right' : c + CONFIRMED_SLACK_BLOCKS < coinbaseMaturity ? 'wrong' : undefined
    if (claim === 'orphaned') return c >= ORPHAN_DISPROOF_CONFIRMATIONS ? 'wrong' : undefined
    return undefined
  }
}

/** The claim our own chain supports now, if any. */
export function ourBlockClaim(position: ChainPosition, coinbaseMaturity: number): BlockClaim | undefined {
  if (position.state === 'unknown') return undefined
  if (position.state === 'orphaned') return 'orphaned'
  return position.confirmations >= coinbaseMaturity ? 'confirmed' : 'accepted'
}
