// Messages between the rig's main thread and its hash threads (structured-clone safe typed unions).
// Main → thread messages go over a MessagePort the thread polls between kernel calls (it never returns
// to its event loop while hashing); each post is followed by a bump of the thread's counter in a
// SharedArrayBuffer so the thread notices it with one atomic load, and wakes from a rest at once.
import type { MessagePort } from 'node:worker_threads'
import type { PowAlgorithm } from '../../web/src/miner/kernels/types'
import type { RigJob } from './work'

export interface HashThreadInit {
  index: number
  /** Threads in the rig: thread i rolls extranonce2 values i, i + threads, i + 2·threads … */
  threads: number
  algorithm: PowAlgorithm
  /** Fraction of time spent hashing, (0, 1]. */
  dutyCycle: number
  /** Int32 counters, one per thread: messages posted to that thread so far. */
  signals: SharedArrayBuffer
  port: MessagePort
}

export type ToThread =
  /** New work. clean: switch now; otherwise after the next find or at `switchBy` (ms since epoch). */
  | { type: 'job'; job: RigJob; switchBy: number }
  /** Stop hashing until the next job (extranonce changed, connection lost). */
  | { type: 'idle' }
  | { type: 'duty'; dutyCycle: number }
  | { type: 'stop' }

export type FromThread =
  | { type: 'ready'; lanes: number; simd: boolean }
  | { type: 'progress'; hashes: number; elapsedMs: number }
  | { type: 'found'; jobSeq: number; extranonce2: number; nonce: number; hash: Uint8Array }
  /** The thread started mining this job (its first chunk on it is running). */
  | { type: 'switched'; jobSeq: number }
  /** Something the operator should know that does not stop the thread. */
  | { type: 'warning'; message: string }
  /** The thread died (kernel failed to load, a bug); it hashes no more. */
  | { type: 'failed'; message: string }
