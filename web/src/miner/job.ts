// What the pool mines and what it reports back.
import type { MinerEngine, PowAlgorithm } from './kernels/types'

/** Work from the network side. The pool rolls the 4 worker-rolled extranonce bytes (docs/design.md "Work and
 *  shares": 4 bytes unique per session, then 4 bytes workers roll) when a header's 2^32 nonces run out,
 *  and asks `buildHeader` for the header with that extranonce (its merkle root rebuilt). */
export interface MiningJob {
  /** The caller's id for this work (e.g. its template id); found shares carry it back. */
  jobId: string
  algorithm: PowAlgorithm
  /** The 80-byte header for the worker-rolled extranonce value 0 .. 2^32 − 1 (nonce field ignored). */
  buildHeader(extranonce2: number): Uint8Array
  /** Headers whose PoW hash is ≤ this are shares. */
  shareTarget: bigint
  /** Headers whose PoW hash is ≤ this are also blocks. */
  blockTarget?: bigint
}

/** A header found by a worker, re-checked in full before it is posted. */
export interface FoundShare {
  jobId: string
  /** The worker-rolled extranonce value the header was built with. */
  extranonce2: number
  nonce: number
  /** The complete header, nonce included. */
  header80: Uint8Array
  /** PoW hash (hash-function byte order; little-endian number). */
  hash: Uint8Array
  meetsShareTarget: boolean
  meetsBlockTarget: boolean
}

export interface HashrateReport {
  /** Hashes per second of each running worker over the last interval, in the order they were started. */
  perWorker: number[]
  /** Sum of perWorker. */
  total: number
  /** Length of the interval measured, ms. */
  intervalMs: number
  /** The same rates summed per engine (what the Mine screen shows as "which engine runs"); an engine
   *  appears once one of its workers has finished a slice. */
  engines?: EngineHashrate[]
}

export interface EngineHashrate {
  engine: MinerEngine
  /** Workers of this engine that have reported. */
  workers: number
  /** Hashes per second of those workers over the interval. */
  hashrate: number
}

/** A worker replaced because it ran slow for its life (worker-speed.ts). */
export interface WorkerRestartReport {
  workerIndex: number
  /** The index of the worker started in its place. */
  newWorkerIndex: number
  /** Its measured rate and the median it was compared with, hashes per second. */
  rate: number
  medianRate: number
}

export interface JobSwitchReport {
  jobId: string
  /** From setJob until every worker had a slice of the new job, ms. */
  latencyMs: number
}
