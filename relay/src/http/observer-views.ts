// JSON shapes of the observer endpoints (observer-api.ts). Amounts are decimal strings of base units,
// hashes display hex, times unix seconds, hashrates hashes per second, difficulties on the chain's
// Stratum scale (scrypt 2^16 easier than sha256d), and every rate says the window it was measured over.
import type { BlockStatus } from '../store/records'
import type { RigView } from './views'

export interface MeasuredRate {
  hashesPerSecond: number
  /** Seconds the rate was measured over (less than asked when the chain is younger). */
  windowSeconds: number
  /** Shares found in that window. */
  shares: number
}

/** GET /api/v1/pool */
export interface PoolObserverView {
  network: string
  ticker: string
  isTestNetwork: boolean
  poolFee: number
  /** The relay's clock when it answered. */
  now: number
  shareChain: {
    height?: number
    tip?: string
    /** Difficulty the next share must meet, and the hashes that takes on average. */
    shareDifficulty: number
    shareWork: number
    shareIntervalSeconds: number
    windowShares: number
    /** Shares of the window held now, and the seconds between their oldest and newest timestamps. */
    windowCount: number
    windowSpanSeconds: number
    finderBonusPpm: number
    lastShareAt?: number
  }
  /** Share work found over the last POOL_HASHRATE_WINDOW_SECONDS: 0 when nobody mines. */
  poolHashrate: MeasuredRate
  /** This relay's Stratum rigs, from their pseudo-shares. */
  rigs: { count: number; hashesPerSecond: number }
  /** The coin's chain (the "network" miners compare with). */
  chain: {
    height?: number
    /** Coinbase value of the current template (subsidy + fees). */
    blockReward?: string
    difficulty?: number
    blockWork: number
    targetBlockSeconds: number
    coinbaseMaturity: number
    /** Header-chain work over block times when enough headers are held, else the difficulty over the target block time. */
    hashrate: { hashesPerSecond: number; blocks: number; spanSeconds: number; from: 'block-times' | 'difficulty' }
  }
  /** Of the last `of` blocks of the coin's chain, how many this pool found. */
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

/** One miner session of an address: a browser tab or a rig, told apart by its coinbase extranonce. */
export interface WorkerView {
  /** The session's 4 extranonce bytes, hex. */
  session: string
  /** 'stratum' when its shares came in over this relay's Stratum server; 'peer' otherwise (a tab, or a rig on another relay). */
  kind: 'stratum' | 'peer'
  shares: number
  /** Its share work over the last POOL_HASHRATE_WINDOW_SECONDS. */
  hashesPerSecond: number
  /** Highest difficulty any of its shares' PoW hashes met (absent where not yet computed). */
  bestDifficulty?: number
  lastShareAt: number
}

/** GET /api/v1/miners/:address */
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
  /** This relay's Stratum connections for the address. */
  rigs: RigView[]
  blocks: Array<{ hash: string; height: number; foundAt: number; status: BlockStatus; amount: string; reason?: string }>
  /** Sums by status: only accepted and confirmed blocks pay; orphaned, stale and rejected pay nothing. */
  totals: { confirmed: string; accepted: string; submitted: string; unpaid: string }
}

/** GET /api/v1/history?range=10m|1h|24h: pool hashrate per bucket from share timestamps and work. */
export interface HashrateHistoryView {
  range: string
  /** The range's length and bucket width (s). */
  seconds: number
  bucketSeconds: number
  now: number
  /** [bucket end (unix s), hashes per second]; buckets older than the shares held are left out. */
  points: Array<[number, number]>
}

/** GET /api/v1/connect: what a rig needs to mine here. */
export interface RigConnectView {
  network: string
  pow: string
  /** Where the Stratum server listens (the host may be 0.0.0.0 / 127.0.0.1: the PWA shows the page's host then). */
  stratumHost?: string
  stratumPort?: number
  poolFee: number
  shareDifficulty: number
  maxCoinbaseOutputs: number
}
