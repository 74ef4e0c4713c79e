// The rig's hash threads: one worker_threads worker per thread running hash-worker.ts, fed jobs
// through a MessagePort plus an atomic counter (see thread-messages.ts), reporting finds and hash
// counts. The main thread never touches a nonce: it only posts jobs and reads results.
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { Emitter } from '../../web/src/miner/events'
import type { PowAlgorithm } from '../../web/src/miner/kernels/types'
import type { FromThread, HashThreadInit, ToThread } from './thread-messages'
import type { RigJob } from './work'
import { BoundedMap } from '@otedama/shared/util'

// Each thread registers tsx's ESM loader before importing the TypeScript entry (Node 20 ignores
// `--import` in a worker's execArgv); the loader is resolved from this file, not from the cwd.
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs')
const ENTRY = new URL('./hash-worker.ts', import.meta.url).href
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}) })`

/** Jobs remembered for matching finds to their job (older finds are dropped). */
const MAX_JOBS_KEPT = 64
export const MAX_HASH_THREADS = 256

export interface FoundWork {
  thread: number
  job: RigJob
  extranonce2: number
  nonce: number
  hash: Uint8Array
}

export interface HashThreadsEvents {
  found: FoundWork
  /** A thread began hashing the job with this sequence number. */
  switched: { thread: number; jobSeq: number }
  warning: { thread: number; message: string }
  failed: { thread: number; message: string }
}

interface Thread {
  index: number
  worker: Worker
  port: MessagePort
  failed: boolean
  /** Hashes since the last sample, and the wall time they took (ms). */
  sampleHashes: number
  sampleMs: number
  totalHashes: number
}

export interface HashThreadsOptions {
  threads: number
  algorithm: PowAlgorithm
  /** Fraction of time the threads hash, (0, 1]. */
  dutyCycle: number
}

export class HashThreads extends Emitter<HashThreadsEvents> {
  private readonly threads: Thread[] = []
  private readonly signals: Int32Array
  private readonly jobs = new BoundedMap<number, RigJob>(MAX_JOBS_KEPT)
  private kernel: { lanes: number; simd: boolean } | undefined

  constructor(private readonly options: HashThreadsOptions) {
    super()
    if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > MAX_HASH_THREADS) {
      throw new RangeError(`threads must be an integer 1 .. ${MAX_HASH_THREADS}, got ${options.threads}`)
    }
    checkDutyCycle(options.dutyCycle)
    this.signals = new Int32Array(new SharedArrayBuffer(4 * options.threads))
  }

  get count(): number {
    return this.options.threads
  }
  get simd(): boolean {
    return this.kernel?.simd ?? false
  }

  /** Starts every thread; resolves once each has loaded its kernel. */
  async start(): Promise<void> {
    const ready: Array<Promise<void>> = []
    for (let index = 0; index < this.options.threads; index++) {
      const { port1, port2 } = new MessageChannel()
      const init: HashThreadInit = {
        index,
        threads: this.options.threads,
        algorithm: this.options.algorithm,
        dutyCycle: this.options.dutyCycle,
        signals: this.signals.buffer as SharedArrayBuffer,
        port: port2
      }
      const worker = new Worker(BOOTSTRAP, {
        eval: true,
        name: `otedama-rig-${index}`,
        workerData: init,
        transferList: [port2]
      })
      const thread: Thread = { index, worker, port: port1, failed: false, sampleHashes: 0, sampleMs: 0, totalHashes: 0 }
      this.threads.push(thread)
      ready.push(
        new Promise<void>((resolve, reject) => {
          port1.on('message', (msg: FromThread) => {
            if (msg.type === 'ready') {
              this.kernel = { lanes: msg.lanes, simd: msg.simd }
              resolve()
            } else if (msg.type === 'failed') {
              reject(new Error(`hash thread ${index}: ${msg.message}`))
            }
            this.onMessage(thread, msg)
          })
          worker.on('error', (err) => {
            reject(err)
            this.onMessage(thread, { type: 'failed', message: err.message })
          })
        })
      )
    }
    await Promise.all(ready)
  }

  /** New work for every thread: at once when clean, else after each thread's next find or at switchBy (ms since epoch). */
  setJob(job: RigJob, switchBy: number): void {
    this.jobs.set(job.seq, job)
    this.broadcast({ type: 'job', job, switchBy })
  }

  /** Stops hashing until the next job. */
  idle(): void {
    this.broadcast({ type: 'idle' })
  }

  setDutyCycle(dutyCycle: number): void {
    checkDutyCycle(dutyCycle)
    this.broadcast({ type: 'duty', dutyCycle })
  }

  /** Hashes per second of each thread since the last call, and resets the sample. */
  sampleHashrates(): number[] {
    return this.threads.map((t) => {
      const rate = t.sampleMs > 0 ? (t.sampleHashes * 1000) / t.sampleMs : 0
      t.sampleHashes = 0
      t.sampleMs = 0
      return rate
    })
  }

  /** Hashes done by each thread since start. */
  totalHashes(): number[] {
    return this.threads.map((t) => t.totalHashes)
  }

  async stop(): Promise<void> {
    this.broadcast({ type: 'stop' })
    await Promise.all(
      this.threads.map(async (t) => {
        t.port.close()
        await t.worker.terminate()
      })
    )
    this.threads.length = 0
  }

  private broadcast(msg: ToThread): void {
    for (const t of this.threads) {
      if (t.failed) continue
      t.port.postMessage(msg)
      Atomics.add(this.signals, t.index, 1)
      Atomics.notify(this.signals, t.index)
    }
  }

  private onMessage(thread: Thread, msg: FromThread): void {
    switch (msg.type) {
      case 'progress':
        thread.sampleHashes += msg.hashes
        thread.sampleMs += msg.elapsedMs
        thread.totalHashes += msg.hashes
        return
      case 'found': {
        const job = this.jobs.get(msg.jobSeq)
        if (job !== undefined)
          this.emit('found', {
            thread: thread.index,
            job,
            extranonce2: msg.extranonce2,
            nonce: msg.nonce,
            hash: msg.hash
          })
        return
      }
      case 'switched':
        this.emit('switched', { thread: thread.index, jobSeq: msg.jobSeq })
        return
      case 'warning':
        this.emit('warning', { thread: thread.index, message: msg.message })
        return
      case 'failed':
        if (thread.failed) return
        thread.failed = true
        this.emit('failed', { thread: thread.index, message: msg.message })
    }
  }
}

function checkDutyCycle(d: number): void {
  if (!(d > 0 && d <= 1)) throw new RangeError(`duty cycle must be in (0, 1], got ${d}`)
}
