import { describe, expect, it } from 'vitest'
import { NonceRangeBook, type NonceSlice } from '../../src/miner/nonce-ranges'

const ALIGN = 64
const SPACE = ALIGN * 1000

function covers(slices: NonceSlice[], space: number): boolean {
  const sorted = [...slices].sort((a, b) => a.startNonce - b.startNonce)
  let next = 0
  for (const s of sorted) {
    if (s.startNonce !== next) return false
    next += s.count
  }
  return next === space
}

describe('NonceRangeBook', () => {
  it('splits the space into one aligned range per worker and hands slices from their fronts', () => {
    const book = new NonceRangeBook(SPACE, ALIGN)
    book.reset([7, 8])
    expect(book.take(7, 100)).toEqual({ startNonce: 0, count: 64 })
    expect(book.take(8, 128)).toEqual({ startNonce: 500 * ALIGN, count: 128 })
    expect(book.remaining()).toBe(SPACE - 192)
  })

  it('lets a worker with an empty range steal the back half of the largest range', () => {
    const book = new NonceRangeBook(SPACE, ALIGN)
    book.reset([1, 2])
    const half = SPACE / 2
    expect(book.take(1, half)).toEqual({ startNonce: 0, count: half }) // worker 1's range is now empty
    expect(book.take(1, ALIGN)).toEqual({ startNonce: half + half / 2, count: ALIGN }) // stolen from 2
    expect(book.take(2, SPACE)).toEqual({ startNonce: half, count: half / 2 }) // 2 kept its front half
  })

  it('hands out every nonce exactly once under random slice sizes, steals and removals', () => {
    for (let trial = 0; trial < 20; trial++) {
      const book = new NonceRangeBook(SPACE, ALIGN)
      let workers = [0, 1, 2, 3]
      book.reset(workers)
      const slices: NonceSlice[] = []
      for (;;) {
        const id = workers[Math.floor(Math.random() * workers.length)]
        if (workers.length > 1 && Math.random() < 0.01) {
          const unfinished = book.take(id, ALIGN * 3)
          book.release(id, unfinished) // removed mid-slice: its slice goes back
          workers = workers.filter((w) => w !== id)
          continue
        }
        const s = book.take(id, ALIGN * (1 + Math.floor(Math.random() * 40)))
        if (s === undefined) break
        slices.push(s)
      }
      expect(book.remaining()).toBe(0)
      expect(covers(slices, SPACE)).toBe(true)
    }
  })
})
