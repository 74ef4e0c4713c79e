// mining.submit on a session, judged without side effects: shape, authorization, the checks
// (submit.ts) and, for an accepted submit, the share and block it found. The session applies the
// outcome (StratumSession.settleSubmit): the reply, the accounting (vardiff, hashrate, fee, metrics)
// and the hand-off of shares and blocks.
import {
  ERROR_DUPLICATE_SHARE,
  ERROR_JOB_NOT_FOUND,
  ERROR_LOW_DIFFICULTY,
  ERROR_OTHER,
  ERROR_UNAUTHORIZED
} from './constants'
import type { SubmitView } from './session-context'
import { checkSubmit, parseSubmitParams, type RejectReason, type SessionJob } from './submit'
import type { FoundShare } from './types'

/** Rejects that are races and reconnects, not a broken rig: they never count toward a drop. */
export const NOT_THE_RIGS_FAULT: ReadonlySet<RejectReason> = new Set([
  'stale',
  'unknown-job',
  'unauthorized',
  'not-subscribed'
])

/** The Stratum error code each reject is answered with. */
export const SUBMIT_ERROR_CODE: Record<RejectReason, number> = {
  malformed: ERROR_OTHER,
  unauthorized: ERROR_UNAUTHORIZED,
  'not-subscribed': 25,
  'unknown-job': ERROR_JOB_NOT_FOUND,
  stale: ERROR_JOB_NOT_FOUND,
  duplicate: ERROR_DUPLICATE_SHARE,
  'ntime-out-of-range': ERROR_OTHER,
  'bad-version-bits': ERROR_OTHER,
  'low-difficulty': ERROR_LOW_DIFFICULTY
}

/** What one mining.submit came to. */
export type SubmitOutcome =
  /** Parameters of the wrong shape: answered like invalid JSON (counted toward a drop). */
  | { kind: 'malformed'; message: string }
  | { kind: 'rejected'; reason: RejectReason; message: string }
  | {
      kind: 'accepted'
      /** The job it was for, and its duplicate key (recorded when the outcome is applied). */
      sessionJob: SessionJob
      key: string
      /** The difficulty credited (the job's, at the time it was sent). */
      difficulty: number
      /** Accepted on the previous share tip, within the grace after a tip change. */
      staleTip: boolean
      /** Present when the hash meets the share target or the block target. */
      found?: FoundShare
      meetsShareTarget: boolean
      meetsBlockTarget: boolean
    }

export function judgeSubmit(session: SubmitView, params: unknown[], nowMs: number): SubmitOutcome {
  const host = session.host
  const parsed = parseSubmitParams(params, host.extranonce2Bytes)
  if ('error' in parsed) return { kind: 'malformed', message: parsed.error }
  if (!session.subscribed) return { kind: 'rejected', reason: 'not-subscribed', message: 'Not subscribed' }
  if (!session.users.has(parsed.worker))
    return { kind: 'rejected', reason: 'unauthorized', message: 'Unauthorized worker' }

  const verdict = checkSubmit(
    {
      pow: host.chain.pow,
      extranonce1: session.extranonce1,
      versionMask: session.versionMask,
      jobs: session.jobs,
      difficulty: session.difficulty,
      target: session.target,
      shareTipGraceMs: host.params.shareTipGraceMs,
      sameTipJobExpiryMs: host.params.sameTipJobExpiryMs,
      nowMs
    },
    parsed
  )
  if ('reject' in verdict) return { kind: 'rejected', reason: verdict.reason, message: verdict.message }

  const { sessionJob, difficulty } = verdict
  const staleTip = verdict.state === 'stale-tip'
  const work = sessionJob.job.epoch.work
  const meetsShareTarget = verdict.hashValue <= sessionJob.job.shareTarget
  const meetsBlockTarget = verdict.hashValue <= work.blockTarget
  const payee = session.payee
  const found: FoundShare | undefined =
    meetsShareTarget || meetsBlockTarget
      ? {
          work,
          coinbase: sessionJob.job.coinbase,
          extranonce: verdict.extranonce,
          coinbaseTx: verdict.coinbaseTx,
          header: verdict.header,
          powHash: verdict.hash,
          payoutScript: sessionJob.job.payoutScript,
          operatorFee: sessionJob.job.operatorFee,
          staleTip,
          rig: { address: payee?.address ?? '', worker: payee?.worker ?? '', remoteAddress: session.remoteAddress }
        }
      : undefined
  return {
    kind: 'accepted',
    sessionJob,
    key: parsed.key,
    difficulty,
    staleTip,
    ...(found !== undefined ? { found } : {}),
    meetsShareTarget,
    meetsBlockTarget
  }
}
