// A pool job as the rig mines it, and the byte order of everything built from it (as cpuminer does):
//   coinbase    = coinb1 || extranonce1 || extranonce2 || coinb2   (non-witness serialization)
//   merkle root = sha256d(coinbase) folded with the notify's branch (sha256d(node || sibling))
//   header      = version u32 LE || prevhash (internal order) || merkle root || ntime u32 LE
//                 || nbits u32 LE || nonce u32 LE                   (80 bytes)
//   submit      = [user, job_id, hex(extranonce2), ntime as 8 BE hex, nonce as 8 BE hex]
// extranonce2 is a little-endian counter in its first (up to) 4 bytes, cpuminer's increment order.
import { bytesToHex, concatBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { foldMerkleBranch } from '@otedama/shared/primitives'
import { DIFF1_TARGET_SCRYPT, DIFF1_TARGET_SHA256D, difficultyToTarget } from '@otedama/shared/primitives'
import type { PowAlgorithm } from '../../web/src/miner/kernels/types'
import type { NotifyParams } from './stratum-messages'

/** Everything a worker needs to build headers for one job (structured-clone safe): the notify's fields plus the session's. */
export interface RigJob extends NotifyParams {
  /** The rig's own sequence number of this job (finds carry it back). */
  seq: number
  extranonce1: Uint8Array
  extranonce2Size: number
  /** Stratum difficulty in force for this job (the last set_difficulty before its notify). */
  difficulty: number
  /** Hashes at or below this are submitted. */
  target: bigint
}

/** Difficulty 1 on the algorithm's Stratum scale: sha256d 0xffff << 208; scrypt 2^16 easier (cgminer, every scrypt pool). */
export function stratumDiff1Target(algorithm: PowAlgorithm): bigint {
  return algorithm === 'scrypt' ? DIFF1_TARGET_SCRYPT : DIFF1_TARGET_SHA256D
}

export function rigJob(
  seq: number,
  notify: NotifyParams,
  session: { extranonce1: Uint8Array; extranonce2Size: number },
  difficulty: number,
  algorithm: PowAlgorithm
): RigJob {
  return {
    seq,
    ...notify,
    extranonce1: session.extranonce1,
    extranonce2Size: session.extranonce2Size,
    difficulty,
    target: difficultyToTarget(difficulty, stratumDiff1Target(algorithm))
  }
}

/** Distinct extranonce2 values a job can take (the counter uses at most 4 bytes). */
export function extranonce2Space(size: number): number {
  return 2 ** (8 * Math.min(size, 4))
}

/** The extranonce2 bytes for counter value `value` (little-endian, zero-padded to `size`). */
export function extranonce2Bytes(value: number, size: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value >= extranonce2Space(size)) {
    throw new RangeError(`extranonce2 value ${value} does not fit ${size} bytes`)
  }
  const out = new Uint8Array(size)
  for (let i = 0, v = value; i < Math.min(size, 4); i++, v = Math.floor(v / 256)) out[i] = v % 256
  return out
}

export function coinbaseOf(job: RigJob, extranonce2: Uint8Array): Uint8Array {
  return concatBytes(job.coinb1, job.extranonce1, extranonce2, job.coinb2)
}

export function merkleRootOf(job: RigJob, extranonce2: Uint8Array): Uint8Array {
  return foldMerkleBranch(sha256d(coinbaseOf(job, extranonce2)), job.merkleBranch)
}

/** The 80-byte header for one extranonce2 and nonce. */
export function headerOf(job: RigJob, extranonce2: Uint8Array, nonce = 0): Uint8Array {
  const header = new Uint8Array(80)
  const view = new DataView(header.buffer)
  view.setUint32(0, job.version, true)
  header.set(job.prevHash, 4)
  header.set(merkleRootOf(job, extranonce2), 36)
  view.setUint32(68, job.ntime, true)
  view.setUint32(72, job.nbits, true)
  view.setUint32(76, nonce, true)
  return header
}

/** mining.submit's 5 standard params. */
export function submitParams(
  user: string,
  job: RigJob,
  extranonce2: Uint8Array,
  nonce: number
): [string, string, string, string, string] {
  return [user, job.jobId, bytesToHex(extranonce2), hex32(job.ntime), hex32(nonce)]
}

/** A u32 as 8 big-endian hex digits. */
export function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0')
}
