// Test doubles for the pool: workers the test answers by hand, in-process workers running the real
// kernels, and a job whose header changes with the extranonce like a real merkle root would.
import { sha256 } from '@otedama/shared/primitives'
import type { MiningJob } from '../../src/miner/job'
import type { FoundNonce, MinerEngine } from '../../src/miner/kernels/types'
import type { FromWorker, ScanRequest } from '../../src/miner/messages'
import { createWorkerCore, type ScannerLoader } from '../../src/miner/worker-core'
import type { MinerWorkerFactory, MinerWorkerPort } from '../../src/miner/worker-port'

/** A worker port that records every request; the test replies with `finish`. */
export class ManualPort implements MinerWorkerPort {
  readonly posted: ScanRequest[] = []
  terminated = false
  private onMessage: ((msg: FromWorker) => void) | undefined

  post(msg: ScanRequest): void {
    this.posted.push(msg)
  }
  listen(onMessage: (msg: FromWorker) => void): void {
    this.onMessage = onMessage
  }
  terminate(): void {
    this.terminated = true
  }

  get last(): ScanRequest | undefined {
    return this.posted.at(-1)
  }

  /** Answers the last request: scanned in elapsedMs, with these finds, by this engine. */
  finish(elapsedMs = 10, found: FoundNonce[] = [], engine?: MinerEngine): ScanRequest {
    const req = this.last
    if (req === undefined || this.onMessage === undefined) throw new Error('nothing to finish')
    this.onMessage({ type: 'scanned', sliceId: req.sliceId, count: req.count, elapsedMs, found, engine })
    return req
  }

  /** Answers the last request as failed (kernel or adapter could not load). */
  fail(message: string): void {
    const req = this.last
    if (req === undefined || this.onMessage === undefined) throw new Error('nothing to fail')
    this.onMessage({ type: 'failed', sliceId: req.sliceId, message })
  }
}

export function manualFactory(): { factory: MinerWorkerFactory; ports: ManualPort[] } {
  const ports: ManualPort[] = []
  return {
    factory: () => {
      const p = new ManualPort()
      ports.push(p)
      return p
    },
    ports
  }
}

/** Workers that run the real worker core in this thread, one macrotask per request. */
export function inProcessFactory(loadScanner: ScannerLoader): MinerWorkerFactory {
  return () => {
    let onMessage: ((msg: FromWorker) => void) | undefined
    let terminated = false
    const core = createWorkerCore(loadScanner, (msg) => {
      if (!terminated) onMessage?.(msg)
    })
    return {
      post: (msg) => {
        setTimeout(() => {
          if (!terminated) void core(msg)
        }, 0)
      },
      listen: (handler) => {
        onMessage = handler
      },
      terminate: () => {
        terminated = true
      }
    }
  }
}

/** A job whose header embeds sha256(jobId, extranonce2) where the merkle root sits (bytes 36..67). */
export function testJob(jobId: string, shareTarget: bigint, blockTarget?: bigint): MiningJob {
  return {
    jobId,
    algorithm: 'sha256d',
    shareTarget,
    blockTarget,
    buildHeader(extranonce2: number): Uint8Array {
      const header = new Uint8Array(80)
      header[0] = 0x20
      header.set(sha256(new TextEncoder().encode(`${jobId}/${extranonce2}`)), 36)
      return header
    }
  }
}
