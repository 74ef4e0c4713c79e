// The P2P protocol's pure parts: codecs refuse what exceeds their bounds, the score policy validates and
// maps onto gossipsub, and the penalty arithmetic matches the documented graylist path.
import { describe, expect, it } from 'vitest'
import {
  createGossipScorePolicy,
  decodeBatch,
  decodePushVerdict,
  decodeSyncReply,
  decodeSyncRequest,
  defaultGossipScorePolicy,
  encodeBatch,
  encodePushVerdict,
  encodeSyncReply,
  encodeSyncRequest,
  networkProtocols,
  networkTopics,
  PeerRateLimiter,
  ScorePolicyError,
  SHARE_PUSH_MAX_REPLY_BYTES,
  SYNC_MAX_IDS_PER_REQUEST,
  SYNC_MAX_SHARES_PER_REPLY,
  toGossipsubScoring,
  verdictKind
} from '@otedama/shared/p2p'
import { DecodeError } from '@otedama/shared/primitives'

describe('p2p protocol names', () => {
  it('scopes topics and protocol ids by network', () => {
    expect(networkTopics('devnet').share).toBe('/otedama/devnet/share/1')
    expect(networkProtocols('litecoin-regtest').sync).toBe('/otedama/litecoin-regtest/sync/1')
    expect(networkProtocols('devnet').sharePush).toBe('/otedama/devnet/share-push/1')
    expect(() => networkTopics('Dev Net')).toThrow(/invalid network name/)
  })
})

describe('share push verdict codec', () => {
  it('round-trips each kind with its reason, cuts a long reason to the frame, refuses an unknown kind', () => {
    expect(decodePushVerdict(encodePushVerdict({ kind: 'accept' }))).toEqual({ kind: 'accept' })
    expect(encodePushVerdict({ kind: 'accept' })).toHaveLength(1)
    expect(decodePushVerdict(encodePushVerdict({ kind: 'reject', reason: 'pow' }))).toEqual({
      kind: 'reject',
      reason: 'pow'
    })
    expect(decodePushVerdict(encodePushVerdict({ kind: 'ignore', reason: 'duplicate' }))).toEqual({
      kind: 'ignore',
      reason: 'duplicate'
    })
    const long = encodePushVerdict({ kind: 'ignore', reason: 'x'.repeat(1000) })
    expect(long).toHaveLength(SHARE_PUSH_MAX_REPLY_BYTES)
    expect(decodePushVerdict(encodePushVerdict({ kind: 'reject', reason: 'bad\u00e9' }))).toEqual({
      kind: 'reject',
      reason: 'bad?'
    })
    expect(() => decodePushVerdict(new Uint8Array(0))).toThrow(/verdict kind/)
    expect(() => decodePushVerdict(Uint8Array.of(3))).toThrow(/verdict kind/)
  })
})

describe('sync codec', () => {
  it('round-trips window and by-id requests and replies', () => {
    const tip = new Uint8Array(32).fill(9)
    expect(decodeSyncRequest(encodeSyncRequest({ kind: 'window', tip, skip: 512, count: 100 }))).toEqual({
      kind: 'window',
      tip,
      skip: 512,
      count: 100
    })
    expect(decodeSyncRequest(encodeSyncRequest({ kind: 'window', skip: 0, count: 1 }))).toEqual({
      kind: 'window',
      tip: undefined,
      skip: 0,
      count: 1
    })
    const reply = { status: 'ok' as const, tip, shares: [new Uint8Array(620).fill(1), new Uint8Array(300)], more: true }
    expect(decodeSyncReply(encodeSyncReply(reply))).toEqual(reply)
  })

  it('refuses requests above the bounds', () => {
    expect(() =>
      decodeSyncRequest(encodeSyncRequest({ kind: 'window', skip: 0, count: SYNC_MAX_SHARES_PER_REPLY + 1 }))
    ).toThrow(DecodeError)
    const ids = Array.from({ length: SYNC_MAX_IDS_PER_REQUEST + 1 }, () => new Uint8Array(32))
    expect(() => decodeSyncRequest(encodeSyncRequest({ kind: 'byId', ids }))).toThrow(DecodeError)
    const bytes = encodeSyncRequest({ kind: 'byId', ids: [new Uint8Array(32)] })
    expect(() => decodeSyncRequest(Uint8Array.of(...bytes, 0))).toThrow(DecodeError) // trailing byte
  })

  it('batches attestations and refuses empty or trailing batches', () => {
    const items = [Uint8Array.of(1, 2, 3), new Uint8Array(200)]
    expect(decodeBatch(encodeBatch(items))).toEqual(items)
    expect(() => decodeBatch(Uint8Array.of(0))).toThrow(DecodeError)
    expect(() => decodeBatch(Uint8Array.of(...encodeBatch(items), 7))).toThrow(DecodeError)
  })
})

describe('gossip score policy', () => {
  it('maps onto gossipsub parameters for every validated topic', () => {
    const topics = networkTopics('devnet')
    const { scoreParams, scoreThresholds } = toGossipsubScoring(defaultGossipScorePolicy, topics)
    expect(Object.keys(scoreParams.topics).sort()).toEqual(
      [topics.attest, topics.block, topics.header, topics.share, topics.template].sort()
    )
    expect(scoreParams.topics[topics.share].invalidMessageDeliveriesWeight).toBe(-10)
    expect(scoreThresholds.graylistThreshold).toBe(-80)
  })

  it('graylists after the third invalid share, not before (P4 = weight x count^2)', () => {
    const p = defaultGossipScorePolicy
    const penalty = (n: number): number => p.topicWeights.share * p.invalidMessageWeight * n * n
    expect(penalty(2) + p.topicScoreCap).toBeGreaterThan(p.graylistThreshold)
    expect(penalty(3)).toBeLessThan(p.graylistThreshold)
  })

  it('rejects inconsistent thresholds with an actionable message', () => {
    expect(() => createGossipScorePolicy({ publishThreshold: 5 })).toThrow(ScorePolicyError)
    expect(() => createGossipScorePolicy({ invalidMessageDecayPerSecond: 1 })).toThrow(/strictly between 0 and 1/)
  })

  it('maps verdict shapes to gossip results; unknown answers are ignored, never punished', () => {
    expect(verdictKind({ kind: 'reject', reason: 'pow' })).toBe('reject')
    expect(verdictKind({ kind: 'accept' })).toBe('accept')
    expect(verdictKind(undefined)).toBe('ignore')
  })
})

describe('per-peer rate limiter', () => {
  it('allows the burst, then the refill rate', () => {
    let now = 0
    const limiter = new PeerRateLimiter(2, 3, () => now)
    expect([1, 2, 3, 4].map(() => limiter.tryTake('a'))).toEqual([true, true, true, false])
    expect(limiter.tryTake('b')).toBe(true) // per peer
    now += 500 // 0.5 s at 2/s = one token
    expect(limiter.tryTake('a')).toBe(true)
    expect(limiter.tryTake('a')).toBe(false)
  })
})
