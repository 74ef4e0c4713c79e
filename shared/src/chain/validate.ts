// Checks that chain parameters are internally consistent, with messages that say what to fix.
import { scriptHashVersions } from '../address/prefixes'
import { bitsToTarget, MAX_TARGET, targetToBits } from '../primitives/target'
import { ChainParamsError, type ChainParams, type ShareChainConstants } from './params'

/** 1 000 000 ppm = 100 %; the finder bonus must leave something for the window. */
export const PPM = 1_000_000
/** Upper bounds that keep memory and coinbase sizes sane (not consensus choices). */
const MAX_WINDOW_SHARES = 1_000_000
const MAX_COINBASE_OUTPUTS = 10_000
const MAX_RETARGET_STEP_PERCENT = 1_000
/** Trimming more than 40 % from each end would leave too few timestamps to measure a span. */
const MAX_RETARGET_TRIM_PERCENT = 40
/** Uncle bounds: the share encoding carries at most 8 uncle ids (sharechain/constants.ts MAX_ENCODED_UNCLES). */
const MAX_UNCLES_PER_SHARE = 8
const MAX_UNCLE_DEPTH = 16
/** BIP173: the HRP is 1..83 US-ASCII characters 33..126. */
const MAX_HRP_CHARS = 83
/** Largest amount any of these coins can have: 21e6 BTC / 84e6 LTC in base units fit well below this. */
const MAX_MONEY_BASE_UNITS = 84_000_000n * 100_000_000n

function isInt(n: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max
}

function isTarget(t: unknown): boolean {
  return typeof t === 'bigint' && t > 0n && t <= MAX_TARGET
}

function shareChainProblems(s: ShareChainConstants): string[] {
  const p: string[] = []
  if (!isInt(s.shareIntervalSeconds, 1)) p.push('shareIntervalSeconds must be an integer >= 1')
  if (!isInt(s.windowShares, 1, MAX_WINDOW_SHARES)) p.push(`windowShares must be an integer in 1..${MAX_WINDOW_SHARES}`)
  if (!isInt(s.maxCoinbaseOutputs, 1, MAX_COINBASE_OUTPUTS)) {
    p.push(`maxCoinbaseOutputs must be an integer in 1..${MAX_COINBASE_OUTPUTS}`)
  }
  if (typeof s.dustLimit !== 'bigint' || s.dustLimit < 0n) p.push('dustLimit must be a bigint >= 0')
  if (!isInt(s.finderBonusPpm, 0, PPM - 1)) p.push(`finderBonusPpm must be an integer in 0..${PPM - 1}`)
  if (!isTarget(s.minShareTarget)) p.push('minShareTarget must be a bigint in 1..2^256-1')
  else if (bitsToTarget(targetToBits(s.minShareTarget)) !== s.minShareTarget) {
    p.push('minShareTarget must be exactly representable in compact bits (ShareInfo carries bits)')
  }
  if (!isInt(s.retargetWindowShares, 2)) p.push('retargetWindowShares must be an integer >= 2')
  if (!isInt(s.maxRetargetStepPercent, 1, MAX_RETARGET_STEP_PERCENT)) {
    p.push(`maxRetargetStepPercent must be an integer in 1..${MAX_RETARGET_STEP_PERCENT}`)
  }
  if (!isInt(s.retargetTrimPercent, 0, MAX_RETARGET_TRIM_PERCENT))
    p.push(`retargetTrimPercent must be an integer in 0..${MAX_RETARGET_TRIM_PERCENT}`)
  if (!isInt(s.maxUncleDepth, 0, MAX_UNCLE_DEPTH)) p.push(`maxUncleDepth must be an integer in 0..${MAX_UNCLE_DEPTH}`)
  if (!isInt(s.maxUnclesPerShare, 0, MAX_UNCLES_PER_SHARE))
    p.push(`maxUnclesPerShare must be an integer in 0..${MAX_UNCLES_PER_SHARE}`)
  if (!isInt(s.unclePenaltyPercent, 0, 100)) p.push('unclePenaltyPercent must be an integer in 0..100')
  if (!isInt(s.maxSiblingsPerHeight, 0)) p.push('maxSiblingsPerHeight must be an integer >= 0')
  if (!isInt(s.medianTimeSpan, 1) || s.medianTimeSpan % 2 === 0) p.push('medianTimeSpan must be an odd integer >= 1')
  if (!isInt(s.maxFutureSeconds, 0)) p.push('maxFutureSeconds must be an integer >= 0')
  return p
}

function addressProblems(params: ChainParams): string[] {
  const a = params.addresses
  const p: string[] = []
  const versions = scriptHashVersions(a)
  if (!isInt(a.pubkeyHash, 0, 255)) p.push('addresses.pubkeyHash must be a byte 0..255')
  if (versions.length === 0 || !versions.every((v) => isInt(v, 0, 255))) {
    p.push('addresses.scriptHash must be one or more bytes 0..255')
  }
  if (versions.includes(a.pubkeyHash)) p.push('addresses.scriptHash must differ from pubkeyHash')
  const hrp = a.bech32Hrp
  if (
    typeof hrp !== 'string' ||
    hrp.length < 1 ||
    hrp.length > MAX_HRP_CHARS ||
    hrp !== hrp.toLowerCase() ||
    ![...hrp].every((c) => c.charCodeAt(0) >= 33 && c.charCodeAt(0) <= 126)
  ) {
    p.push(`addresses.bech32Hrp must be 1..${MAX_HRP_CHARS} lowercase US-ASCII characters`)
  }
  return p
}

function devnetProblems(params: ChainParams): string[] {
  const p: string[] = []
  if (params.coin !== 'devnet') {
    if (params.devnetGenesis || params.devnetBlockRetarget) p.push('only devnet has devnetGenesis/devnetBlockRetarget')
    return p
  }
  const g = params.devnetGenesis
  if (!g) return ['devnet needs devnetGenesis']
  if (!isInt(g.version, 0, 0x7fffffff)) p.push('devnetGenesis.version must be a positive int32')
  if (!isInt(g.time, 0, 0xffffffff)) p.push('devnetGenesis.time must be a uint32 (unix seconds)')
  if (!/^[\x20-\x7e]{1,64}$/.test(g.coinbaseMessage))
    p.push('devnetGenesis.coinbaseMessage must be 1..64 printable ASCII')
  let genesisTarget: bigint | undefined
  try {
    genesisTarget = bitsToTarget(g.bits)
  } catch {
    p.push('devnetGenesis.bits is not a valid compact target')
  }
  if (genesisTarget !== undefined && isTarget(params.powLimit) && genesisTarget > params.powLimit) {
    p.push('devnetGenesis.bits is easier than powLimit')
  }
  const r = params.devnetBlockRetarget
  if (!r) p.push('devnet needs devnetBlockRetarget')
  else {
    if (!isInt(r.windowBlocks, 1)) p.push('devnetBlockRetarget.windowBlocks must be an integer >= 1')
    if (!isInt(r.maxStepPercent, 1, MAX_RETARGET_STEP_PERCENT)) {
      p.push(`devnetBlockRetarget.maxStepPercent must be an integer in 1..${MAX_RETARGET_STEP_PERCENT}`)
    }
  }
  return p
}

/** Throws ChainParamsError listing every problem of `params`; returns them unchanged when valid. */
export function validateChainParams(params: ChainParams): ChainParams {
  const p: string[] = []
  if (params.pow !== 'sha256d' && params.pow !== 'scrypt') p.push("pow must be 'sha256d' or 'scrypt'")
  if (!isTarget(params.stratumDiff1Target)) p.push('stratumDiff1Target must be a bigint in 1..2^256-1')
  if (!isTarget(params.powLimit)) p.push('powLimit must be a bigint in 1..2^256-1')
  if (!isInt(params.targetBlockSeconds, 1)) p.push('targetBlockSeconds must be an integer >= 1')
  if (!isInt(params.coinbaseMaturity, 1)) p.push('coinbaseMaturity must be an integer >= 1')
  const { initial, halvingInterval } = params.subsidy
  if (typeof initial !== 'bigint' || initial < 0n || initial > MAX_MONEY_BASE_UNITS) {
    p.push('subsidy.initial must be a bigint within the money range')
  }
  if (!isInt(halvingInterval, 1)) p.push('subsidy.halvingInterval must be an integer >= 1 (blocks)')
  if (params.mweb && params.coin !== 'litecoin') p.push('only litecoin networks have MWEB')
  for (const [name, port] of Object.entries(params.ports)) {
    if (port !== undefined && !isInt(port, 1, 65535)) p.push(`ports.${name} must be 1..65535`)
  }
  p.push(...addressProblems(params), ...shareChainProblems(params.shareChain), ...devnetProblems(params))
  if (p.length > 0) throw new ChainParamsError(`invalid chain params for ${params.name}: ${p.join('; ')}`)
  return params
}

/** Recursively freezes plain objects and arrays (bigints and strings are immutable already). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value as object)) deepFreeze(child)
  }
  return value
}

/**
 * A validated, frozen copy of `params` with some share-chain constants replaced. For tests and tools: the
 * result has a different network id, so its shares never mix with the real network's.
 */
export function withShareChainConstants(params: ChainParams, overrides: Partial<ShareChainConstants>): ChainParams {
  return deepFreeze(validateChainParams({ ...params, shareChain: { ...params.shareChain, ...overrides } }))
}
