// The pool as a browser page uses it: Web Workers, default worker count from navigator.hardwareConcurrency.
import { MinerPool } from './pool'
import type { MinerPoolOptions } from './pool-options'
import { browserWorkerFactory, hardwareThreads } from './worker-port.browser'

export function createBrowserMinerPool(options: Partial<MinerPoolOptions> = {}): MinerPool {
  return new MinerPool({ createWorker: browserWorkerFactory, hardwareThreads: hardwareThreads(), ...options })
}
