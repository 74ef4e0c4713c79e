// Seeded randomness for the simulator: xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/),
// seeded through splitmix32 so any 32-bit seed gives a well-mixed state. 32-bit integer math only
// (Math.imul), so the same seed gives the same stream on every JavaScript engine.

/** splitmix32 step: a 32-bit state to a well-mixed 32-bit output (seeds xoshiro's four words). */
function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0
  let z = next
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return [next, (z ^ (z >>> 16)) >>> 0]
}

export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = seed | 0
    const words: number[] = []
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(s)
      s = next
      words.push(out)
    }
    ;[this.a, this.b, this.c, this.d] = words as [number, number, number, number]
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1 // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5 // 27 bits
    const lo = this.nextU32() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Exponential with `rate` events per unit (mean 1 / rate). */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Log-normal with the given median and sigma of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  /** Pareto with minimum `min` and tail index `alpha` (smaller alpha: heavier tail). */
  pareto(min: number, alpha: number): number {
    return min * Math.pow(1 - this.next(), -1 / alpha)
  }

  /** `length` random bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i += 4) {
      let w = this.nextU32()
      for (let j = i; j < Math.min(length, i + 4); j++, w >>>= 8) out[j] = w & 0xff
    }
    return out
  }

  /** A derived, independent stream (per subsystem, so adding draws in one does not shift another). */
  fork(): Prng {
    return new Prng((this.nextU32() ^ Math.imul(this.nextU32(), 0x27d4eb2d)) | 0)
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
