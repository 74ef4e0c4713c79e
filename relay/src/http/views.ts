import type { FoundBlockRecord } from '../store/records'

/** What /api/v1/status answers. Amounts are decimal strings (bigint), hashes display hex. */
export interface StatusView {
  poolName: string
  network: string
  /** True for networks whose coins have no value (devnet, testnets, regtests). */
  isTestNetwork: boolean
  uptimeSeconds: number
  source: { kind: 'daemon' | 'devnet', healthy: boolean, reason?: string, height?: number, prevHash?: string, coinbaseValue?: string }
  shareChain: { height?: number, tip?: string, shares: number, windowShares: number, shareTarget?: string, poolHashrate: number }
  poolFee: number
  peers: number
  rigs: number
}

export interface ShareView {
  id: string
  height: number
  timestamp: number
  payoutScript: string
  payoutAddress?: string
  /** Share target as compact bits (hex). */
  bits: string
  blockHeight: number
}

export interface ShareChainView {
  tip?: string
  height?: number
  shares: ShareView[]
  /** Payees of the window at the tip with their share of its work, in parts per million. */
  window: Array<{ payoutScript: string, payoutAddress?: string, weightPpm: number }>
}

export interface PayoutsView {
  address: string
  payoutScript: string
  /** Shares of this address in the current window. */
  sharesInWindow: number
  /** Parts per million of the window's work. */
  weightPpm: number
  /** What the next block found by someone else would pay it, base units (decimal string). */
  expectedNextBlock: string
  /** Blocks found that paid it, newest first. */
  blocks: Array<{ hash: string, height: number, status: string, amount: string }>
}

/** A Stratum rig as the API shows it (Stratum's RigSource provides these). */
export interface RigView {
  worker: string
  address: string
  /** Hashes per second, estimated from accepted pseudo-shares. */
  hashrate: number
  difficulty: number
  accepted: number
  rejected: number
  connectedAt: number
  lastShareAt?: number
}

/** The 1-second metrics every stream client gets, and /metrics exports. */
export interface MetricsSnapshot {
  /** Wall-clock ms. */
  t: number
  blockHeight?: number
  shareHeight?: number
  sharesAccepted: number
  sharesRejected: number
  poolHashrate: number
  rigs: number
  rigHashrate: number
  peers: number
  sourceHealthy: boolean
  templateAgeSeconds?: number
  blocksFound: number
}

/** Everything the HTTP face reads; the relay composes it from its parts (main.ts). */
export interface ApiContext {
  status: () => StatusView
  shareChain: (limit: number) => ShareChainView
  /** Throws AddressError for an address of another network or a typo. */
  payouts: (address: string) => Promise<PayoutsView>
  blocks: (limit: number) => Promise<FoundBlockRecord[]>
  rigs: () => RigView[]
  metrics: () => MetricsSnapshot
}
