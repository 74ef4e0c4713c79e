// Tunables of the miner pool, one params object with defaults and validation (gossipsub style).
import type { MinerWorkerFactory, MinerWorkerPort } from './worker-port'
import { resolveWorkerSpeed, type WorkerSpeedParams } from './worker-speed'
import { errorMessage } from '@otedama/shared/util'

export interface MinerPoolOptions {
  /** Creates one worker (Web Worker in browsers: browserWorkerFactory). */
  createWorker: MinerWorkerFactory
  /** Logical cores of the machine; the default worker count is one less (at least 1). */
  hardwareThreads: number
  /** Worker threads, 1 .. MAX_WORKERS; default hardwareThreads − 1, at least 1. */
  workers?: number
  /** Fraction of time workers hash, (0, 1]: after a slice of t ms a worker rests t·(1 − d)/d ms. */
  dutyCycle?: number
  /** Wanted duration of one slice, ms: bounds how long a job switch takes (a worker finishes its slice). */
  sliceTargetMs?: number
  /** Nonces in a worker's first slice, before its speed is known. */
  initialSliceNonces?: number
  /** Slice size bounds, nonces (multiples of NONCE_ALIGN). */
  minSliceNonces?: number
  maxSliceNonces?: number
  /** Period of the hashrate reports, ms. */
  hashrateIntervalMs?: number
  /** Slow-instance detection (worker-speed.ts); defaults in DEFAULT_WORKER_SPEED. */
  slowWorker?: Partial<WorkerSpeedParams>
  /** Creates the one GPU worker (gpu/gpu-worker-port.browser.ts), started beside the CPU workers
   *  while enabled (setGpuEnabled); undefined from it: no GPU here or not allowed. A GPU worker that
   *  finds no adapter fails like any worker and the CPU workers carry on. Absent: CPU workers only. */
  gpuWorker?: (index: number) => MinerWorkerPort | undefined
  /** Injected for tests: the throttle's rest, and the clock (ms). */
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export type ResolvedPoolOptions = Required<Omit<MinerPoolOptions, 'slowWorker' | 'gpuWorker'>> & {
  slowWorker: WorkerSpeedParams
  gpuWorker: ((index: number) => MinerWorkerPort | undefined) | undefined
}

/** Every slice boundary is a multiple of this: divisible by every kernel's lane count (1 or 4). */
export const NONCE_ALIGN = 64
export const MAX_WORKERS = 64
export const DEFAULT_SLICE_TARGET_MS = 50 // 50 ms: a job switch waits at most one slice
export const DEFAULT_INITIAL_SLICE_NONCES = 1024 // ~0.1 s of scrypt, ~0.5 ms of sha256d
export const DEFAULT_MIN_SLICE_NONCES = NONCE_ALIGN
export const DEFAULT_MAX_SLICE_NONCES = 1 << 24 // ~2 s at 8 MH/s: caps a wrong speed estimate
export const DEFAULT_HASHRATE_INTERVAL_MS = 1000

export class MinerConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MinerConfigError'
  }
}

export function defaultWorkerCount(hardwareThreads: number): number {
  return Math.max(1, Math.min(MAX_WORKERS, Math.floor(hardwareThreads) - 1))
}

export function validateWorkerCount(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
    throw new MinerConfigError(`worker count must be an integer 1 .. ${MAX_WORKERS}, got ${n}`)
  return n
}

export function validateDutyCycle(d: number): number {
  if (!(d > 0 && d <= 1)) throw new MinerConfigError(`duty cycle must be in (0, 1] (e.g. 0.25, 0.5, 0.75, 1), got ${d}`)
  return d
}

function configured<T>(resolve: () => T): T {
  try {
    return resolve()
  } catch (err) {
    throw new MinerConfigError(errorMessage(err))
  }
}

export function resolvePoolOptions(o: MinerPoolOptions): ResolvedPoolOptions {
  const resolved: ResolvedPoolOptions = {
    createWorker: o.createWorker,
    hardwareThreads: o.hardwareThreads,
    workers: validateWorkerCount(o.workers ?? defaultWorkerCount(o.hardwareThreads)),
    dutyCycle: validateDutyCycle(o.dutyCycle ?? 1),
    sliceTargetMs: o.sliceTargetMs ?? DEFAULT_SLICE_TARGET_MS,
    initialSliceNonces: o.initialSliceNonces ?? DEFAULT_INITIAL_SLICE_NONCES,
    minSliceNonces: o.minSliceNonces ?? DEFAULT_MIN_SLICE_NONCES,
    maxSliceNonces: o.maxSliceNonces ?? DEFAULT_MAX_SLICE_NONCES,
    hashrateIntervalMs: o.hashrateIntervalMs ?? DEFAULT_HASHRATE_INTERVAL_MS,
    slowWorker: configured(() => resolveWorkerSpeed(o.slowWorker)),
    gpuWorker: o.gpuWorker,
    sleep: o.sleep ?? (async (ms) => await new Promise((resolve) => setTimeout(resolve, ms))),
    now: o.now ?? (() => performance.now())
  }
  for (const key of ['initialSliceNonces', 'minSliceNonces', 'maxSliceNonces'] as const) {
    const v = resolved[key]
    if (!Number.isInteger(v) || v < NONCE_ALIGN || v % NONCE_ALIGN !== 0) {
      throw new MinerConfigError(`${key} must be a positive multiple of ${NONCE_ALIGN}, got ${v}`)
    }
  }
  if (resolved.minSliceNonces > resolved.maxSliceNonces)
    throw new MinerConfigError('minSliceNonces exceeds maxSliceNonces')
  if (!(resolved.sliceTargetMs > 0))
    throw new MinerConfigError(`sliceTargetMs must be positive, got ${resolved.sliceTargetMs}`)
  if (!(resolved.hashrateIntervalMs > 0))
    throw new MinerConfigError(`hashrateIntervalMs must be positive, got ${resolved.hashrateIntervalMs}`)
  return resolved
}
