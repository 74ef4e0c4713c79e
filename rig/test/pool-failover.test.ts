// The rig's pool list (cgminer's failover pools): after a drop the next pool is dialled at once; only
// when every pool failed in a row does the rig wait, doubling per full round; one pool waits as cpuminer.
import { describe, expect, it } from 'vitest'
import { RECONNECT_FIRST_DELAY_MS, RECONNECT_MAX_DELAY_MS } from '../src/constants'
import { nextPoolAttempt } from '../src/stratum-client'

describe('next pool after a disconnect', () => {
  it('three pools: the next two at once, in order and wrapping, then a wait after a full failed round', () => {
    const steps: Array<{ index: number; delayMs: number }> = []
    let index = 0
    for (let failures = 0; failures < 9; failures++) {
      const next = nextPoolAttempt(3, index, failures)
      steps.push(next)
      index = next.index
    }
    expect(steps.map((s) => s.index)).toEqual([1, 2, 0, 1, 2, 0, 1, 2, 0])
    expect(steps.slice(0, 2).every((s) => s.delayMs === 0)).toBe(true)
    expect(steps[2].delayMs).toBe(RECONNECT_FIRST_DELAY_MS)
    expect(steps[5].delayMs).toBe(2 * RECONNECT_FIRST_DELAY_MS)
    expect(steps[8].delayMs).toBe(4 * RECONNECT_FIRST_DELAY_MS)
    // Never a wait longer than the cap, however long every pool stays down.
    expect(nextPoolAttempt(3, 0, 10_000).delayMs).toBe(RECONNECT_MAX_DELAY_MS)
  })

  it('a drop from a pool reached later in the list goes on from there', () => {
    expect(nextPoolAttempt(3, 2, 0)).toEqual({ index: 0, delayMs: 0 })
  })

  it('one pool: every retry waits, doubling up to the cap', () => {
    expect(nextPoolAttempt(1, 0, 0)).toEqual({ index: 0, delayMs: RECONNECT_FIRST_DELAY_MS })
    expect(nextPoolAttempt(1, 0, 3)).toEqual({ index: 0, delayMs: 8 * RECONNECT_FIRST_DELAY_MS })
    expect(nextPoolAttempt(1, 0, 10_000).delayMs).toBe(RECONNECT_MAX_DELAY_MS)
  })
})
