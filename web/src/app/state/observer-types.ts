// What the relay's observer endpoints answer (relay/src/http/observer-views.ts is the relay's side).
// Amounts are decimal strings of base units, hashes display hex, times unix seconds, hashrates H/s,
// difficulties on the chain's Stratum scale.

/** The block status vocabulary of the relay's API: only accepted and confirmed blocks pay. */
export type BlockStatus = 'submitted' | 'accepted' | 'confirmed' | 'orphaned' | 'stale' | 'rejected'

export interface MeasuredRate {
  hashesPerSecond: number
  windowSeconds: number
  shares: number
}

export interface PoolObserverView {
  network: string
  ticker: string
  isTestNetwork: boolean
  poolFee: number
  now: number
  shareChain: {
    height?: number
    tip?: string
    shareDifficulty: number
    shareWork: number
    shareIntervalSeconds: number
    windowShares: number
    windowCount: number
    windowSpanSeconds: number
    finderBonusPpm: number
    lastShareAt?: number
  }
  poolHashrate: MeasuredRate
  rigs: { count: number; hashesPerSecond: number }
  chain: {
    height?: number
    blockReward?: string
    difficulty?: number
    blockWork: number
    targetBlockSeconds: number
    coinbaseMaturity: number
    hashrate: { hashesPerSecond: number; blocks: number; spanSeconds: number; from: 'block-times' | 'difficulty' }
  }
  recentBlocks: { found: number; of: number }
  payees: {
    total: number
    offset: number
    items: Array<{
      payoutScript: string
      address?: string
      shares: number
      weightPpm: number
      expectedNextBlock: string
    }>
  }
  blocks: {
    total: number
    offset: number
    items: Array<{
      hash: string
      height: number
      foundAt: number
      reward: string
      status: BlockStatus
      reason?: string
      confirmations?: number
      effort?: number
    }>
  }
}

export interface WorkerView {
  session: string
  kind: 'stratum' | 'peer'
  shares: number
  hashesPerSecond: number
  bestDifficulty?: number
  lastShareAt: number
}

/** A Stratum rig as the relay's API lists it (one record per address.worker, across reconnects). */
export interface RigView {
  worker: string
  address: string
  online: boolean
  hashrateHashesPerSecond: number
  stratumDifficulty: number
  acceptedPseudoShares: number
  rejectedPseudoShares: number
  sharesFound: number
  /** Unix ms. */
  firstSeenAtMs: number
  lastSeenAtMs: number
  lastShareAtMs?: number
}

export interface MinerView {
  address: string
  payoutScript: string
  network: string
  ticker: string
  now: number
  sharesInWindow: number
  windowShares: number
  weightPpm: number
  expectedNextBlock: string
  hashrateWindowSeconds: number
  shares: Array<{ id: string; height: number; timestamp: number; difficulty: number; bestDifficulty?: number }>
  workers: WorkerView[]
  rigs: RigView[]
  blocks: Array<{ hash: string; height: number; foundAt: number; status: BlockStatus; amount: string; reason?: string }>
  totals: { confirmed: string; accepted: string; submitted: string; unpaid: string }
}

export interface HashrateHistoryView {
  range: string
  seconds: number
  bucketSeconds: number
  now: number
  points: Array<[number, number]>
}

export interface RigConnectView {
  network: string
  pow: string
  stratumHost?: string
  stratumPort?: number
  poolFee: number
  shareDifficulty: number
  maxCoinbaseOutputs: number
}

export type HistoryRange = '10m' | '1h' | '24h'
export const HISTORY_RANGES: ReadonlyArray<{ id: HistoryRange; label: string }> = [
  { id: '10m', label: '10 min' },
  { id: '1h', label: '1 h' },
  { id: '24h', label: '24 h' }
]
