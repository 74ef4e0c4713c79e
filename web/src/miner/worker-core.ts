// The body of a miner worker, apart from how it talks (Web Worker, worker_threads, in-process tests):
// scans one slice per request with the scanner for its algorithm, loaded on first use.
import type { NonceScanner, PowAlgorithm } from './kernels/types'
import type { FromWorker, ScanRequest, ToWorker } from './messages'

export type ScannerLoader = (algorithm: PowAlgorithm) => Promise<NonceScanner>

export function createWorkerCore (loadScanner: ScannerLoader, post: (msg: FromWorker) => void): (msg: ToWorker) => Promise<void> {
  const scanners = new Map<PowAlgorithm, Promise<NonceScanner>>()
  const lastJob = new Map<NonceScanner, { header80: Uint8Array; target: bigint }>()
  let queue: Promise<void> = Promise.resolve()

  async function scan (req: ScanRequest): Promise<void> {
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
      const found = s.scan(req.startNonce, req.count)
      post({ type: 'scanned', sliceId: req.sliceId, count: req.count, elapsedMs: performance.now() - started, found })
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

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
