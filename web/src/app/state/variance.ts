/**
 * Honest expectations for a miner, from work and hashrates (all in hashes). Mining is a Poisson
 * process: the expected time to find something whose target has work W at hashrate H is W / H.
 */
export interface VarianceInput {
  myHashrate: number
  poolHashrate: number
  networkHashrate: number
  /** Expected hashes per share at the current share target. */
  shareWork: number
  /** Expected hashes per block at the current block target. */
  blockWork: number
  windowShares: number
  shareIntervalSeconds: number
  myWindowShares: number
}

export interface VarianceOutput {
  secondsToMyShare: number
  secondsToPoolBlock: number
  /** How long my shares keep earning after I stop: until they leave the PPLNS window. */
  secondsMySharesStayInWindow: number
  /** Probability the pool finds at least one block while my current shares are still in the window. */
  chanceOfBlockWhileInWindow: number
  /** The pool's share of the network's blocks. */
  poolShareOfNetwork: number
}

export function explainVariance (v: VarianceInput): VarianceOutput {
  const windowSeconds = v.windowShares * v.shareIntervalSeconds
  const secondsToPoolBlock = v.poolHashrate > 0 ? v.blockWork / v.poolHashrate : Infinity
  return {
    secondsToMyShare: v.myHashrate > 0 ? v.shareWork / v.myHashrate : Infinity,
    secondsToPoolBlock,
    secondsMySharesStayInWindow: v.myWindowShares > 0 ? windowSeconds : 0,
    chanceOfBlockWhileInWindow: v.myWindowShares > 0 && Number.isFinite(secondsToPoolBlock)
      ? 1 - Math.exp(-windowSeconds / secondsToPoolBlock)
      : 0,
    poolShareOfNetwork: v.networkHashrate > 0 ? Math.min(1, v.poolHashrate / v.networkHashrate) : 0
  }
}
