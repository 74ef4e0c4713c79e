// How the pool talks to a worker, as an interface: browsers use Web Workers (worker-port.browser.ts),
// Node benchmarks worker_threads (worker-port.node.ts), tests in-process fakes.
import type { FromWorker, ToWorker } from './messages'

export interface MinerWorkerPort {
  post(msg: ToWorker): void
  /** Registers the handlers for replies and for the worker dying (script error, load failure). */
  listen(onMessage: (msg: FromWorker) => void, onError: (err: Error) => void): void
  terminate(): void
}

/** Creates the worker with the given index (0-based, for names and logs). */
export type MinerWorkerFactory = (index: number) => MinerWorkerPort
