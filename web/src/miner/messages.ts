// Messages between the pool (main thread) and a miner worker: typed unions, structured-clone safe.
import type { FoundNonce, MinerEngine, PowAlgorithm } from './kernels/types'

/** Pool → worker: hash one slice of one header. */
export interface ScanRequest {
  type: 'scan'
  /** Unique per pool; the reply carries it back (the pool maps it to job and extranonce). */
  sliceId: number
  algorithm: PowAlgorithm
  header80: Uint8Array
  /** Report nonces whose hash is ≤ this. */
  target: bigint
  startNonce: number
  count: number
}

export type ToWorker = ScanRequest

/** Worker → pool: one slice done. */
export interface ScanDone {
  type: 'scanned'
  sliceId: number
  /** Nonces hashed. */
  count: number
  /** Wall time of the scan itself, ms (kernel loading excluded). */
  elapsedMs: number
  found: FoundNonce[]
  /** What hashed it (absent from older workers: counted as WebAssembly SIMD). */
  engine?: MinerEngine
}

/** Worker → pool: a slice could not be scanned (kernel failed to load, bad input). */
export interface ScanFailed {
  type: 'failed'
  sliceId: number
  message: string
}

export type FromWorker = ScanDone | ScanFailed
