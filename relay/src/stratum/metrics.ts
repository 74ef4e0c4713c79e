// The Stratum server's figures for the relay's /metrics, API and live stream: one typed object.
import type { LineServerCounters } from './line-server'
import { REJECT_REASONS, type RejectReason } from './submit'
import { BoundedMap } from '@otedama/shared/util'

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

export function createCounters(): StratumCounters {
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

/** Rigs remembered at most (count); the longest unseen is forgotten first. */
export const MAX_RIG_RECORDS = 10_000
/** How long a rig that left stays in the list (ms): a day shows yesterday's rigs that went quiet. */
export const RIG_RECORD_KEPT_MS = 24 * 60 * 60_000

/** One rig, keyed by payout address and worker name, across all its connections since the relay started. */
export interface RigRecord {
  /** `address.worker` (the key). */
  rig: string
  address: string
  worker: string
  online: boolean
  /** Connections open now. */
  connections: number
  /** Decayed estimate over the open connections (H/s). */
  hashrateHashesPerSecond: number
  /** Connection difficulty now, on the chain's Stratum scale (highest of the open connections). */
  stratumDifficulty: number
  /** Pseudo-shares since the relay started, all connections of this rig together (counts). */
  acceptedPseudoShares: number
  rejectedPseudoShares: number
  /** Headers meeting the share target (shares for the share chain). */
  sharesFound: number
  userAgent: string
  /** Wall-clock ms. */
  firstSeenAtMs: number
  lastSeenAtMs: number
  lastShareAtMs?: number
}

interface ClosedTotals {
  address: string
  worker: string
  accepted: number
  rejected: number
  shares: number
  userAgent: string
  firstSeenAtMs: number
  lastSeenAtMs: number
  lastShareAtMs: number | undefined
}

/** Keeps what each rig did on connections that closed, so a reconnect does not reset its figures. */
export class RigLedger {
  private readonly closedTotals = new BoundedMap<string, ClosedTotals>(MAX_RIG_RECORDS)

  /** A connection of an authorized rig closed: its counts join the rig's totals. */
  closed(info: RigInfo, now: number): void {
    if (info.address === '') return
    const key = rigKey(info)
    const t = this.closedTotals.get(key)
    const lastShare = maxDefined(t?.lastShareAtMs, info.lastShareAt)
    this.closedTotals.delete(key) // re-insert: the map's order is the eviction order
    this.closedTotals.set(key, {
      address: info.address,
      worker: info.worker,
      accepted: (t?.accepted ?? 0) + info.accepted,
      rejected: (t?.rejected ?? 0) + info.rejected,
      shares: (t?.shares ?? 0) + info.shares,
      userAgent: info.userAgent !== '' ? info.userAgent : (t?.userAgent ?? ''),
      firstSeenAtMs: Math.min(t?.firstSeenAtMs ?? info.connectedAt, info.connectedAt),
      lastSeenAtMs: now,
      lastShareAtMs: lastShare
    })
  }

  /** Every rig seen within RIG_RECORD_KEPT_MS: the open connections `live` merged with the closed totals. */
  records(live: readonly RigInfo[], now: number): RigRecord[] {
    for (const [key, t] of this.closedTotals)
      if (now - t.lastSeenAtMs > RIG_RECORD_KEPT_MS) this.closedTotals.delete(key)
    const byRig = new Map<string, RigRecord>()
    for (const [key, t] of this.closedTotals) {
      byRig.set(key, {
        rig: key,
        address: t.address,
        worker: t.worker,
        online: false,
        connections: 0,
        hashrateHashesPerSecond: 0,
        stratumDifficulty: 0,
        acceptedPseudoShares: t.accepted,
        rejectedPseudoShares: t.rejected,
        sharesFound: t.shares,
        userAgent: t.userAgent,
        firstSeenAtMs: t.firstSeenAtMs,
        lastSeenAtMs: t.lastSeenAtMs,
        ...(t.lastShareAtMs !== undefined ? { lastShareAtMs: t.lastShareAtMs } : {})
      })
    }
    for (const info of live) {
      if (info.address === '') continue
      const key = rigKey(info)
      const r = byRig.get(key) ?? {
        rig: key,
        address: info.address,
        worker: info.worker,
        online: true,
        connections: 0,
        hashrateHashesPerSecond: 0,
        stratumDifficulty: 0,
        acceptedPseudoShares: 0,
        rejectedPseudoShares: 0,
        sharesFound: 0,
        userAgent: '',
        firstSeenAtMs: info.connectedAt,
        lastSeenAtMs: now
      }
      const lastShare = maxDefined(r.lastShareAtMs, info.lastShareAt)
      byRig.set(key, {
        ...r,
        online: true,
        connections: r.connections + 1,
        hashrateHashesPerSecond: r.hashrateHashesPerSecond + info.hashrate,
        stratumDifficulty: Math.max(r.stratumDifficulty, info.difficulty),
        acceptedPseudoShares: r.acceptedPseudoShares + info.accepted,
        rejectedPseudoShares: r.rejectedPseudoShares + info.rejected,
        sharesFound: r.sharesFound + info.shares,
        userAgent: info.userAgent !== '' ? info.userAgent : r.userAgent,
        firstSeenAtMs: Math.min(r.firstSeenAtMs, info.connectedAt),
        lastSeenAtMs: now,
        ...(lastShare !== undefined ? { lastShareAtMs: lastShare } : {})
      })
    }
    return [...byRig.values()].sort((a, b) => (a.rig < b.rig ? -1 : a.rig > b.rig ? 1 : 0))
  }
}

function rigKey(info: { address: string; worker: string }): string {
  return info.worker === '' ? info.address : `${info.address}.${info.worker}`
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b)
}
