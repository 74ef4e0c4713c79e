// One token bucket: `ratePerSecond` tokens flow in, at most `burst` are held, and each admitted unit of
// work takes its cost. It is the rate limit behind Stratum lines per connection, log lines per source,
// gossip messages per peer and sync requests per peer, so all four refill the same way: linearly with
// elapsed time, never above the burst, and never backwards when the clock steps back.
export class TokenBucket {
  private tokens: number
  private updatedMs: number

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    nowMs: number
  ) {
    if (!(ratePerSecond >= 0)) throw new RangeError(`TokenBucket rate must be >= 0 tokens/s, got ${ratePerSecond}`)
    if (!(burst >= 1)) throw new RangeError(`TokenBucket burst must be >= 1 token, got ${burst}`)
    this.tokens = burst
    this.updatedMs = nowMs
  }

  /** Adds what flowed in since the last call; returns the milliseconds that passed (0 if the clock stepped back). */
  refill(nowMs: number): number {
    const elapsedMs = Math.max(0, nowMs - this.updatedMs)
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSecond)
    this.updatedMs = Math.max(this.updatedMs, nowMs)
    return elapsedMs
  }

  /** Refills, then takes `cost` tokens if that many are held; false (nothing taken) otherwise. */
  tryTake(nowMs: number, cost = 1): boolean {
    this.refill(nowMs)
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }

  /** Returns `count` tokens taken for work that turned out not to count (never above the burst). */
  giveBack(count = 1): void {
    this.tokens = Math.min(this.burst, this.tokens + count)
  }

  /** Tokens held now (fractional), as of the last refill. */
  get available(): number {
    return this.tokens
  }

  /** When the bucket was last refilled (ms): how long it has been idle. */
  get lastRefillMs(): number {
    return this.updatedMs
  }
}
