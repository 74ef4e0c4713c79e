import { describe, expect, it } from 'vitest'
import { BoundedMap, errorMessage, errorStack, ListenerSet, TokenBucket } from '@otedama/shared/util'

describe('BoundedMap', () => {
  it('drops the oldest entries past its capacity and keeps the newest', () => {
    const map = new BoundedMap<string, number>(3)
    for (let i = 0; i < 10; i++) map.set(`k${i}`, i)
    expect(map.size).toBe(3)
    expect([...map.keys()]).toEqual(['k7', 'k8', 'k9'])
    expect(map.oldestKey()).toBe('k7')
  })

  it('keeps a refreshed key (delete, then set) over older ones', () => {
    const map = new BoundedMap<string, number>(2)
    map.set('a', 1).set('b', 2)
    map.delete('a')
    map.set('a', 1)
    map.set('c', 3)
    expect([...map.keys()]).toEqual(['a', 'c'])
  })

  it('refuses a capacity below one', () => {
    expect(() => new BoundedMap(0)).toThrow(/capacity/)
    expect(() => new BoundedMap(1.5)).toThrow(/capacity/)
  })
})

describe('ListenerSet', () => {
  it('calls every listener even when one throws, and removes one on request', () => {
    const set = new ListenerSet<[number]>('test')
    const seen: number[] = []
    set.add(() => {
      throw new Error('broken widget')
    })
    const remove = set.add((n) => seen.push(n))
    set.add((n) => seen.push(n * 10))
    set.emit(1)
    remove()
    set.emit(2)
    expect(seen).toEqual([1, 10, 20])
    expect(set.size).toBe(2)
  })
})

describe('errorMessage', () => {
  it('reads an Error, a string and anything else', () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input')
    expect(errorMessage('plain')).toBe('plain')
    expect(errorMessage(42)).toBe('42')
    expect(errorMessage(undefined)).toBe('undefined')
  })

  it("errorStack gives an Error's stack, starting with its message, and falls back to the message", () => {
    const stack = errorStack(new RangeError('out of range'))
    expect(stack.startsWith('RangeError: out of range')).toBe(true)
    expect(stack).toContain('util.test.ts')
    expect(errorStack('plain')).toBe('plain')
  })
})

describe('TokenBucket', () => {
  it('admits its burst at once, then the rate, never more than the burst after idling', () => {
    const bucket = new TokenBucket(2, 3, 0)
    const admitted = [0, 0, 0, 0].filter(() => bucket.tryTake(0)).length
    expect(admitted).toBe(3)
    expect(bucket.tryTake(250)).toBe(false) // half a token flowed in
    expect(bucket.tryTake(500)).toBe(true) // one token after 500 ms at 2/s
    expect(bucket.tryTake(500)).toBe(false)
    bucket.refill(60_000)
    expect(bucket.available).toBe(3)
  })

  it('takes a cost only when that much is held, and gives tokens back up to the burst', () => {
    const bucket = new TokenBucket(1, 4, 0)
    expect(bucket.tryTake(0, 3)).toBe(true)
    expect(bucket.tryTake(0, 2)).toBe(false)
    expect(bucket.available).toBe(1) // a refused take costs nothing
    bucket.giveBack(10)
    expect(bucket.available).toBe(4)
  })

  it('does not refill or go back in time when the clock steps back', () => {
    const bucket = new TokenBucket(10, 1, 10_000)
    expect(bucket.tryTake(10_000)).toBe(true)
    expect(bucket.refill(5_000)).toBe(0)
    expect(bucket.tryTake(5_000)).toBe(false)
    expect(bucket.lastRefillMs).toBe(10_000)
    expect(bucket.tryTake(10_100)).toBe(true) // 100 ms after the last real time, not after the step back
  })

  it('refuses a rate below zero or a burst under one token', () => {
    expect(() => new TokenBucket(-1, 1, 0)).toThrow(/rate/)
    expect(() => new TokenBucket(1, 0.5, 0)).toThrow(/burst/)
  })
})
