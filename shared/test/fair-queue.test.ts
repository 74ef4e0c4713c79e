import { describe, expect, it } from 'vitest'
import {
  createFloodGuardParams,
  GOSSIP_COST_UNIT_BYTES,
  messageCost,
  OVERSIZED_FRAME_EXCESS,
  PeerFloodGuard
} from '../src/p2p'
import { FairValidationQueue } from '../src/p2p/fair-queue'

describe('FairValidationQueue', () => {
  it('validates round-robin across peers: an honest message waits behind one per busy peer, not behind a flood', async () => {
    let clock = 0
    // Each validation "costs" 1 ms of the fake clock; a 2 ms slice, so the queue takes over at once.
    const queue = new FairValidationQueue<string>(1000, 2, () => clock)
    const order: string[] = []
    const work = (label: string) => () => {
      clock += 1
      order.push(label)
      return label
    }
    const pending: Array<Promise<string> | undefined> = []
    for (let i = 0; i < 50; i++) pending.push(queue.submit('flooder', work(`f${i}`)))
    pending.push(queue.submit('honest', work('h0')))
    await Promise.all(pending)
    // The first runs inline (idle queue); then the flooder's backlog and the honest message alternate.
    expect(order.indexOf('h0')).toBeLessThanOrEqual(3)
    expect(order.filter((l) => l.startsWith('f'))).toEqual(Array.from({ length: 50 }, (_, i) => `f${i}`))
  })

  it('turns a peer away past its queue bound and keeps others queueing', async () => {
    let clock = 0
    const queue = new FairValidationQueue<number>(3, 1, () => clock)
    const run = () => {
      clock += 1
      return 1
    }
    const results = Array.from({ length: 6 }, () => queue.submit('a', run))
    expect(results.filter((r) => r === undefined).length).toBeGreaterThan(0)
    expect(queue.turnedAway).toBeGreaterThan(0)
    expect(queue.submit('b', run)).toBeDefined()
    await Promise.all(results.filter((r) => r !== undefined))
  })
})

describe('gossip costs by size', () => {
  it('prices a message per started 4 KiB and bans a peer at the fourth oversized frame', () => {
    expect(messageCost(600)).toBe(1)
    expect(messageCost(GOSSIP_COST_UNIT_BYTES)).toBe(1)
    expect(messageCost(GOSSIP_COST_UNIT_BYTES + 1)).toBe(2)
    expect(messageCost(64 * 1024)).toBe(16)
    const guard = new PeerFloodGuard(createFloodGuardParams(), () => 0)
    const decisions = Array.from({ length: 4 }, () => guard.charge('framer', OVERSIZED_FRAME_EXCESS))
    expect(decisions).toEqual(['over-rate', 'over-rate', 'over-rate', 'flooder'])
    expect(guard.check('honest')).toBe('admit')
  })
})
