// The body of a miner worker, apart from how it talks (Web Worker, worker_threads, in-process tests):
// scans one slice per request with the scanner for its algorithm, loaded on first use.
import type { FoundNonce, MinerEngine, NonceScanner, PowAlgorithm } from './kernels/types'
import type { FromWorker, ScanRequest, ToWorker } from './messages'

/** A scanner whose scans complete later (the WebGPU kernel waits for the GPU). */
export interface AsyncNonceScanner extends Omit<NonceScanner, 'scan'> {
  readonly engine: MinerEngine
  scan(startNonce: number, count: number): Promise<FoundNonce[]>
}

export type ScannerLoader = (algorithm: PowAlgorithm) => Promise<NonceScanner | AsyncNonceScanner>

function engineOf(s: NonceScanner | AsyncNonceScanner): MinerEngine {
  return 'engine' in s ? s.engine : s.simd ? 'wasm-simd' : 'wasm-scalar'
}

export function createWorkerCore(
  loadScanner: ScannerLoader,
  post: (msg: FromWorker) => void
): (msg: ToWorker) => Promise<void> {
  const scanners = new Map<PowAlgorithm, Promise<NonceScanner | AsyncNonceScanner>>()
  const lastJob = new Map<NonceScanner | AsyncNonceScanner, { header80: Uint8Array; target: bigint }>()
  let queue: Promise<void> = Promise.resolve()

  async function scan(req: ScanRequest): Promise<void> {
    try {
      let scanner = scanners.get(req.algorithm)
      if (scanner === undefined) {
        scanner = loadScanner(req.algorithm)
        scanners.set(req.algorithm, scanner)
      }
      const s = await scanner
      const last = lastJob.get(s)
      if (last === undefined || last.target !== req.target || !sameBytes(last.header80, req.header80)) {
        s.setJob(req.header80, req.target)
        lastJob.set(s, { header80: req.header80, target: req.target })
      }
      const started = performance.now()
      const found = await s.scan(req.startNonce, req.count)
      post({
        type: 'scanned',
        sliceId: req.sliceId,
        count: req.count,
        elapsedMs: performance.now() - started,
        found,
        engine: engineOf(s)
      })
    } catch (err) {
      scanners.delete(req.algorithm)
      post({ type: 'failed', sliceId: req.sliceId, message: err instanceof Error ? err.message : String(err) })
    }
  }

  // One request at a time, in arrival order (the first waits for the kernel to load).
  return async (msg) => {
    queue = queue.then(() => scan(msg))
    await queue
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
