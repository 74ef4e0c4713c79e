// Gossip peer scoring policy: every tunable in one object, with a default, a create and a validate
// (docs/design.md, Code style, after gossipsub's score/peer-score-params.ts). `toGossipsubScoring` turns it into the
// plain objects @libp2p/gossipsub 17 takes (`scoreParams`, `scoreThresholds`); no libp2p import here.
//
// How a bad peer is pushed out: every message it sends that a validator rejects adds 1 to its
// invalid-delivery counter on that topic; the penalty is weight x counter^2, so one honest mistake costs
// little and a stream of invalid shares sinks the score fast. With the defaults below on the share
// topic: 1 invalid -> -10 (at the gossip threshold), 2 -> -40 (publish threshold), 3 -> -90 (graylisted:
// all its RPCs are ignored, and the node closes its connection and refuses it for `banMs`). The counter
// decays by 1 %/s, so an honest peer that slipped once is back above zero within a minute, while a
// hostile one that keeps sending stays graylisted. Positive credit (first deliveries, time in mesh) is
// capped at `topicScoreCap` so a peer cannot bank goodwill to spend on invalid messages.
import type { ValidatedTopicKind } from './protocol'
import { VALIDATED_TOPIC_KINDS } from './protocol'

export interface GossipScorePolicy {
  /** Weight of each topic's score (>= 0). Shares and blocks matter most; an invalid block is as bad as an invalid share. */
  topicWeights: Readonly<Record<ValidatedTopicKind, number>>
  /** P4 weight (<= 0), per invalid message counter squared, before the topic weight. */
  invalidMessageWeight: number
  /** P4 counter multiplier per second (0 < d < 1). 0.99 = half-life ~69 s. */
  invalidMessageDecayPerSecond: number
  /** P2 weight (>= 0) per message first delivered by the peer. */
  firstDeliveryWeight: number
  /** P2 counter multiplier per second (0 < d < 1). */
  firstDeliveryDecayPerSecond: number
  /** P2 counter cap (> 0): bounds what a peer can earn by relaying. */
  firstDeliveryCap: number
  /** P1 weight (>= 0) per second in the topic mesh. */
  timeInMeshWeightPerSecond: number
  /** P1 cap in seconds (> 0). */
  timeInMeshCapSeconds: number
  /** Cap (>= 0, 0 = none) on the sum of positive topic contributions. */
  topicScoreCap: number
  /** P7 weight (<= 0) on protocol misbehaviour (GRAFT during backoff, broken IWANT promises), squared above the threshold. */
  behaviourPenaltyWeight: number
  /** P7 threshold (>= 0): this many misbehaviours are tolerated before the penalty applies. */
  behaviourPenaltyThreshold: number
  /** P7 counter multiplier per second (0 < d < 1). */
  behaviourPenaltyDecayPerSecond: number
  /**
   * P6 weight (<= 0) on peers sharing one IP. Off by default: a direct WebRTC link's remote address is the
   * relay's (`/ip4/<relay>/.../p2p-circuit/webrtc`), so counting IPs would punish browsers for sharing a
   * relay. Sybils gain nothing without PoW: score credit only comes from delivering valid shares first.
   */
  ipColocationWeight: number
  /** P6: peers per IP tolerated before the penalty (>= 1 when the weight is non-zero). */
  ipColocationThreshold: number
  /** How long (ms, >= 0) a disconnected peer's score is remembered, so reconnecting does not wash it. */
  retainScoreMs: number
  /** Below this score (<= 0) a peer gets no IHAVE/IWANT gossip from us and we ignore its gossip. */
  gossipThreshold: number
  /** Below this score (<= gossipThreshold) our own messages are not flood-published to the peer. */
  publishThreshold: number
  /** Below this score (<= publishThreshold) every RPC of the peer is ignored; we also disconnect it. */
  graylistThreshold: number
  /** Peer exchange (PX) on PRUNE is accepted only from peers above this score (>= 0). */
  acceptPXThreshold: number
  /** Median mesh score below which opportunistic grafting of better peers starts (>= 0). */
  opportunisticGraftThreshold: number
  /** How long (ms, >= 0) a graylisted peer's connection is refused after we close it. */
  banMs: number
}

export const defaultGossipScorePolicy: Readonly<GossipScorePolicy> = Object.freeze({
  topicWeights: Object.freeze({ share: 1, block: 1, header: 0.5, template: 0.5, attest: 0.5 }),
  invalidMessageWeight: -10,
  invalidMessageDecayPerSecond: 0.99,
  firstDeliveryWeight: 0.5,
  firstDeliveryDecayPerSecond: 0.9,
  firstDeliveryCap: 20,
  timeInMeshWeightPerSecond: 0.01,
  timeInMeshCapSeconds: 300,
  topicScoreCap: 10,
  behaviourPenaltyWeight: -10,
  behaviourPenaltyThreshold: 6,
  behaviourPenaltyDecayPerSecond: 0.9,
  ipColocationWeight: 0,
  ipColocationThreshold: 10,
  retainScoreMs: 60 * 60_000, // 1 h, gossipsub's default
  gossipThreshold: -10,
  publishThreshold: -40,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 2,
  banMs: 10 * 60_000 // 10 min
})

export class ScorePolicyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ScorePolicyError'
  }
}

export function createGossipScorePolicy(overrides: Partial<GossipScorePolicy> = {}): GossipScorePolicy {
  const policy: GossipScorePolicy = {
    ...defaultGossipScorePolicy,
    ...overrides,
    topicWeights: { ...defaultGossipScorePolicy.topicWeights, ...overrides.topicWeights }
  }
  validateGossipScorePolicy(policy)
  return policy
}

export function validateGossipScorePolicy(p: GossipScorePolicy): void {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new ScorePolicyError(`gossip score policy: ${field} must be ${rule} (got ${String(value)})`)
  }
  const decay = (field: keyof GossipScorePolicy): void => {
    const v = p[field] as number
    if (!(v > 0 && v < 1)) fail(field, 'strictly between 0 and 1', v)
  }
  for (const kind of VALIDATED_TOPIC_KINDS) {
    const w = p.topicWeights[kind]
    if (!(w >= 0)) fail(`topicWeights.${kind}`, '>= 0', w)
  }
  if (!(p.invalidMessageWeight <= 0)) fail('invalidMessageWeight', '<= 0', p.invalidMessageWeight)
  if (!(p.behaviourPenaltyWeight <= 0)) fail('behaviourPenaltyWeight', '<= 0', p.behaviourPenaltyWeight)
  if (!(p.ipColocationWeight <= 0)) fail('ipColocationWeight', '<= 0', p.ipColocationWeight)
  if (p.ipColocationWeight !== 0 && !(p.ipColocationThreshold >= 1)) {
    fail('ipColocationThreshold', '>= 1 when ipColocationWeight is non-zero', p.ipColocationThreshold)
  }
  if (!(p.firstDeliveryWeight >= 0)) fail('firstDeliveryWeight', '>= 0', p.firstDeliveryWeight)
  if (!(p.firstDeliveryCap > 0)) fail('firstDeliveryCap', '> 0', p.firstDeliveryCap)
  if (!(p.timeInMeshWeightPerSecond >= 0)) fail('timeInMeshWeightPerSecond', '>= 0', p.timeInMeshWeightPerSecond)
  if (!(p.timeInMeshCapSeconds > 0)) fail('timeInMeshCapSeconds', '> 0', p.timeInMeshCapSeconds)
  if (!(p.topicScoreCap >= 0)) fail('topicScoreCap', '>= 0', p.topicScoreCap)
  if (!(p.behaviourPenaltyThreshold >= 0)) fail('behaviourPenaltyThreshold', '>= 0', p.behaviourPenaltyThreshold)
  decay('invalidMessageDecayPerSecond')
  decay('firstDeliveryDecayPerSecond')
  decay('behaviourPenaltyDecayPerSecond')
  if (!(p.retainScoreMs >= 0)) fail('retainScoreMs', '>= 0', p.retainScoreMs)
  if (!(p.banMs >= 0)) fail('banMs', '>= 0', p.banMs)
  if (!(p.gossipThreshold <= 0)) fail('gossipThreshold', '<= 0', p.gossipThreshold)
  if (!(p.publishThreshold <= p.gossipThreshold)) fail('publishThreshold', '<= gossipThreshold', p.publishThreshold)
  if (!(p.graylistThreshold <= p.publishThreshold))
    fail('graylistThreshold', '<= publishThreshold', p.graylistThreshold)
  if (!(p.acceptPXThreshold >= 0)) fail('acceptPXThreshold', '>= 0', p.acceptPXThreshold)
  if (!(p.opportunisticGraftThreshold >= 0)) fail('opportunisticGraftThreshold', '>= 0', p.opportunisticGraftThreshold)
}

/** gossipsub decays counters once per interval; 1 s makes the policy's per-second decays exact. */
export const SCORE_DECAY_INTERVAL_MS = 1000
/** Counters below this are treated as zero (gossipsub `decayToZero`). */
export const SCORE_DECAY_TO_ZERO = 0.01

/** The plain shape of gossipsub's TopicScoreParams (structurally identical; fields named as there). */
export interface GossipsubTopicScoreParams {
  topicWeight: number
  timeInMeshWeight: number
  timeInMeshQuantum: number
  timeInMeshCap: number
  firstMessageDeliveriesWeight: number
  firstMessageDeliveriesDecay: number
  firstMessageDeliveriesCap: number
  meshMessageDeliveriesWeight: number
  meshMessageDeliveriesDecay: number
  meshMessageDeliveriesCap: number
  meshMessageDeliveriesThreshold: number
  meshMessageDeliveriesWindow: number
  meshMessageDeliveriesActivation: number
  meshFailurePenaltyWeight: number
  meshFailurePenaltyDecay: number
  invalidMessageDeliveriesWeight: number
  invalidMessageDeliveriesDecay: number
}

export interface GossipsubScoring {
  scoreParams: {
    topics: Record<string, GossipsubTopicScoreParams>
    topicScoreCap: number
    appSpecificScore: (peerId: string) => number
    appSpecificWeight: number
    IPColocationFactorWeight: number
    IPColocationFactorThreshold: number
    IPColocationFactorWhitelist: Set<string>
    behaviourPenaltyWeight: number
    behaviourPenaltyThreshold: number
    behaviourPenaltyDecay: number
    decayInterval: number
    decayToZero: number
    retainScore: number
  }
  scoreThresholds: {
    gossipThreshold: number
    publishThreshold: number
    graylistThreshold: number
    acceptPXThreshold: number
    opportunisticGraftThreshold: number
  }
}

/**
 * gossipsub parameters for the given topic names. P3/P3b (mesh delivery rate) are off: a share chain
 * produces one share per ~10 s network-wide, far too sparse and bursty to demand a delivery rate from
 * mesh peers without punishing honest ones.
 */
export function toGossipsubScoring(
  policy: GossipScorePolicy,
  topics: Readonly<Record<ValidatedTopicKind, string>>,
  appSpecificScore: (peerId: string) => number = () => 0
): GossipsubScoring {
  const topicParams: Record<string, GossipsubTopicScoreParams> = {}
  for (const kind of VALIDATED_TOPIC_KINDS) {
    topicParams[topics[kind]] = {
      topicWeight: policy.topicWeights[kind],
      timeInMeshWeight: policy.timeInMeshWeightPerSecond,
      timeInMeshQuantum: 1000, // ms: P1 counts seconds
      timeInMeshCap: policy.timeInMeshCapSeconds,
      firstMessageDeliveriesWeight: policy.firstDeliveryWeight,
      firstMessageDeliveriesDecay: policy.firstDeliveryDecayPerSecond,
      firstMessageDeliveriesCap: policy.firstDeliveryCap,
      meshMessageDeliveriesWeight: 0,
      meshMessageDeliveriesDecay: 0.5,
      meshMessageDeliveriesCap: 1,
      meshMessageDeliveriesThreshold: 0,
      meshMessageDeliveriesWindow: 10,
      meshMessageDeliveriesActivation: 5000,
      meshFailurePenaltyWeight: 0,
      meshFailurePenaltyDecay: 0.5,
      invalidMessageDeliveriesWeight: policy.invalidMessageWeight,
      invalidMessageDeliveriesDecay: policy.invalidMessageDecayPerSecond
    }
  }
  return {
    scoreParams: {
      topics: topicParams,
      topicScoreCap: policy.topicScoreCap,
      appSpecificScore,
      appSpecificWeight: 1,
      IPColocationFactorWeight: policy.ipColocationWeight,
      IPColocationFactorThreshold: policy.ipColocationThreshold,
      IPColocationFactorWhitelist: new Set(),
      behaviourPenaltyWeight: policy.behaviourPenaltyWeight,
      behaviourPenaltyThreshold: policy.behaviourPenaltyThreshold,
      behaviourPenaltyDecay: policy.behaviourPenaltyDecayPerSecond,
      decayInterval: SCORE_DECAY_INTERVAL_MS,
      decayToZero: SCORE_DECAY_TO_ZERO,
      retainScore: policy.retainScoreMs
    },
    scoreThresholds: {
      gossipThreshold: policy.gossipThreshold,
      publishThreshold: policy.publishThreshold,
      graylistThreshold: policy.graylistThreshold,
      acceptPXThreshold: policy.acceptPXThreshold,
      opportunisticGraftThreshold: policy.opportunisticGraftThreshold
    }
  }
}
