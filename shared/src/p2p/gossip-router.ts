// The gossip policy both node kinds run (relay and browser): per-topic size bound, then the topic's
// validator, its verdict mapped onto gossipsub's accept/reject/ignore (reject feeds peer scoring),
// delivery of accepted messages to handlers, batching of attestations, and a watch on peer scores that
// reports peers sinking below the graylist threshold so the node can disconnect them. Before all of that,
// a per-peer rate bound (flood-guard.ts, priced per 4 KiB so big messages cost more) ignores a flooding
// peer's excess without hashing it and reports the peer once its excess keeps growing; a message over its
// topic's size limit is rejected at once (a score penalty for its sender) without being queued; the rest
// wait in their sender's queue and are validated round-robin across peers (fair-queue.ts).
// Works on the structural part of @libp2p/gossipsub 17 it needs, so shared/ imports no libp2p code.
import { createLogger } from '../log'
import { decodeBatch, encodeBatch } from './batch-codec'
import { Batcher, type BatcherOptions } from './batcher'
import { FairValidationQueue } from './fair-queue'
import {
  createFloodGuardParams,
  messageCost,
  OVERSIZED_FRAME_EXCESS,
  PeerFloodGuard,
  type FloodGuardParams
} from './flood-guard'
import { MAX_DISCOVERY_MESSAGE_BYTES } from './gossip-options'
import { MAX_MESSAGE_BYTES_BY_TOPIC } from './limits'
import { clearRepeating, setRepeating, type TimerHandle } from './runtime'
import type { NetworkTopics, PublishableTopicKind, ValidatedTopicKind } from './protocol'
import { VALIDATED_TOPIC_KINDS } from './protocol'
import { ignore, reject, verdictFetch, verdictKind, verdictReason, type Verdict, type VerdictKind } from './verdict'
import { errorMessage } from '../util'

const log = createLogger('p2p:gossip')

/** How often (ms) peer scores are compared with the graylist threshold. */
export const SCORE_WATCH_INTERVAL_MS = 1000

export interface PeerLike {
  toString(): string
}

/** gossipsub's TopicValidatorResult values. */
export type GossipResult = 'accept' | 'reject' | 'ignore'

/** The subset of @libp2p/gossipsub's GossipSub the router drives. */
export interface PubSubLike<P extends PeerLike = PeerLike> {
  topicValidators: Map<
    string,
    (peer: P, message: { topic: string; data: Uint8Array }) => GossipResult | Promise<GossipResult>
  >
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  publish(topic: string, data: Uint8Array): Promise<{ recipients: unknown[] }>
  getPeers(): P[]
  getScore(peerId: string): number
}

/** Validates one message (for `attest`: one attestation out of a batch). Must not throw for bad input. */
export type MessageValidator<P extends PeerLike = PeerLike> = (bytes: Uint8Array, from: P) => Verdict | Promise<Verdict>
export type MessageHandler<P extends PeerLike = PeerLike> = (bytes: Uint8Array, from: P) => void

export interface TopicCounters {
  received: number
  accepted: number
  rejected: number
  ignored: number
  oversize: number
  /** Ignored unvalidated: the sender was over its gossip rate (flood-guard.ts). */
  overRate: number
  /** Ignored unvalidated: the sender already had VALIDATION_QUEUE_PER_PEER messages waiting. */
  queueFull: number
  validatorErrors: number
  published: number
}

export type GossipMetrics = Record<ValidatedTopicKind, TopicCounters>

export interface GossipRouterOptions<P extends PeerLike> {
  pubsub: PubSubLike<P>
  topics: NetworkTopics
  /** Topics without a validator are not subscribed (a browser may not care about headers, say). */
  validators: Partial<Record<ValidatedTopicKind, MessageValidator<P>>>
  graylistThreshold: number
  /** Called once when a connected peer's score falls below the graylist threshold. */
  onGraylisted?: (peer: P, score: number) => void
  /**
   * A validator's verdict named a missing item to fetch (a share's parent or uncle; a devnet block's
   * parent), with the message that needs it: it was ignored (not forwarded) and gossip will not bring it
   * again within the seen TTL, so a node that keeps no early messages validates it again once the fetch
   * is done.
   */
  onFetchNeeded?: (id: Uint8Array, from: P, kind: ValidatedTopicKind, message: Uint8Array) => void
  /** Called once when a peer floods past its gossip rate bound; the node disconnects and bans it. */
  onFlooder?: (peer: P) => void
  /** Per-peer gossip rate bound (defaults: limits.ts); `{ messagesPerSecond: Infinity }` turns it off. */
  floodGuard?: Partial<FloodGuardParams>
  batching?: BatcherOptions
}

export class GossipRouter<P extends PeerLike = PeerLike> {
  readonly metrics: GossipMetrics
  /** RPC frames over gossipsub's inbound size limit, any topic (never decoded). */
  oversizedFrames = 0
  private readonly handlers = new Map<ValidatedTopicKind, Set<MessageHandler<P>>>()
  private readonly attestBatcher: Batcher
  private readonly graylisted = new Set<string>()
  private readonly floodGuard: PeerFloodGuard
  private readonly floodParams: FloodGuardParams
  private readonly validationQueue = new FairValidationQueue<GossipResult>()
  private scoreWatch: TimerHandle | undefined

  constructor(private readonly options: GossipRouterOptions<P>) {
    this.metrics = Object.fromEntries(VALIDATED_TOPIC_KINDS.map((k) => [k, zeroCounters()])) as GossipMetrics
    this.floodParams = createFloodGuardParams(options.floodGuard)
    this.floodGuard = new PeerFloodGuard(this.floodParams)
    this.attestBatcher = new Batcher((items) => void this.publishNow('attest', encodeBatch(items)), options.batching)
  }

  start(): void {
    const { pubsub, topics, validators } = this.options
    for (const kind of VALIDATED_TOPIC_KINDS) {
      const validator = validators[kind]
      if (validator === undefined) continue
      pubsub.topicValidators.set(topics[kind], (peer, message) =>
        this.validateGossip(kind, validator, peer, message.data)
      )
      pubsub.subscribe(topics[kind])
    }
    // Peer-discovery announcements are libp2p's format; we only bound their size.
    pubsub.topicValidators.set(topics.discovery, (_peer, message) =>
      message.data.length <= MAX_DISCOVERY_MESSAGE_BYTES ? 'accept' : 'reject'
    )
    this.scoreWatch = setRepeating(() => this.watchScores(), SCORE_WATCH_INTERVAL_MS)
  }

  stop(): void {
    this.attestBatcher.close()
    clearRepeating(this.scoreWatch)
    this.scoreWatch = undefined
    this.options.pubsub.topicValidators.delete(this.options.topics.discovery)
    for (const kind of VALIDATED_TOPIC_KINDS) {
      if (this.options.validators[kind] === undefined) continue
      this.options.pubsub.topicValidators.delete(this.options.topics[kind])
    }
  }

  /** Registers a handler for accepted messages of a topic; returns its removal. */
  on(kind: ValidatedTopicKind, handler: MessageHandler<P>): () => void {
    let set = this.handlers.get(kind)
    if (set === undefined) this.handlers.set(kind, (set = new Set()))
    set.add(handler)
    return () => set.delete(handler)
  }

  /** Publishes now; resolves to how many peers it went to (0 is fine: gossip reaches them later). */
  async publish(kind: PublishableTopicKind, bytes: Uint8Array): Promise<number> {
    return this.publishNow(kind, bytes)
  }

  /** Queues attestations; they leave in one batch within the batching window. */
  publishAttestations(items: readonly Uint8Array[]): void {
    for (const item of items) this.attestBatcher.add(item)
  }

  /**
   * Runs a message that arrived outside gossip (a sync reply) through the same validator and handlers.
   * Not forwarded: synced shares are history, not news.
   */
  async ingest(kind: ValidatedTopicKind, bytes: Uint8Array, from: P): Promise<VerdictKind> {
    const validator = this.options.validators[kind]
    if (validator === undefined) return 'ignore'
    return this.validate(kind, validator, from, bytes)
  }

  /**
   * Judges a message that `from` sent outside gossip as if it had come over gossip from that peer (a
   * pushed share): the same rate bound, size limit, fair queue and validator, and the same handlers. The
   * full verdict comes back; scoring a reject and forwarding an accept are the caller's.
   */
  async admit(kind: PublishableTopicKind, bytes: Uint8Array, from: P): Promise<Verdict> {
    const validator = this.options.validators[kind]
    if (validator === undefined) return ignore('not-subscribed')
    let full: Verdict | undefined
    const result = await this.validateGossip(kind, validator, from, bytes, (v) => (full = v))
    if (full !== undefined && verdictKind(full) === result) return full
    return result === 'accept' ? { kind: 'accept' } : result === 'reject' ? reject('invalid') : ignore('ignored')
  }

  /** Flushes pending attestation batches now (shutdown, tests). */
  flush(): void {
    this.attestBatcher.flush()
  }

  private async publishNow(kind: ValidatedTopicKind, bytes: Uint8Array): Promise<number> {
    const limit = MAX_MESSAGE_BYTES_BY_TOPIC[kind]
    if (bytes.length > limit)
      throw new RangeError(`${kind} message of ${bytes.length} bytes above the ${limit}-byte limit`)
    this.metrics[kind].published++
    try {
      const result = await this.options.pubsub.publish(this.options.topics[kind], bytes)
      return result.recipients.length
    } catch (err) {
      log.warn(`publish on ${kind} failed: ${errorMessage(err)}`)
      return 0
    }
  }

  /**
   * An RPC frame from `peer` too large to decode (gossipsub dropped it): charged to the peer's flood
   * excess, so a peer that keeps sending them is reported as a flooder (disconnected, banned).
   */
  oversizedFrame(peer: P, bytes?: number): void {
    this.oversizedFrames++
    const decision = this.floodGuard.charge(peer.toString(), OVERSIZED_FRAME_EXCESS)
    if (decision === 'flooder') {
      log.warn(
        `peer ${peer.toString()} keeps sending gossip frames over the size limit${bytes !== undefined ? ` (last ${bytes} bytes)` : ''}: disconnecting`
      )
      this.options.onFlooder?.(peer)
    }
  }

  /** Forgets a departed peer's queued messages (they are ignored, not forwarded). */
  forgetPeer(peer: P): void {
    this.validationQueue.forget(peer.toString(), 'ignore')
    this.floodGuard.forget(peer.toString())
  }

  /** Messages waiting for validation, all peers together. */
  get queuedForValidation(): number {
    return this.validationQueue.waiting
  }

  /**
   * Gossip path, cheapest first: the sender's rate (O(1), priced by size, before any decoding or
   * hashing), the topic's size limit, then the sender's fair share of validation time.
   */
  private validateGossip(
    kind: ValidatedTopicKind,
    validator: MessageValidator<P>,
    peer: P,
    data: Uint8Array,
    report?: (verdict: Verdict) => void
  ): GossipResult | Promise<GossipResult> {
    const counters = this.metrics[kind]
    const decision = this.floodGuard.check(peer.toString(), messageCost(data.length))
    if (decision !== 'admit') {
      counters.received++
      counters.overRate++
      counters.ignored++
      if (decision === 'flooder') {
        log.warn(
          `peer ${peer.toString()} floods gossip (${kind}) past ${this.floodParams.messagesPerSecond} msg/s: disconnecting`
        )
        this.options.onFlooder?.(peer)
      }
      report?.(ignore('over-rate'))
      return 'ignore'
    }
    if (data.length > MAX_MESSAGE_BYTES_BY_TOPIC[kind]) {
      // Never sent by an honest node (publish refuses it): a reject, which costs the sender score.
      counters.received++
      counters.oversize++
      counters.rejected++
      report?.(reject('oversize'))
      return 'reject'
    }
    const queued = this.validationQueue.submit(peer.toString(), () =>
      this.validate(kind, validator, peer, data, report)
    )
    if (queued !== undefined) return queued
    counters.received++
    counters.queueFull++
    counters.ignored++
    report?.(ignore('queue-full'))
    return 'ignore'
  }

  private async validate(
    kind: ValidatedTopicKind,
    validator: MessageValidator<P>,
    peer: P,
    data: Uint8Array,
    report?: (verdict: Verdict) => void
  ): Promise<GossipResult> {
    const counters = this.metrics[kind]
    counters.received++
    if (data.length > MAX_MESSAGE_BYTES_BY_TOPIC[kind]) {
      counters.oversize++
      counters.rejected++
      return 'reject'
    }
    let verdict: VerdictKind
    let accepted: Uint8Array[] = [data]
    try {
      if (kind === 'attest') ({ verdict, accepted } = await this.validateBatch(validator, peer, data))
      else {
        const v = await validator(data, peer)
        verdict = verdictKind(v)
        report?.(v)
        if (verdict !== 'accept') log.debug(`${kind} from ${peer.toString()}: ${verdict} ${verdictReason(v)}`)
        const missing = verdictFetch(v)
        if (missing !== undefined) this.options.onFetchNeeded?.(missing, peer, kind, data)
      }
    } catch (err) {
      // A throwing validator is our bug, not the sender's: no penalty, no forwarding.
      counters.validatorErrors++
      counters.ignored++
      log.error(`${kind} validator threw: ${errorMessage(err)}`)
      return 'ignore'
    }
    if (verdict === 'accept') {
      counters.accepted++
      for (const item of accepted) this.deliver(kind, item, peer)
    } else if (verdict === 'reject') counters.rejected++
    else counters.ignored++
    return verdict
  }

  /**
   * A batch is rejected when any attestation in it is invalid (honest nodes forward only batches they
   * accepted, so an invalid item proves its sender bad), accepted when at least one is new and valid.
   */
  private async validateBatch(
    validator: MessageValidator<P>,
    peer: P,
    data: Uint8Array
  ): Promise<{ verdict: VerdictKind; accepted: Uint8Array[] }> {
    let items: Uint8Array[]
    try {
      items = decodeBatch(data)
    } catch {
      return { verdict: 'reject', accepted: [] }
    }
    const accepted: Uint8Array[] = []
    for (const item of items) {
      const kind = verdictKind(await validator(item, peer))
      if (kind === 'reject') return { verdict: 'reject', accepted: [] }
      if (kind === 'accept') accepted.push(item)
    }
    return { verdict: accepted.length > 0 ? 'accept' : 'ignore', accepted }
  }

  private deliver(kind: ValidatedTopicKind, bytes: Uint8Array, from: P): void {
    const set = this.handlers.get(kind)
    if (set === undefined) return
    for (const handler of set) {
      try {
        handler(bytes, from)
      } catch (err) {
        log.error(`${kind} handler threw: ${errorMessage(err)}`)
      }
    }
  }

  private watchScores(): void {
    const { pubsub, graylistThreshold, onGraylisted } = this.options
    for (const peer of pubsub.getPeers()) {
      const id = peer.toString()
      const score = pubsub.getScore(id)
      if (score < graylistThreshold) {
        if (this.graylisted.has(id)) continue
        this.graylisted.add(id)
        log.warn(`peer ${id} graylisted: score ${score.toFixed(1)} < ${graylistThreshold}`)
        onGraylisted?.(peer, score)
      } else this.graylisted.delete(id)
    }
  }
}

function zeroCounters(): TopicCounters {
  return {
    received: 0,
    accepted: 0,
    rejected: 0,
    ignored: 0,
    oversize: 0,
    overRate: 0,
    queueFull: 0,
    validatorErrors: 0,
    published: 0
  }
}
