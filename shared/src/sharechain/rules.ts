// The share-chain constants of one network, in the shape this module uses. Built once from the
// network's ChainParams (chain/params.ts) by `shareChainRules`; consensus values, never operator config.
import type { ChainParams } from '../chain/params'
import { networkId } from '../chain/network-id'
import type { PowAlgorithm } from '../primitives/hash'
import { MAX_ENCODED_UNCLES, NETWORK_TAG_BYTES } from './constants'

export interface ShareChainRules {
  /** 32-byte network id (chain/network-id.ts): shares of another network never verify here. */
  networkId: Uint8Array
  /** First NETWORK_TAG_BYTES of networkId; carried in shares and commitments. */
  networkTag: Uint8Array
  pow: PowAlgorithm
  /** Target seconds between shares. */
  shareIntervalSeconds: number
  /** PPLNS window length in shares (ending at the parent, inclusive). */
  windowShares: number
  /** Most payout outputs in a coinbase (the commitment and witness commitment come on top). */
  maxPayoutOutputs: number
  /** Payees below this amount (base units) join the lottery pool. */
  dustLimit: bigint
  /** Finder bonus in parts per million of the coinbase value (5000 = 0.5 %). */
  finderBonusPpm: number
  /** Easiest share target allowed (the network's minimum share difficulty); the retarget never exceeds it. */
  maxShareTarget: bigint
  /** Shares back (intervals) the retarget measures the share rate over. */
  retargetWindowShares: number
  /** Percent of the retarget window's timestamps trimmed from each end (outliers). */
  retargetTrimPercent: number
  /** Largest change of the required share target per share, in percent (100: at most x2 easier or /2 harder). */
  maxRetargetStepPercent: number
  /** An uncle is at most this many shares below the share that names it. */
  maxUncleDepth: number
  /** Most uncles one share names. */
  maxUnclesPerShare: number
  /** Percent of an uncle's work credited to the naming share's miner instead of the uncle's. */
  unclePenaltyPercent: number
  /** Live shares taken per height beyond the first; more are ignored unless they would be the tip. */
  maxSiblingsPerHeight: number
  /** Ancestors whose median timestamp a share must exceed (11, like Bitcoin's median-time-past). */
  medianTimeSpan: number
  /** A live share stamped further than this ahead of the local clock is ignored. */
  maxFutureSeconds: number
  /** Seconds per block of the coin (sizes the synced-share window in blocks). */
  targetBlockSeconds: number
}

/** Throws a message a human can act on when a rules object is inconsistent. */
export function validateShareChainRules(r: ShareChainRules): void {
  const problems: string[] = []
  if (r.networkId.length !== 32) problems.push('networkId must be 32 bytes')
  if (r.networkTag.length !== 8) problems.push('networkTag must be 8 bytes')
  if (!(r.shareIntervalSeconds > 0)) problems.push('shareIntervalSeconds must be > 0')
  if (!Number.isInteger(r.windowShares) || r.windowShares < 1) problems.push('windowShares must be an integer >= 1')
  // One output is kept for the finder's bonus, so a window needs at least one more.
  if (!Number.isInteger(r.maxPayoutOutputs) || r.maxPayoutOutputs < 2) problems.push('maxPayoutOutputs must be >= 2')
  if (r.dustLimit < 0n) problems.push('dustLimit must be >= 0')
  if (!Number.isInteger(r.finderBonusPpm) || r.finderBonusPpm < 0 || r.finderBonusPpm > 1_000_000) {
    problems.push('finderBonusPpm must be 0..1000000')
  }
  if (r.maxShareTarget <= 0n || r.maxShareTarget >= 1n << 256n) problems.push('maxShareTarget must be 1..2^256-1')
  if (!Number.isInteger(r.retargetWindowShares) || r.retargetWindowShares < 1)
    problems.push('retargetWindowShares must be >= 1')
  if (!(r.maxRetargetStepPercent > 0)) problems.push('maxRetargetStepPercent must be > 0')
  if (!Number.isInteger(r.retargetTrimPercent) || r.retargetTrimPercent < 0 || r.retargetTrimPercent > 40)
    problems.push('retargetTrimPercent must be 0..40')
  if (!Number.isInteger(r.maxUncleDepth) || r.maxUncleDepth < 0) problems.push('maxUncleDepth must be >= 0')
  if (!Number.isInteger(r.maxUnclesPerShare) || r.maxUnclesPerShare < 0 || r.maxUnclesPerShare > MAX_ENCODED_UNCLES) {
    problems.push(`maxUnclesPerShare must be 0..${MAX_ENCODED_UNCLES}`)
  }
  if (!Number.isInteger(r.unclePenaltyPercent) || r.unclePenaltyPercent < 0 || r.unclePenaltyPercent > 100)
    problems.push('unclePenaltyPercent must be 0..100')
  if (!Number.isInteger(r.maxSiblingsPerHeight) || r.maxSiblingsPerHeight < 0)
    problems.push('maxSiblingsPerHeight must be >= 0')
  if (!Number.isInteger(r.medianTimeSpan) || r.medianTimeSpan < 1) problems.push('medianTimeSpan must be >= 1')
  if (!(r.maxFutureSeconds >= 0)) problems.push('maxFutureSeconds must be >= 0')
  if (problems.length) throw new RangeError(`invalid share-chain rules: ${problems.join('; ')}`)
}

/** The rules of a network, from its compiled-in ChainParams (network id per chain/network-id.ts). */
export function shareChainRules(params: ChainParams): ShareChainRules {
  const s = params.shareChain
  const id = networkId(params)
  const rules: ShareChainRules = {
    networkId: id,
    networkTag: id.slice(0, NETWORK_TAG_BYTES),
    pow: params.pow,
    shareIntervalSeconds: s.shareIntervalSeconds,
    windowShares: s.windowShares,
    maxPayoutOutputs: s.maxCoinbaseOutputs,
    dustLimit: s.dustLimit,
    finderBonusPpm: s.finderBonusPpm,
    maxShareTarget: s.minShareTarget,
    retargetWindowShares: s.retargetWindowShares,
    retargetTrimPercent: s.retargetTrimPercent,
    maxRetargetStepPercent: s.maxRetargetStepPercent,
    maxUncleDepth: s.maxUncleDepth,
    maxUnclesPerShare: s.maxUnclesPerShare,
    unclePenaltyPercent: s.unclePenaltyPercent,
    maxSiblingsPerHeight: s.maxSiblingsPerHeight,
    medianTimeSpan: s.medianTimeSpan,
    maxFutureSeconds: s.maxFutureSeconds,
    targetBlockSeconds: params.targetBlockSeconds
  }
  validateShareChainRules(rules)
  return rules
}
