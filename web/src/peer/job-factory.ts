// Turns a confirmed template and the share-chain tip into work for the miner pool (docs/design.md, Work and
// shares step 3): our own coinbase from the shared builder, with 8 extranonce bytes = 4 random per tab
// session (extranonce1) followed by the 4 the worker pool rolls (extranonce2, little-endian).
import { EXTRANONCE_BYTES } from '@otedama/shared/sharechain'
import { buildShareJob, jobHeader, jobShare, type ShareJob } from '@otedama/shared/sharechain'
import { bitsToTarget } from '@otedama/shared/primitives'
import type { MiningJob } from '../miner/job'
import type { FoundShare } from '../miner/job'
import type { ShareState } from './share-state'
import type { ConfirmedTemplate } from './template-quorum'

/** Bytes of the per-session half of the extranonce. */
export const EXTRANONCE1_BYTES = 4

export interface PeerJob {
  jobId: string
  shareJob: ShareJob
  template: ConfirmedTemplate
  extranonce1: Uint8Array
  mining: MiningJob
}

/** A fresh random extranonce1 for this tab session. */
export function randomExtranonce1(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(EXTRANONCE1_BYTES))
}

export function extranonceFor(extranonce1: Uint8Array, extranonce2: number): Uint8Array {
  const extranonce = new Uint8Array(EXTRANONCE_BYTES)
  extranonce.set(extranonce1, 0)
  new DataView(extranonce.buffer).setUint32(EXTRANONCE1_BYTES, extranonce2 >>> 0, true)
  return extranonce
}

export function buildPeerJob(opts: {
  state: ShareState
  template: ConfirmedTemplate
  payoutScript: Uint8Array
  extranonce1: Uint8Array
  seq: number
  now: number
  /** The tab's own share target (from its hashrate); undefined: the chain's required target. */
  ownShareTarget?: bigint | undefined
}): PeerJob {
  const { state, template, extranonce1 } = opts
  const shareJob = buildShareJob({
    chain: state.chain,
    template: template.announcement,
    templateId: template.id,
    payoutScript: opts.payoutScript,
    now: opts.now,
    ...(opts.ownShareTarget !== undefined ? { ownShareTarget: opts.ownShareTarget } : {})
  })
  const jobId = `${template.idHex.slice(0, 16)}:${shareJob.parent?.key.slice(0, 16) ?? 'first'}:${opts.seq}`
  const mining: MiningJob = {
    jobId,
    algorithm: state.rules.pow,
    buildHeader: (extranonce2) => jobHeader(shareJob, extranonceFor(extranonce1, extranonce2), 0),
    shareTarget: shareJob.shareTarget,
    blockTarget: bitsToTarget(template.announcement.bits)
  }
  return { jobId, shareJob, template, extranonce1, mining }
}

/** The encoded share for a header the pool found on this job. */
export function shareBytesOf(job: PeerJob, found: FoundShare, networkTag: Uint8Array): Uint8Array {
  return jobShare(job.shareJob, networkTag, extranonceFor(job.extranonce1, found.extranonce2), found.header80)
}
