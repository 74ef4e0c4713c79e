// Chain parameters: one frozen object per network, compiled in (docs/design.md, Chains). Consensus constants are
// never operator config; tests that need other values derive them with `withShareChainConstants`.
import type { AddressPrefixes } from '../address/prefixes'

import type { NetworkName } from '../network-name'
export type { NetworkName } from '../network-name'

export type Coin = 'devnet' | 'bitcoin' | 'litecoin'
export type PowAlgorithmName = 'sha256d' | 'scrypt'

/** Share-chain consensus constants (docs/design.md, Share-chain rules). All integers; amounts and targets bigint. */
export interface ShareChainConstants {
  /** Target time between shares, seconds (the retarget aims at it). */
  readonly shareIntervalSeconds: number
  /** PPLNS window: shares ending at the parent that split a coinbase, count. */
  readonly windowShares: number
  /** Most payout outputs in a coinbase (excluding the share and witness commitments), count. */
  readonly maxCoinbaseOutputs: number
  /** Payees owed less than this are pooled into the lottery, base units (satoshi / litoshi). */
  readonly dustLimit: bigint
  /** Finder bonus, parts per million of the coinbase value (5000 = 0.5 %); 0 <= x < 1 000 000. */
  readonly finderBonusPpm: number
  /** Easiest share target allowed (the minimum share difficulty), on the chain's PoW scale; compact-exact. */
  readonly minShareTarget: bigint
  /** Main-chain shares (ending at the parent) whose timestamps and work the retarget measures, count (>= 2). */
  readonly retargetWindowShares: number
  /** Percent of the retarget window's timestamps trimmed from EACH end before measuring its span (outliers). */
  readonly retargetTrimPercent: number
  /** Largest change of the required share target from one share to the next, percent (100 = at most x2 or /2). */
  readonly maxRetargetStepPercent: number
  /** Deepest uncle: an uncle's height is at least the naming share's height minus this, shares. */
  readonly maxUncleDepth: number
  /** Most uncles one share may name, count. */
  readonly maxUnclesPerShare: number
  /** Share of an uncle's work credited to the share that names it instead of the uncle's miner, percent. */
  readonly unclePenaltyPercent: number
  /** Live shares kept per share height beyond the first (side branches and uncle candidates), count. */
  readonly maxSiblingsPerHeight: number
  /** A share's timestamp must exceed the median of this many ancestors' (odd). */
  readonly medianTimeSpan: number
  /** A live share more than this far ahead of the local clock is ignored (not punished), seconds. */
  readonly maxFutureSeconds: number
}

/** devnet's genesis header fields. The header's nonce is the LOWEST nonce from 0 whose sha256d meets `bits`. */
export interface DevnetGenesis {
  readonly version: number
  /** Unix seconds. */
  readonly time: number
  /** Compact target of the genesis header (the starting block difficulty). */
  readonly bits: number
  /** ASCII text pushed in the genesis coinbase scriptSig (its only output is OP_RETURN, value 0). */
  readonly coinbaseMessage: string
}

/**
 * devnet's block retarget, every block: next target = tip target x actualSpan / expectedSpan over the last
 * `windowBlocks` blocks (expectedSpan = windowBlocks x targetBlockSeconds), actualSpan clamped so one step
 * changes the target by at most `maxStepPercent`, never easier than powLimit. Integer math.
 */
export interface DevnetBlockRetarget {
  readonly windowBlocks: number
  readonly maxStepPercent: number
}

export interface ChainPorts {
  /** libp2p TCP/WebSocket listen port of a relay. */
  readonly p2p: number
  readonly stratum: number
  readonly http: number
  /** The coin daemon's default JSON-RPC port (absent for devnet, which has no daemon). */
  readonly rpc?: number
}

export interface ChainParams {
  readonly name: NetworkName
  readonly coin: Coin
  /** Currency symbol for display only. */
  readonly ticker: string
  /** True for every network whose coins have no value (all but bitcoin and litecoin). */
  readonly isTestNetwork: boolean
  readonly pow: PowAlgorithmName
  /** Stratum difficulty 1 as a target: sha256d 0xffff<<208; scrypt 2^16 easier, 0xffff<<224. */
  readonly stratumDiff1Target: bigint
  readonly addresses: AddressPrefixes
  /** Block subsidy: `initial` base units, halved every `halvingInterval` blocks. */
  readonly subsidy: { readonly initial: bigint; readonly halvingInterval: number }
  /** Default ports; operator config may override them (not consensus, not in the network id). */
  readonly ports: ChainPorts
  readonly shareChain: ShareChainConstants
  /** Easiest block target the chain allows (Core's consensus.powLimit). */
  readonly powLimit: bigint
  readonly targetBlockSeconds: number
  /** Blocks before a coinbase output may be spent. */
  readonly coinbaseMaturity: number
  readonly segwit: boolean
  readonly mweb: boolean
  /** `rules` to pass to the daemon's getblocktemplate (not consensus, not in the network id). */
  readonly gbtRules: readonly string[]
  /** Display-hex hash of block 0 of a daemon-backed chain (check the daemon is on the right chain). */
  readonly genesisBlockHash?: string
  readonly devnetGenesis?: DevnetGenesis
  readonly devnetBlockRetarget?: DevnetBlockRetarget
}

/** Chain parameters that break a rule; the message lists every problem found. */
export class ChainParamsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ChainParamsError'
  }
}
