// What a session needs from its server (an interface, so the session is testable on its own). The two
// lifecycle callbacks that name the session's own type are added in session.ts (SessionHost), so this
// file, and the submit and options handlers that use it, never import the session.
import type { WorkEpoch } from './jobs'
import type { StratumCounters } from './metrics'
import type { OperatorFee } from './operator-fee'
import type { StratumChain, StratumParams } from './params'
import type { BlockSink, ShareSink } from './types'

export interface SessionServices {
  readonly params: StratumParams
  readonly chain: StratumChain
  readonly counters: StratumCounters
  readonly fee: OperatorFee
  readonly operatorScript: Uint8Array | undefined
  /** client.show_message text sent after authorize when a fee is set. */
  readonly feeMessage: string | undefined
  /** Expected hashes per unit of Stratum difficulty (2^256 / diff1 target): 2^32 sha256d, 2^48 scrypt. */
  readonly hashesPerDifficulty: number
  readonly extranonce2Bytes: number
  readonly shareSink: ShareSink | undefined
  readonly blockSink: BlockSink | undefined
  readonly nextJobId: () => string
  currentEpoch: () => WorkEpoch | undefined
  /** Target of a difficulty on the chain's Stratum scale (cached). */
  targetFor: (difficulty: number) => bigint
  /** Clamps a difficulty into [floor, params.maxDifficulty]. */
  clampDifficulty: (difficulty: number, sessionFloor: number | undefined) => number
  /** The highest difficulty allowed: params.maxDifficulty (a rig's own share target follows its difficulty). */
  maxDifficultyNow: () => number
  /**
   * A rig's own share difficulty per unit of its Stratum difficulty: shareIntervalSeconds /
   * (OWN_SHARES_PER_INTERVAL x targetShareSeconds), at least 1, so a rig at its vardiff pace finds two
   * shares per share interval at most, and its pseudo-share target is never harder than its share target.
   */
  readonly ownShareRatio: number
  /** A fresh extranonce1, or the one of a closed session when `resumeId` names it. */
  allocateExtranonce1: (resumeId: string | undefined) => { value: number; resumedDifficulty: number | undefined }
}
