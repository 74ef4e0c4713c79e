// What the monitor reads of the relay, as interfaces: the relay composes them from its parts
// (relay-inputs.ts); tests pass their own.
import type { FoundBlockRecord } from '../store/records'
import type { MetricsSnapshot, RigView } from '../http/views'

/** Share-chain and block figures the waiting-time estimates need. */
export interface ChainFigures {
  /** Height of the share-chain tip (undefined before the first share). */
  shareHeight?: number
  windowShares: number
  /** Expected hashes per share at the required share target, and per block at the template's bits. */
  hashesPerShare: number
  hashesPerBlock?: number
}

/** A payout address's place in the PPLNS window. */
export interface MinerWindow {
  sharesInWindow: number
  /** Height and time (ms) of its newest share in the window. */
  lastShareHeight: number
  lastShareAtMs: number
}

export interface MonitorInputs {
  /** The 1-second figures the live stream and /metrics also show. */
  metrics: () => MetricsSnapshot
  rigs: () => RigView[]
  health: () => { healthy: boolean; reason?: string }
  /** True when the libp2p network runs (then no peers is a fault). */
  network: boolean
  /** Every change of a found block's record (the block pipeline's). */
  onBlockChange?: (listener: (record: FoundBlockRecord) => void) => () => void
  chain?: () => ChainFigures | undefined
  /** The newest share-chain share (ms) of each address asked for that has one in the window. */
  addressLastShares?: (addresses: readonly string[]) => Map<string, number>
  /** The address's place in the window; throws AddressError for an address of another network. */
  minerWindow?: (address: string) => MinerWindow | undefined
  /** Bytes received and sent since start, where a part counts them. */
  bandwidth?: () => { bytesIn: number; bytesOut: number }
}
