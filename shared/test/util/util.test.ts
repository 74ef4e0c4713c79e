import { describe, expect, it } from 'vitest'
import { BoundedMap, errorMessage, ListenerSet } from '@otedama/shared/util'

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
})
