// The Stratum server's figures for the relay's /metrics, API and live stream: one typed object.
import type { LineServerCounters } from './line-server'
import { REJECT_REASONS, type RejectReason } from './submit'

export interface StratumCounters {
  /** Accepted pseudo-shares and the sum of their credited difficulty. */
  accepted: number
  acceptedDifficulty: number
  rejected: Record<RejectReason, number>
  /** Pseudo-shares accepted on a job of the previous share-chain tip within the grace. */
  acceptedOnStaleTip: number
  /** Headers meeting the share target handed to the share chain... */
  sharesFound: number
  /** ...of which built on a share tip that had already been replaced (stale shares). */
  staleShares: number
  blocksFound: number
  /** mining.notify lines sent, and work epochs seen (new block / new share tip / refresh). */
  notifiesSent: number
  epochs: { block: number; 'share-tip': number; refresh: number; first: number }
  difficultyChanges: number
  sinkErrors: number
}

export function createCounters (): StratumCounters {
  return {
    accepted: 0,
    acceptedDifficulty: 0,
    rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>,
    acceptedOnStaleTip: 0,
    sharesFound: 0,
    staleShares: 0,
    blocksFound: 0,
    notifiesSent: 0,
    epochs: { block: 0, 'share-tip': 0, refresh: 0, first: 0 },
    difficultyChanges: 0,
    sinkErrors: 0
  }
}

/** One connected rig as the API's rigs list shows it. */
export interface RigInfo {
  connectionId: number
  remoteAddress: string
  userAgent: string
  address: string
  worker: string
  /** Current connection difficulty (Stratum scale of the chain). */
  difficulty: number
  /** Hashes per second, decayed average of accepted pseudo-shares. */
  hashrate: number
  accepted: number
  rejected: number
  /** Shares (meeting the share target) this connection found. */
  shares: number
  connectedAt: number
  lastShareAt: number | undefined
  versionRolling: boolean
}

export interface StratumMetrics {
  connections: number
  authorized: number
  counters: StratumCounters
  network: LineServerCounters
  rigs: RigInfo[]
  /** Sum of the rigs' hashrate estimates (H/s). */
  hashrate: number
}
