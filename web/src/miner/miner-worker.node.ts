// worker_threads entry: one miner thread under Node (see worker-port.node.ts).
// `.node.ts` siblings are imported with their extension: tsx's resolver reads an extensionless
// `x.node` as a native addon.
import { parentPort, workerData } from 'node:worker_threads'
import { loadScanner } from './kernels/load.node.ts'
import type { ToWorker } from './messages'
import { createWorkerCore } from './worker-core'
import type { NodeWorkerData } from './worker-port.node.ts'

const port = parentPort
if (port === null) throw new Error('miner-worker.node.ts must run as a worker thread')
const data = (workerData ?? {}) as NodeWorkerData
const handle = createWorkerCore(
  async (algorithm) => await loadScanner(algorithm, { simd: data.simd }),
  (msg) => port.postMessage(msg)
)
port.on('message', (msg: ToWorker) => {
  void handle(msg)
})
