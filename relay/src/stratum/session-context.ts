// The parts of a Stratum session its handlers see. StratumSession implements both, so the handlers
// (session-submit.ts, session-options.ts) depend on these narrow shapes rather than on the session
// class, and the session imports them without a cycle.
import type { RpcId, StratumError } from './json-rpc'
import type { SessionServices } from './session-host'
import type { StratumUser } from './stratum-user'
import type { SessionJob } from './submit'

/** What judging a mining.submit reads; it changes nothing (the session applies the outcome). */
export interface SubmitView {
  readonly host: SessionServices
  readonly subscribed: boolean
  readonly users: ReadonlyMap<string, StratumUser>
  readonly payee: StratumUser | undefined
  readonly extranonce1: Uint8Array
  /** Negotiated BIP310 mask; 0 until mining.configure. */
  readonly versionMask: number
  readonly jobs: ReadonlyMap<string, SessionJob>
  readonly difficulty: number
  readonly target: bigint
  /** The rig's IP address, as the found share's origin. */
  readonly remoteAddress: string
}

/** What the option handlers (mining.configure, suggest_difficulty, suggest_target) read and change. */
export interface SessionContext {
  readonly host: SessionServices
  /** Negotiated BIP310 mask; 0 until mining.configure. */
  versionMask: number
  readonly difficulty: number
  /** Floor asked for by mining.configure minimum-difficulty. */
  minDifficulty: number | undefined
  lastSuggestion: number | undefined
  reply: (id: RpcId, result: unknown) => void
  replyError: (id: RpcId, error: StratumError) => void
  invalidParams: (id: RpcId, message: string) => void
  changeDifficulty: (next: number, resendJob?: boolean) => void
}
