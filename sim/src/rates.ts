// Per-miner find rates (shares per virtual second) in a Fenwick tree: the next share anywhere comes
// after Exp(total rate), and its finder is drawn in proportion to each miner's rate (superposed
// Poisson processes), both in O(log miners).

export class RateTree {
  private readonly tree: Float64Array
  private readonly values: Float64Array
  total = 0

  constructor(readonly size: number) {
    this.tree = new Float64Array(size + 1)
    this.values = new Float64Array(size)
  }

  get(i: number): number {
    return this.values[i]
  }

  set(i: number, rate: number): void {
    const delta = rate - this.values[i]
    if (delta === 0) return
    this.values[i] = rate
    this.total += delta
    for (let j = i + 1; j <= this.size; j += j & -j) this.tree[j] += delta
  }

  /** The index whose cumulative range holds `u` in [0, total). */
  find(u: number): number {
    let pos = 0
    let rest = u
    for (let step = 1 << Math.floor(Math.log2(this.size)); step > 0; step >>= 1) {
      const next = pos + step
      if (next <= this.size && this.tree[next] <= rest) {
        pos = next
        rest -= this.tree[next]
      }
    }
    // Floating-point sums may leave `u` just past the last positive rate: step back to one.
    let i = Math.min(pos, this.size - 1)
    while (i > 0 && this.values[i] === 0) i--
    return i
  }
}
