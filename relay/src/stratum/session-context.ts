// The part of a Stratum session that the mining.submit and option handlers (session-submit.ts,
// session-options.ts) read and change. StratumSession implements it, so the handlers depend on this
// narrow shape rather than on the session class, and the session imports them without a cycle.
import type { RpcId, StratumError } from './json-rpc'
import type { LineConnection } from './line-server'
import type { SessionServices } from './session-host'
import type { StratumUser } from './stratum-user'
import type { SessionJob } from './submit'
import type { HashrateMeter, Vardiff } from './vardiff'

export interface SessionContext {
  readonly conn: LineConnection
  readonly host: SessionServices
  readonly subscribed: boolean
  readonly users: ReadonlyMap<string, StratumUser>
  readonly payee: StratumUser | undefined
  readonly extranonce1: Uint8Array
  /** Negotiated BIP310 mask; 0 until mining.configure. */
  versionMask: number
  readonly jobs: Map<string, SessionJob>
  readonly difficulty: number
  readonly target: bigint
  /** Floor asked for by mining.configure minimum-difficulty. */
  minDifficulty: number | undefined
  lastSuggestion: number | undefined
  readonly vardiff: Vardiff
  readonly hashrate: HashrateMeter
  consecutiveBadSubmits: number
  accepted: number
  rejected: number
  sharesFound: number
  lastShareAt: number | undefined
  reply: (id: RpcId, result: unknown) => void
  replyError: (id: RpcId, error: StratumError) => void
  invalidParams: (id: RpcId, message: string) => void
  changeDifficulty: (next: number, resendJob?: boolean) => void
}
