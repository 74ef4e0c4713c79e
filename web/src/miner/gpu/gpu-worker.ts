// Web Worker entry of the GPU worker: the pool drives it like a CPU worker (same messages, slices,
// throttle rests, pause and terminate); its scans run the WebGPU compute shader. scrypt stays on the
// WebAssembly workers: its 128 KiB scratchpad per hash makes it memory-bound on GPUs and, in a
// browser tab, not worth the adapter (see web/src/miner/README.md).
/// <reference lib="webworker" />
import type { FromWorker, ToWorker } from '../messages'
import { createWorkerCore } from '../worker-core'
import { SOFTWARE_ADAPTER_NAME_SUFFIX } from './gpu-worker-port.browser'
import { loadGpuSha256dScanner } from './load.browser'

const scope = self as unknown as DedicatedWorkerGlobalScope
const handle = createWorkerCore(
  async (algorithm) => {
    if (algorithm !== 'sha256d')
      throw new Error(`the GPU worker runs sha256d only, not ${algorithm}: the WebAssembly workers mine it`)
    return await loadGpuSha256dScanner({ allowSoftwareAdapter: scope.name.endsWith(SOFTWARE_ADAPTER_NAME_SUFFIX) })
  },
  (msg: FromWorker) => scope.postMessage(msg)
)
scope.onmessage = (e: MessageEvent<ToWorker>) => {
  void handle(e.data)
}
