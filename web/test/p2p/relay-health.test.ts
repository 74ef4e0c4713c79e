// Relay link health (failover): scores from latency, errors and template age; redial backoff.
import { describe, expect, it } from 'vitest'
import {
  ERROR_MEMORY_MS,
  MAX_RECENT_ERRORS,
  REDIAL_MAX_MS,
  REDIAL_MIN_MS,
  RelayHealthBook,
  TEMPLATE_FRESH_MS,
  redialDelayMs
} from '../../src/p2p/relay-health'

describe('relay link health', () => {
  it('a linked relay with fresh work is fit; the faster one scores higher', () => {
    let now = 1_000_000
    const book = new RelayHealthBook(() => now)
    for (const id of ['a', 'b']) {
      book.linked(id)
      book.templateSeen(id)
    }
    book.latency('a', 20)
    book.latency('b', 200)
    expect(book.get('a').score).toBeGreaterThan(book.get('b').score)
    expect(book.get('b').score).toBeGreaterThan(-1000)
    expect(book.all().map((h) => h.id)).toEqual(['a', 'b'])
    now += 1
    expect(book.get('a').score).toBeGreaterThan(0 - 1000)
  })

  it('is unfit when the link drops, when its last template is old, or after several rejected messages, and recovers', () => {
    let now = 5_000_000
    const book = new RelayHealthBook(() => now)
    book.linked('r')
    book.templateSeen('r')
    const fit = book.get('r').score
    expect(fit).toBeGreaterThan(-1_000_000)
    book.dropped('r')
    expect(book.get('r').score).toBeLessThan(-1_000_000 + 1)
    book.linked('r')
    now += TEMPLATE_FRESH_MS
    expect(book.get('r').score, 'no fresh template').toBeLessThan(-1_000_000 + 1)
    book.templateSeen('r')
    for (let i = 0; i < MAX_RECENT_ERRORS; i++) book.error('r')
    expect(book.get('r').recentErrors).toBe(MAX_RECENT_ERRORS)
    expect(book.get('r').score, 'a liar').toBeLessThan(-1_000_000)
    now += ERROR_MEMORY_MS
    book.templateSeen('r')
    expect(book.get('r').recentErrors).toBe(0)
    expect(book.get('r').score).toBeGreaterThan(-1_000_000)
  })

  it('redials at once after a drop, then backs off doubling per failed dial up to the cap', () => {
    let now = 0
    const book = new RelayHealthBook(() => now)
    book.linked('r')
    book.dropped('r')
    expect(book.dialDue('r')).toBe(true)
    book.dialFailed('r')
    expect(book.dialDue('r')).toBe(false)
    now += REDIAL_MIN_MS
    expect(book.dialDue('r')).toBe(true)
    expect([1, 2, 3, 4].map(redialDelayMs)).toEqual([
      REDIAL_MIN_MS,
      REDIAL_MIN_MS * 2,
      REDIAL_MIN_MS * 4,
      REDIAL_MIN_MS * 8
    ])
    expect(redialDelayMs(40)).toBe(REDIAL_MAX_MS)
    book.linked('r')
    expect(book.get('r').dialFailures).toBe(0)
  })
})
