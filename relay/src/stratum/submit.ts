// mining.submit checks, cheapest first (p2pool's order): parameter shapes, job known and not expired,
// duplicate, ntime range, version bits inside the mask, then the one hash against the connection
// difficulty, and only then the share and block targets. Returns a verdict, never throws for input.
import { concatBytes } from '@otedama/shared/primitives'
import { powHash, sha256d } from '@otedama/shared/primitives'
import { hashToBigInt } from '@otedama/shared/primitives'
import { NTIME_MAX_AHEAD_SECONDS } from './constants'
import { jobState, type Job, type JobState } from './jobs'

export type RejectReason =
  | 'malformed'
  | 'unauthorized'
  | 'not-subscribed'
  | 'unknown-job'
  | 'stale'
  | 'duplicate'
  | 'ntime-out-of-range'
  | 'bad-version-bits'
  | 'low-difficulty'

export const REJECT_REASONS: readonly RejectReason[] = [
  'malformed',
  'unauthorized',
  'not-subscribed',
  'unknown-job',
  'stale',
  'duplicate',
  'ntime-out-of-range',
  'bad-version-bits',
  'low-difficulty'
]

export interface ParsedSubmit {
  worker: string
  jobId: string
  extranonce2: Uint8Array
  ntime: number
  nonce: number
  /** The 6th parameter (BIP310), when sent. */
  versionBits: number | undefined
  /** Canonical key for duplicate detection within one job. */
  key: string
}

const HEX_U32 = /^[0-9a-fA-F]{1,8}$/
const HEX_BYTES = /^(?:[0-9a-fA-F]{2})+$/

/**
 * [worker, job_id, extranonce2, ntime, nonce, version_bits?]. Nonce, ntime and version bits are
 * big-endian hex of up to 8 digits in either case; shorter ones are left-padded (NerdMiner sends
 * "1A2B" for 0x00001a2b). extranonce2 must be exactly `extranonce2Bytes` bytes.
 */
export function parseSubmitParams(params: unknown[], extranonce2Bytes: number): ParsedSubmit | { error: string } {
  if (params.length !== 5 && params.length !== 6)
    return { error: `mining.submit takes 5 or 6 params, got ${params.length}` }
  const [worker, jobId, xn2, ntime, nonce, versionBits] = params
  if (typeof worker !== 'string' || typeof jobId !== 'string') return { error: 'worker and job_id must be strings' }
  if (typeof xn2 !== 'string' || xn2.length !== 2 * extranonce2Bytes || !HEX_BYTES.test(xn2)) {
    return { error: `extranonce2 must be ${extranonce2Bytes} bytes of hex` }
  }
  if (typeof ntime !== 'string' || !HEX_U32.test(ntime)) return { error: 'ntime must be up to 8 hex digits' }
  if (typeof nonce !== 'string' || !HEX_U32.test(nonce)) return { error: 'nonce must be up to 8 hex digits' }
  if (versionBits !== undefined && (typeof versionBits !== 'string' || !HEX_U32.test(versionBits))) {
    return { error: 'version_bits must be up to 8 hex digits' }
  }
  const extranonce2 = Buffer.from(xn2, 'hex')
  const parsed = {
    worker,
    jobId,
    extranonce2: new Uint8Array(extranonce2.buffer, extranonce2.byteOffset, extranonce2.length),
    ntime: Number.parseInt(ntime, 16),
    nonce: Number.parseInt(nonce, 16),
    versionBits: versionBits === undefined ? undefined : Number.parseInt(versionBits as string, 16)
  }
  return { ...parsed, key: `${xn2.toLowerCase()}:${parsed.ntime}:${parsed.nonce}:${parsed.versionBits ?? 0}` }
}

/** A job as one connection received it: the difficulty in force when it was sent, and its submits. */
export interface SessionJob {
  job: Job
  difficulty: number
  target: bigint
  submits: Set<string>
}

export interface SubmitContext {
  pow: 'sha256d' | 'scrypt'
  extranonce1: Uint8Array
  /** Negotiated BIP310 mask (0 without mining.configure). */
  versionMask: number
  jobs: ReadonlyMap<string, SessionJob>
  /** The difficulty now in force (for jobs sent before a change, the easier of the two counts). */
  difficulty: number
  target: bigint
  shareTipGraceMs: number
  sameTipJobExpiryMs: number
  nowMs: number
}

export type SubmitVerdict =
  | {
      accept: true
      sessionJob: SessionJob
      state: Exclude<JobState, 'stale'>
      /** Difficulty credited (the easier of the job's and the current one). */
      difficulty: number
      header: Uint8Array
      hash: Uint8Array
      hashValue: bigint
      extranonce: Uint8Array
      coinbaseTx: Uint8Array
    }
  | { reject: true; reason: RejectReason; message: string }

function reject(reason: RejectReason, message: string): SubmitVerdict {
  return { reject: true, reason, message }
}

export function checkSubmit(ctx: SubmitContext, s: ParsedSubmit): SubmitVerdict {
  const sessionJob = ctx.jobs.get(s.jobId)
  if (sessionJob === undefined) return reject('unknown-job', 'Job not found')
  const { job } = sessionJob
  const state = jobState(job, ctx.nowMs, ctx.shareTipGraceMs, ctx.sameTipJobExpiryMs)
  if (state === 'stale') return reject('stale', 'Stale job')
  if (sessionJob.submits.has(s.key)) return reject('duplicate', 'Duplicate share')

  const epoch = job.epoch
  const nowSeconds = Math.floor(ctx.nowMs / 1000)
  if (s.ntime < epoch.work.minTime || s.ntime > Math.max(epoch.ntime, nowSeconds) + NTIME_MAX_AHEAD_SECONDS) {
    return reject('ntime-out-of-range', 'Ntime out of range')
  }
  const bits = s.versionBits ?? 0
  if ((bits & ~ctx.versionMask) !== 0) return reject('bad-version-bits', 'Version bits outside the negotiated mask')
  // BIP310: block version = (job version & ~mask) | (bits & mask).
  const version = ((epoch.work.version & ~ctx.versionMask) | (bits & ctx.versionMask)) >>> 0

  const extranonce = concatBytes(ctx.extranonce1, s.extranonce2)
  const coinbaseTx = concatBytes(job.coinbase.coinb1, extranonce, job.coinbase.coinb2)
  let merkleRoot = sha256d(coinbaseTx)
  const pair = new Uint8Array(64)
  for (const sibling of epoch.work.merkleBranch) {
    pair.set(merkleRoot, 0)
    pair.set(sibling, 32)
    merkleRoot = sha256d(pair)
  }
  const header = new Uint8Array(80)
  const view = new DataView(header.buffer)
  view.setUint32(0, version, true)
  header.set(epoch.work.prevHash, 4)
  header.set(merkleRoot, 36)
  view.setUint32(68, s.ntime, true)
  view.setUint32(72, epoch.work.bits, true)
  view.setUint32(76, s.nonce, true)
  const hash = powHash(ctx.pow, header)
  const hashValue = hashToBigInt(hash)

  const easier = sessionJob.target >= ctx.target ? sessionJob : { target: ctx.target, difficulty: ctx.difficulty }
  if (hashValue > easier.target) return reject('low-difficulty', 'Low difficulty share')
  return {
    accept: true,
    sessionJob,
    state,
    difficulty: easier.difficulty,
    header,
    hash,
    hashValue,
    extranonce,
    coinbaseTx
  }
}
