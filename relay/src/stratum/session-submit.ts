// mining.submit on a session: shape, authorization, the checks (submit.ts), the reply, then the
// accounting (vardiff, hashrate, fee, metrics) and the hand-off of shares and blocks.
import { createLogger } from '@otedama/shared/log'
import { ERROR_DUPLICATE_SHARE, ERROR_JOB_NOT_FOUND, ERROR_LOW_DIFFICULTY, ERROR_OTHER, ERROR_UNAUTHORIZED, MAX_SUBMITS_TRACKED_PER_JOB } from './constants'
import { stratumError, type RpcId } from './json-rpc'
import type { SessionContext } from './session-context'
import { checkSubmit, parseSubmitParams, type RejectReason } from './submit'
import type { FoundShare } from './types'

const log = createLogger('stratum:submit')

const NOT_THE_RIGS_FAULT: ReadonlySet<RejectReason> = new Set(['stale', 'unknown-job', 'unauthorized', 'not-subscribed'])

const ERROR_CODE: Record<RejectReason, number> = {
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

export function handleSubmit (session: SessionContext, id: RpcId, params: unknown[]): void {
  const host = session.host
  const parsed = parseSubmitParams(params, host.extranonce2Bytes)
  if ('error' in parsed) {
    host.counters.rejected.malformed++
    return session.invalidParams(id, parsed.error)
  }
  if (!session.subscribed) return rejectSubmit(session, id, 'not-subscribed', 'Not subscribed')
  if (!session.users.has(parsed.worker)) return rejectSubmit(session, id, 'unauthorized', 'Unauthorized worker')

  const now = Date.now()
  const verdict = checkSubmit({
    pow: host.chain.pow,
    extranonce1: session.extranonce1,
    versionMask: session.versionMask,
    jobs: session.jobs,
    difficulty: session.difficulty,
    target: session.target,
    shareTipGraceMs: host.params.shareTipGraceMs,
    sameTipJobExpiryMs: host.params.sameTipJobExpiryMs,
    nowMs: now
  }, parsed)
  if ('reject' in verdict) return rejectSubmit(session, id, verdict.reason, verdict.message)

  const { sessionJob, difficulty } = verdict
  if (sessionJob.submits.size >= MAX_SUBMITS_TRACKED_PER_JOB) {
    sessionJob.submits.delete(sessionJob.submits.values().next().value as string)
  }
  sessionJob.submits.add(parsed.key)
  session.reply(id, true)

  session.accepted++
  session.consecutiveBadSubmits = 0
  session.lastShareAt = now
  session.hashrate.add(difficulty, now)
  host.counters.accepted++
  host.counters.acceptedDifficulty += difficulty
  if (verdict.state === 'stale-tip') host.counters.acceptedOnStaleTip++
  const payee = session.payee
  if (payee !== undefined) host.fee.credit(payee.payoutScriptHex, difficulty, sessionJob.job.operatorFee)

  // An accepted submit is the rig doing its job: it never counts toward the line rate limit.
  session.conn.refundLine()
  const work = sessionJob.job.epoch.work
  const shareTarget = sessionJob.job.shareTarget
  if (verdict.hashValue <= shareTarget || verdict.hashValue <= work.blockTarget) {
    const found: FoundShare = {
      work,
      coinbase: sessionJob.job.coinbase,
      extranonce: verdict.extranonce,
      coinbaseTx: verdict.coinbaseTx,
      header: verdict.header,
      powHash: verdict.hash,
      payoutScript: sessionJob.job.payoutScript,
      operatorFee: sessionJob.job.operatorFee,
      staleTip: verdict.state === 'stale-tip',
      rig: { address: payee?.address ?? '', worker: payee?.worker ?? '', remoteAddress: session.conn.remoteAddress }
    }
    // A block first, at once; then the share (a block header is also a share when it meets both).
    if (verdict.hashValue <= work.blockTarget) {
      host.counters.blocksFound++
      log.info(`block candidate at height ${work.height} from ${found.rig.address}.${found.rig.worker}`)
      handOff(session, () => host.blockSink?.submitBlock(found))
    }
    if (verdict.hashValue <= shareTarget) {
      host.counters.sharesFound++
      session.sharesFound++
      if (found.staleTip) host.counters.staleShares++
      handOff(session, () => host.shareSink?.submitShare(found))
    }
  }

  const next = session.vardiff.onShare(session.difficulty, difficulty, now)
  if (next !== undefined) session.changeDifficulty(next)
}

function rejectSubmit (session: SessionContext, id: RpcId, reason: RejectReason, message: string): void {
  const host = session.host
  host.counters.rejected[reason]++
  session.rejected++
  session.replyError(id, stratumError(ERROR_CODE[reason], message))
  // Races and reconnects, not a broken rig: a stale job (a new block or tip), a job id or worker from
  // before a reconnect (cpuminer submits work of the old connection before its new authorize).
  if (NOT_THE_RIGS_FAULT.has(reason)) return
  session.consecutiveBadSubmits++
  if (session.consecutiveBadSubmits >= host.params.maxConsecutiveBadSubmits) {
    session.conn.drop('bad-submits', `${session.consecutiveBadSubmits} rejected submits in a row, last: ${reason}`)
  }
}

/** Calls a sink; its errors (sync or async) are logged and counted, never sent to the rig. */
function handOff (session: SessionContext, call: () => unknown): void {
  try {
    const result = call()
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        session.host.counters.sinkErrors++
        log.error('share/block sink failed', err)
      })
    }
  } catch (err) {
    session.host.counters.sinkErrors++
    log.error('share/block sink failed', err)
  }
}
