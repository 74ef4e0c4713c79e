// Web Worker ports for the pool in a browser.
import type { FromWorker } from './messages'
import type { MinerWorkerFactory } from './worker-port'

export const browserWorkerFactory: MinerWorkerFactory = (index) => {
  const worker = new Worker(new URL('./miner-worker.ts', import.meta.url), {
    type: 'module',
    name: `otedama-miner-${index}`
  })
  return {
    post: (msg) => worker.postMessage(msg),
    listen(onMessage, onError) {
      worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data)
      worker.onerror = (e: ErrorEvent) => onError(new Error(`miner worker ${index}: ${e.message}`))
      worker.onmessageerror = () => onError(new Error(`miner worker ${index}: a message could not be decoded`))
    },
    terminate: () => worker.terminate()
  }
}

/** Logical cores as the browser reports them (default worker count is one less). */
export function hardwareThreads(): number {
  return globalThis.navigator?.hardwareConcurrency ?? 1
}
