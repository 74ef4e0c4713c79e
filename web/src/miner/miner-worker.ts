// Web Worker entry: one miner thread. Loaded by worker-port.browser.ts as a module worker.
/// <reference lib="webworker" />
import { loadScanner } from './kernels/load.browser'
import type { FromWorker, ToWorker } from './messages'
import { createWorkerCore } from './worker-core'

const scope = self as unknown as DedicatedWorkerGlobalScope
const handle = createWorkerCore(loadScanner, (msg: FromWorker) => scope.postMessage(msg))
scope.onmessage = (e: MessageEvent<ToWorker>) => {
  void handle(e.data)
}
