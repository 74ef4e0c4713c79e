import { describe, expect, it } from 'vitest'
import { createFloodGuardParams, FloodGuardParamsError, PeerFloodGuard } from '../src/p2p'

function guardAt(clock: { ms: number }, partial = {}): PeerFloodGuard {
  return new PeerFloodGuard(
    createFloodGuardParams({
      messagesPerSecond: 10,
      burst: 5,
      flooderExcessMessages: 3,
      excessHalfLifeMs: 1000,
      ...partial
    }),
    () => clock.ms
  )
}

describe('PeerFloodGuard', () => {
  it('admits a burst, then refills at the sustained rate', () => {
    const clock = { ms: 0 }
    const guard = guardAt(clock)
    const first = Array.from({ length: 6 }, () => guard.check('a'))
    expect(first).toEqual(['admit', 'admit', 'admit', 'admit', 'admit', 'over-rate'])
    clock.ms += 100 // 10/s -> one token
    expect(guard.check('a')).toBe('admit')
    expect(guard.check('a')).toBe('over-rate')
  })

  it('keeps peers apart: one peer flooding does not cost another its tokens', () => {
    const clock = { ms: 0 }
    const guard = guardAt(clock)
    for (let i = 0; i < 20; i++) guard.check('flooder')
    expect(guard.check('honest')).toBe('admit')
  })

  it('reports a flooder exactly once, when its excess reaches the bound', () => {
    const clock = { ms: 0 }
    const guard = guardAt(clock)
    const decisions = Array.from({ length: 12 }, () => guard.check('a'))
    expect(decisions.slice(5, 8)).toEqual(['over-rate', 'over-rate', 'flooder'])
    expect(decisions.filter((d) => d === 'flooder')).toHaveLength(1)
  })

  it('forgives a short overshoot: the excess decays with its half-life', () => {
    const clock = { ms: 0 }
    const guard = guardAt(clock)
    for (let i = 0; i < 7; i++) guard.check('a') // 2 over
    clock.ms += 10_000 // excess halves 10 times; bucket full again
    for (let i = 0; i < 7; i++) expect(guard.check('a')).not.toBe('flooder')
  })

  it('is off with an infinite rate, even within one millisecond', () => {
    const clock = { ms: 0 }
    const guard = guardAt(clock, { messagesPerSecond: Infinity })
    for (let i = 0; i < 1000; i++) expect(guard.check('a')).toBe('admit')
  })

  it('refuses nonsense parameters with a message naming the field', () => {
    expect(() => createFloodGuardParams({ burst: 0 })).toThrow(FloodGuardParamsError)
    expect(() => createFloodGuardParams({ messagesPerSecond: -1 })).toThrow(/messagesPerSecond/)
  })
})

describe('GossipRouter with a flood guard', () => {
  it('ignores over-rate messages without running the validator, and reports the flooder once', async () => {
    const { GossipRouter, networkTopics, ACCEPT } = await import('../src/p2p')
    const topics = networkTopics('devnet')
    const validators = new Map<
      string,
      (peer: { toString(): string }, m: { topic: string; data: Uint8Array }) => unknown
    >()
    const pubsub = {
      topicValidators: validators,
      subscribe: () => undefined,
      unsubscribe: () => undefined,
      publish: async () => ({ recipients: [] }),
      getPeers: () => [],
      getScore: () => 0
    }
    let validated = 0
    const flooders: string[] = []
    const router = new GossipRouter({
      pubsub: pubsub as never,
      topics,
      validators: { share: () => (validated++, ACCEPT) },
      graylistThreshold: -80,
      floodGuard: { messagesPerSecond: 1, burst: 3, flooderExcessMessages: 5 },
      onFlooder: (peer) => flooders.push(peer.toString())
    })
    router.start()
    const shareValidator = validators.get(topics.share)!
    const results = []
    for (let i = 0; i < 10; i++)
      results.push(
        await shareValidator({ toString: () => 'flooder' }, { topic: topics.share, data: new Uint8Array(200) })
      )
    router.stop()
    expect(results.slice(0, 3)).toEqual(['accept', 'accept', 'accept'])
    expect(results.slice(3).every((r) => r === 'ignore')).toBe(true)
    expect(validated).toBe(3)
    expect(router.metrics.share.overRate).toBe(7)
    expect(flooders).toEqual(['flooder'])
  })
})
