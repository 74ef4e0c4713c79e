// Ring-buffer deque: O(1) push/pop at both ends (the PPLNS window grows at the tip and shrinks at the tail).

export class Deque<T> {
  private buf: (T | undefined)[]
  private head = 0
  private len = 0

  constructor(initialCapacity = 16) {
    this.buf = new Array(Math.max(4, initialCapacity))
  }

  get length(): number {
    return this.len
  }

  /** i = 0 is the front (oldest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.len) return undefined
    return this.buf[(this.head + i) % this.buf.length]
  }

  front(): T | undefined {
    return this.len ? this.buf[this.head] : undefined
  }

  back(): T | undefined {
    return this.len ? this.buf[(this.head + this.len - 1) % this.buf.length] : undefined
  }

  pushBack(v: T): void {
    this.grow()
    this.buf[(this.head + this.len) % this.buf.length] = v
    this.len++
  }

  pushFront(v: T): void {
    this.grow()
    this.head = (this.head - 1 + this.buf.length) % this.buf.length
    this.buf[this.head] = v
    this.len++
  }

  popBack(): T | undefined {
    if (!this.len) return undefined
    const i = (this.head + this.len - 1) % this.buf.length
    const v = this.buf[i]
    this.buf[i] = undefined
    this.len--
    return v
  }

  popFront(): T | undefined {
    if (!this.len) return undefined
    const v = this.buf[this.head]
    this.buf[this.head] = undefined
    this.head = (this.head + 1) % this.buf.length
    this.len--
    return v
  }

  private grow(): void {
    if (this.len < this.buf.length) return
    const next: (T | undefined)[] = new Array(this.buf.length * 2)
    for (let i = 0; i < this.len; i++) next[i] = this.buf[(this.head + i) % this.buf.length]
    this.buf = next
    this.head = 0
  }
}
