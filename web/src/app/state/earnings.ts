// "What will I earn?" from the figures a miner can check: this device's measured hashrate, the share
// difficulty (work per share), the block's work (network difficulty) and the block reward.
//
// Under PPLNS each share is worth, on average, shareWork / blockWork of a block reward: a block comes
// once per blockWork hashes of the pool, and pays the shares of the window by their work. So the
// expected income is hashrate × reward / blockWork per second, whatever the pool's size. The range
// comes from share luck: the shares found in a period are Poisson with mean hashrate × period / shareWork.
// Block luck comes on top (payouts arrive in lumps when the pool finds a block); the screen says how
// often that is.

/** The central share of outcomes the range covers: 90 % (the 5th to the 95th percentile). */
export const RANGE_LOW_QUANTILE = 0.05
export const RANGE_HIGH_QUANTILE = 0.95
/** Above this Poisson mean the normal approximation is used (its error is then below one share). */
const EXACT_POISSON_MAX_MEAN = 400

export interface EarningsInput {
  /** This device's hashrate, H/s. */
  hashrate: number
  /** Expected hashes per share at the current share difficulty. */
  shareWork: number
  /** Expected hashes per block at the current network difficulty. */
  blockWork: number
  /** Coinbase value of a block (base units). */
  blockReward: bigint
}

export interface PeriodEarnings {
  periodSeconds: number
  /** Expected shares found in the period, and the 90 % range of that count. */
  expectedShares: number
  sharesLow: number
  sharesHigh: number
  /** Expected income in base units (a float: an expectation, not an amount), and its 90 % range. */
  expected: number
  low: number
  high: number
}

/** The p-quantile of a Poisson distribution with mean `mean`: the least k with P(N ≤ k) ≥ p. */
export function poissonQuantile(mean: number, p: number): number {
  if (!(mean > 0)) return 0
  if (mean > EXACT_POISSON_MAX_MEAN) {
    // Normal approximation with continuity correction.
    const z = inverseStandardNormal(p)
    return Math.max(0, Math.ceil(mean + z * Math.sqrt(mean) - 0.5))
  }
  let pmf = Math.exp(-mean)
  let cdf = pmf
  let k = 0
  while (cdf < p && k < 10 * EXACT_POISSON_MAX_MEAN) {
    k++
    pmf *= mean / k
    cdf += pmf
  }
  return k
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function inverseStandardNormal(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628274631
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const poly = (k: number[], x: number): number => k.reduce((s, v) => s * x + v, 0)
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p))
    return poly(c, q) / (poly(d, q) * q + 1)
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    return -poly(c, q) / (poly(d, q) * q + 1)
  }
  const q = p - 0.5
  const r = q * q
  return (poly(a, r) * q) / (poly(b, r) * r + 1)
}

/** Expected income over `periodSeconds` with its 90 % range; undefined when an input is missing. */
export function expectedEarnings(input: EarningsInput, periodSeconds: number): PeriodEarnings | undefined {
  const { hashrate, shareWork, blockWork, blockReward } = input
  if (!(hashrate > 0) || !(shareWork > 0) || !(blockWork > 0) || blockReward <= 0n) return undefined
  const valuePerShare = (shareWork / blockWork) * Number(blockReward)
  const expectedShares = (hashrate * periodSeconds) / shareWork
  const sharesLow = poissonQuantile(expectedShares, RANGE_LOW_QUANTILE)
  const sharesHigh = poissonQuantile(expectedShares, RANGE_HIGH_QUANTILE)
  return {
    periodSeconds,
    expectedShares,
    sharesLow,
    sharesHigh,
    expected: expectedShares * valuePerShare,
    low: sharesLow * valuePerShare,
    high: sharesHigh * valuePerShare
  }
}

/** Seconds to find one share, or one block as a pool, at a hashrate; Infinity at zero. */
export function secondsPer(work: number, hashrate: number): number {
  return hashrate > 0 && work > 0 ? work / hashrate : Infinity
}
