// A Map that never holds more than `capacity` entries: each set() that takes it past the bound drops the
// oldest entries (insertion order, which is Map's own iteration order). Every cache, seen-set and
// pending table that a peer can grow by sending us things is bounded this way, so memory stays flat
// whatever arrives. Re-inserting a key to mark it recent is `delete` then `set`, as with any Map.
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly capacity: number) {
    super()
    if (!(capacity >= 1) || !Number.isInteger(capacity))
      throw new RangeError(`BoundedMap capacity must be an integer >= 1, got ${capacity}`)
  }

  override set(key: K, value: V): this {
    super.set(key, value)
    while (this.size > this.capacity) this.delete(this.keys().next().value as K)
    return this
  }

  /** The oldest entry's key (the next one evicted), if any. */
  oldestKey(): K | undefined {
    return this.keys().next().value
  }
}
