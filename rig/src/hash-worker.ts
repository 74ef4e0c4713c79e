// One hash thread (worker_threads entry, started by hash-threads.ts): loads our WASM kernel for the
// algorithm, then hashes without ever returning to its event loop. Between kernel calls of about
// SCAN_CHUNK_TARGET_MS it checks one atomic counter for new messages and drains them synchronously
// (receiveMessageOnPort), so a clean job reaches it within one chunk and no time is lost to
// round trips with the main thread. It builds its own headers: thread i of n rolls extranonce2
// values i, i + n, i + 2n …, one per header (2^32 nonces), across jobs too: a job the pool reissues
// under a new id with the same coinbase is never rescanned. The counter wraps at the extranonce2
// space (2^32 values for 4 bytes: never in practice).
// `.node.ts` kernels are imported with their extension: tsx reads an extensionless `x.node` as an addon.
import { receiveMessageOnPort, workerData } from 'node:worker_threads'
import { loadScanner } from '../../web/src/miner/kernels/load.node.ts'
import { NONCE_SPACE, type NonceScanner } from '../../web/src/miner/kernels/types'
import {
  CHUNK_ALIGN_NONCES,
  FIRST_CHUNK_NONCES,
  MAX_CHUNK_NONCES,
  MIN_DUTY_REST_MS,
  PROGRESS_INTERVAL_MS,
  SCAN_CHUNK_TARGET_MS
} from './constants'
import type { FromThread, HashThreadInit, ToThread } from './thread-messages'
import { extranonce2Bytes, extranonce2Space, headerOf, type RigJob } from './work'

interface Header {
  job: RigJob
  extranonce2: number
  /** Next nonce to hash. */
  nonce: number
}

const init = workerData as HashThreadInit
const port = init.port
const signals = new Int32Array(init.signals)
const post = (msg: FromThread): void => port.postMessage(msg)

let received = 0
let headersStarted = 0
let dutyCycle = init.dutyCycle
let current: Header | undefined
let pending: { job: RigJob; switchBy: number } | undefined
let stopping = false
/** Set when the duty cycle changes: the rest account starts over. */
let dutyChanged = false

function nextExtranonce2(job: RigJob): number {
  const value = (init.index + headersStarted * init.threads) % extranonce2Space(job.extranonce2Size)
  headersStarted++
  return value
}

/** Starts `job` on this thread's next extranonce2. */
function begin(scanner: NonceScanner, job: RigJob): void {
  pending = undefined
  const extranonce2 = nextExtranonce2(job)
  scanner.setJob(headerOf(job, extranonce2Bytes(extranonce2, job.extranonce2Size)), job.target)
  current = { job, extranonce2, nonce: 0 }
  post({ type: 'switched', jobSeq: job.seq })
}

function handle(scanner: NonceScanner, msg: ToThread): void {
  switch (msg.type) {
    case 'job':
      if (current === undefined || msg.job.clean || msg.switchBy <= Date.now()) begin(scanner, msg.job)
      else pending = { job: msg.job, switchBy: msg.switchBy }
      return
    case 'idle':
      current = undefined
      pending = undefined
      return
    case 'duty':
      dutyCycle = msg.dutyCycle
      dutyChanged = true
      return
    case 'stop':
      stopping = true
  }
}

/** Takes every message posted so far (a post is visible once its counter bump is). */
function drain(scanner: NonceScanner): void {
  while (received < Atomics.load(signals, init.index)) {
    const got = receiveMessageOnPort(port)
    if (got === undefined) return
    received++
    handle(scanner, got.message as ToThread)
  }
}

function alignedChunk(noncesPerMs: number): number {
  const wanted = Math.round(noncesPerMs * SCAN_CHUNK_TARGET_MS)
  const aligned = wanted - (wanted % CHUNK_ALIGN_NONCES)
  return Math.min(MAX_CHUNK_NONCES, Math.max(CHUNK_ALIGN_NONCES, aligned))
}

function hashLoop(scanner: NonceScanner): void {
  let chunk = FIRST_CHUNK_NONCES
  let hashes = 0
  let lastReport = performance.now()
  let busyMs = 0
  let restedMs = 0
  for (;;) {
    drain(scanner)
    if (stopping) return
    if (current === undefined) {
      // Nothing to do: sleep until the next message.
      Atomics.wait(signals, init.index, received)
      continue
    }
    if (pending !== undefined && Date.now() >= pending.switchBy) begin(scanner, pending.job)
    const work = current as Header | undefined
    if (work === undefined) continue
    const count = Math.min(chunk, NONCE_SPACE - work.nonce)
    const started = performance.now()
    const found = scanner.scan(work.nonce, count)
    const elapsed = performance.now() - started
    work.nonce += count
    hashes += count
    for (const f of found)
      post({ type: 'found', jobSeq: work.job.seq, extranonce2: work.extranonce2, nonce: f.nonce, hash: f.hash })
    // cpuminer returns from its scan at each find and then picks up newer work: so do we.
    if (found.length > 0 && pending !== undefined) begin(scanner, pending.job)
    else if (work.nonce >= NONCE_SPACE) begin(scanner, work.job)
    if (elapsed > 0) chunk = alignedChunk(count / elapsed)
    const now = performance.now()
    if (now - lastReport >= PROGRESS_INTERVAL_MS) {
      post({ type: 'progress', hashes, elapsedMs: now - lastReport })
      hashes = 0
      lastReport = now
    }
    if (dutyChanged) {
      busyMs = 0
      restedMs = 0
      dutyChanged = false
    }
    if (dutyCycle < 1) {
      // Rest what the duty cycle owes so far (less what waking up late already gave), in pieces of at
      // least MIN_DUTY_REST_MS: the fraction holds over time and hashing keeps its full speed.
      busyMs += elapsed
      const owed = (busyMs * (1 - dutyCycle)) / dutyCycle - restedMs
      if (owed >= MIN_DUTY_REST_MS) {
        const restStart = performance.now()
        Atomics.wait(signals, init.index, received, owed)
        restedMs += performance.now() - restStart
      }
    }
  }
}

async function main(): Promise<void> {
  const scanner = await loadScanner(init.algorithm)
  post({ type: 'ready', lanes: scanner.lanes, simd: scanner.simd })
  hashLoop(scanner)
  port.close()
}

main().catch((err: unknown) => {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) })
  port.close()
})
