// The GPU worker's port for the pool (MinerPoolOptions.gpuWorker): a module Web Worker running
// gpu-worker.ts, created only where the browser has WebGPU and the user allows it (preference.ts;
// the worker's name carries whether a software adapter will do, as a worker has no localStorage).
// Whether an adapter exists is learnt in the worker: without one its first slice fails and the pool
// carries on with the CPU workers.
import type { FromWorker } from '../messages'
import type { MinerWorkerPort } from '../worker-port'
import { gpuPreference } from './preference'

/** Suffix of the worker's name that lets it use a software adapter (gpu-worker.ts reads it). */
export const SOFTWARE_ADAPTER_NAME_SUFFIX = ':software'

export function browserGpuWorkerFactory(index: number): MinerWorkerPort | undefined {
  const preference = gpuPreference()
  if (preference === 'off' || (globalThis.navigator as { gpu?: unknown } | undefined)?.gpu === undefined)
    return undefined
  const name = `otedama-gpu-${index}${preference === 'any' ? SOFTWARE_ADAPTER_NAME_SUFFIX : ''}`
  const worker = new Worker(new URL('./gpu-worker.ts', import.meta.url), { type: 'module', name })
  return {
    post: (msg) => worker.postMessage(msg),
    listen(onMessage, onError) {
      worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data)
      worker.onerror = (e: ErrorEvent) => onError(new Error(`GPU worker: ${e.message}`))
      worker.onmessageerror = () => onError(new Error('GPU worker: a message could not be decoded'))
    },
    terminate: () => worker.terminate()
  }
}
