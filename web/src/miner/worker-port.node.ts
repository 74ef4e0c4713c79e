// worker_threads ports for the pool under Node (benchmarks, integration tests). The worker entry is
// TypeScript, so each thread registers tsx's loader before importing it (Node 20 ignores `--import`
// in a worker's execArgv).
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { FromWorker } from './messages'
import type { MinerWorkerFactory } from './worker-port'

// The ESM build of tsx's API, found from this file (an eval'd worker resolves from the cwd).
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs')
const ENTRY = new URL('./miner-worker.node.ts', import.meta.url).href
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}) })`

export interface NodeWorkerOptions {
  /** Per worker index: false runs the scalar kernel (a genuinely slower real worker, for tests and
   *  benchmarks); default: the SIMD build where supported. */
  simd?: (index: number) => boolean | undefined
}

/** What miner-worker.node.ts reads from its workerData. */
export interface NodeWorkerData {
  simd?: boolean
}

export function createNodeWorkerFactory(options: NodeWorkerOptions = {}): MinerWorkerFactory {
  return (index) => {
    const workerData: NodeWorkerData = { simd: options.simd?.(index) }
    const worker = new Worker(BOOTSTRAP, { eval: true, name: `otedama-miner-${index}`, workerData })
    return {
      post: (msg) => worker.postMessage(msg),
      listen(onMessage, onError) {
        worker.on('message', (msg: FromWorker) => onMessage(msg))
        worker.on('error', (err) => onError(new Error(`miner worker ${index}: ${err.message}`)))
      },
      terminate: () => {
        void worker.terminate()
      }
    }
  }
}

export const nodeWorkerFactory: MinerWorkerFactory = createNodeWorkerFactory()

export function hardwareThreads(): number {
  return availableParallelism()
}
