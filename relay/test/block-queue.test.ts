import { describe, expect, it, vi } from 'vitest'
import { BestChainView } from '../src/block/chain-view'
import {
  CallGate,
  MAX_QUEUED_PER_PARENT,
  MAX_SUBMIT_ATTEMPTS,
  SUBMIT_RETRY_MAX_MS,
  SUBMIT_RETRY_MIN_MS,
  SubmissionQueue,
  couldStillWin,
  retryDelayMs,
  type TipView
} from '../src/block/queue'

const tip = (hash: string, own = false, parent = 'p0'): TipView => ({ hash, height: 10, parent, own })
const block = (hash: string, prevHash: string, height = 11) => ({ hash, prevHash, height })

describe('which blocks may go to the daemon', () => {
  it('a block on the tip may; a sibling of a foreign tip may (a race on the network); a sibling of our own tip or anything deeper may not', () => {
    expect(couldStillWin('t', tip('t'))).toBe(true)
    expect(couldStillWin('p0', tip('t', false))).toBe(true)
    expect(couldStillWin('p0', tip('t', true))).toBe(false)
    expect(couldStillWin('older', tip('t'))).toBe(false)
    expect(couldStillWin('p0', { hash: 't', height: 10, own: false })).toBe(false) // tip's parent unknown: not judged a race
  })

  it('backoff doubles from the minimum and stops at the maximum', () => {
    const delays = Array.from({ length: 8 }, (_, i) => retryDelayMs(i + 1))
    expect(delays[0]).toBe(SUBMIT_RETRY_MIN_MS)
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBe(Math.min(SUBMIT_RETRY_MAX_MS, delays[i - 1] * 2))
    expect(delays.at(-1)).toBe(SUBMIT_RETRY_MAX_MS)
  })
})

describe('submission queue', () => {
  it('sends one block per parent at a time, newest first, and leaves stale ones out without sending them', () => {
    const q = new SubmissionQueue()
    q.add(block('a', 't'), 0)
    q.add(block('b', 't'), 0)
    q.add(block('old', 'x', 10), 0)
    const first = q.take(0, tip('t'), new Set())
    expect(first.send.map((b) => b.hash)).toEqual(['b'])
    expect(first.stale.map((b) => b.hash)).toEqual(['old'])
    // While b's call is in flight nothing else on its parent goes.
    expect(q.take(0, tip('t'), new Set(['t'])).send).toEqual([])
    // b was accepted: the tip is b, so a is stale now, without a call.
    expect(q.take(0, tip('b', true, 't'), new Set())).toEqual({
      send: [],
      stale: [expect.objectContaining({ hash: 'a' })]
    })
    expect(q.size).toBe(0)
  })

  it('bounds blocks per parent and in all', () => {
    const q = new SubmissionQueue({ maxQueued: 6, maxPerParent: MAX_QUEUED_PER_PARENT })
    for (let i = 0; i < MAX_QUEUED_PER_PARENT; i++) expect(q.add(block(`s${i}`, 't'), 0)).toBeUndefined()
    expect(q.add(block('one-too-many', 't'), 0)).toBe('parent-full')
    expect(q.add(block('u1', 'u'), 0)).toBeUndefined()
    expect(q.add(block('u2', 'u'), 0)).toBeUndefined()
    expect(q.add(block('u3', 'u'), 0)).toBe('queue-full')
    expect(q.add(block('s0', 't'), 0)).toBeUndefined() // the same block again is no new entry
    expect(q.size).toBe(6)
  })

  it('retries a failed send only after its backoff, at most MAX_SUBMIT_ATTEMPTS times, and a pass never takes what it re-added', () => {
    const q = new SubmissionQueue()
    q.add(block('a', 't'), 0)
    let now = 0
    let sends = 0
    for (let pass = 0; pass < 100; pass++) {
      const { send } = q.take(now, tip('t'), new Set())
      for (const b of send) {
        sends++
        q.failed({ ...b, attempts: b.attempts + 1 }, now)
        expect(q.take(now, tip('t'), new Set()).send).toEqual([]) // not due again within the same instant
      }
      const due = q.nextDueAt()
      if (due === undefined) break
      expect(due - now).toBeGreaterThanOrEqual(SUBMIT_RETRY_MIN_MS)
      now = due
    }
    expect(sends).toBe(MAX_SUBMIT_ATTEMPTS)
    expect(q.size).toBe(0)
  })

  it('parks blocks while the daemon is unhealthy and sends them when it is back', () => {
    const q = new SubmissionQueue()
    q.add(block('a', 't'), 0)
    const [a] = q.take(0, tip('t'), new Set()).send
    q.park(a)
    expect(q.nextDueAt()).toBeUndefined()
    expect(q.take(1e12, tip('t'), new Set()).send).toEqual([])
    q.unpark(5)
    expect(q.take(5, tip('t'), new Set()).send.map((b) => b.hash)).toEqual(['a'])
  })
})

describe('daemon call gate', () => {
  it('never has more calls in flight than its slots, and runs submissions before status checks', async () => {
    const gate = new CallGate(2)
    let inFlight = 0
    let peak = 0
    const started: string[] = []
    /** Each running call's way to finish: the test answers calls one at a time, as a daemon would. */
    const finish = new Map<string, () => void>()
    const call = (name: string) => async () => {
      inFlight++
      peak = Math.max(peak, inFlight)
      started.push(name)
      await new Promise<void>((resolve) => finish.set(name, resolve))
      inFlight--
    }
    const all = [...Array.from({ length: 10 }, (_, i) => gate.run(1, call(`status${i}`))), gate.run(0, call('submit'))]
    await vi.waitFor(
      () => {
        expect(started).toEqual(['status0', 'status1'])
      },
      { timeout: 1_000, interval: 1 }
    )
    expect(gate.inFlight).toBe(2)
    // Answer the oldest running call each time; whatever the gate starts next is in `started`.
    for (let answered = 0; answered < 11; answered++) {
      const name = started[answered]
      finish.get(name)!()
      if (answered + 2 < 11)
        await vi.waitFor(
          () => {
            expect(started).toHaveLength(answered + 3)
          },
          { timeout: 1_000, interval: 1 }
        )
      expect(inFlight).toBeLessThanOrEqual(2)
    }
    await Promise.all(all)
    expect(peak).toBe(2)
    expect(gate.peak).toBe(2)
    expect(gate.inFlight).toBe(0)
    expect(started[2]).toBe('submit') // it waited only for the two calls already running
    expect(started.slice(3)).toEqual(Array.from({ length: 8 }, (_, i) => `status${i + 2}`))
    expect(() => new CallGate(0)).toThrow(/whole number ≥ 1/)
  })
})

describe('best chain view', () => {
  // A chain as hashes h0..hN (and a branch b…); prevOf counts the header fetches.
  function chainOf(hashes: string[]): Map<string, string> {
    const prev = new Map<string, string>()
    for (let i = 1; i < hashes.length; i++) prev.set(hashes[i], hashes[i - 1])
    return prev
  }
  const main = Array.from({ length: 30 }, (_, i) => `h${i}`)

  it('fetches the depth once, then one header per new block, and only the branch on a reorg', async () => {
    const prev = chainOf(main)
    const prevOf = async (h: string): Promise<string | undefined> => prev.get(h)
    const view = new BestChainView()
    expect(await view.moveTo('h20', 20, 10, prevOf)).toBe(9)
    expect(view.hashAt(11)).toBe('h11')
    expect(view.hashAt(10)).toBeUndefined()
    expect(await view.moveTo('h21', 21, 10, prevOf)).toBe(1)
    expect(view.hashAt(21)).toBe('h21')
    // Reorg: a branch b19, b20, b21, b22 off h18.
    prev.set('b19', 'h18')
    prev.set('b20', 'b19')
    prev.set('b21', 'b20')
    prev.set('b22', 'b21')
    expect(await view.moveTo('b22', 22, 10, prevOf)).toBe(4)
    expect([view.hashAt(18), view.hashAt(19), view.hashAt(22)]).toEqual(['h18', 'b19', 'b22'])
    expect(view.heightOfHash('h20')).toBeUndefined()
    // invalidateblock: the tip goes back to b20; nothing to fetch, the heights above are gone.
    expect(await view.moveTo('b20', 20, 8, prevOf)).toBe(0)
    expect(view.hashAt(21)).toBeUndefined()
    expect(view.height).toBe(20)
    // A deeper need extends the view downwards only.
    expect(await view.moveTo('b20', 20, 15, prevOf)).toBe(7)
    expect(view.lowest()).toBe(6)
  })
})
