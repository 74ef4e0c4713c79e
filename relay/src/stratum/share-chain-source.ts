// Stratum work from the share chain (@otedama/shared src/sharechain): each job's coinb1/coinb2 come from the
// shared coinbase builder (buildShareJob) for the rig's payout script on the current template
// announcement and share-chain tip; a found header becomes an encoded share (jobShare) that the
// shared validator checks before the chain takes it. The relay composes these (relay/src/main.ts).
import { createLogger } from '@otedama/shared/log'
import { bitsToTarget } from '@otedama/shared/primitives'
import {
  buildShareJob,
  jobShare,
  templateId as computeTemplateId,
  type ShareChain,
  type ShareJob,
  type ShareValidator,
  type ShareVerdict,
  type TemplateAnnouncement
} from '@otedama/shared/sharechain'
import type { ShareNode } from '@otedama/shared/sharechain'
import type { FoundShare, JobSource, ShareSink, StratumWork } from './types'
import { ListenerSet } from '@otedama/shared/util'

const log = createLogger('stratum:sharechain')

export interface StratumTemplate {
  announcement: TemplateAnnouncement
  /** sha256d of the announcement's encoding; computed when absent. */
  templateId?: Uint8Array
  /** Earliest header time the chain accepts (s). */
  minTime: number
  /** Opaque to Stratum: what the block sink needs to assemble a block (e.g. the full BlockTemplate). */
  context?: unknown
}

export interface ShareChainWork extends StratumWork {
  readonly template: StratumTemplate
  readonly parent: ShareNode | undefined
}

/** Work on `template` building on `parent` (the chain's tip unless given). */
export function shareChainWork(
  chain: ShareChain,
  template: StratumTemplate,
  parent = chain.tip,
  nowSeconds = (): number => Math.floor(Date.now() / 1000),
  scriptSigTag?: Uint8Array
): ShareChainWork {
  const a = template.announcement
  const templateId = template.templateId ?? computeTemplateId(a)
  return {
    id: `${Buffer.from(templateId).toString('hex').slice(0, 16)}:${parent === undefined ? 'first' : parent.key.slice(0, 16)}`,
    height: a.height,
    version: a.version,
    prevHash: a.prevHash,
    bits: a.bits,
    blockTarget: bitsToTarget(a.bits),
    shareTarget: chain.requiredShareTarget(parent),
    shareParent: parent === undefined ? null : parent.id,
    time: a.curtime,
    // The header time is the share's timestamp: above the share chain's median as well as the coin's.
    minTime: Math.max(template.minTime, chain.medianTimePast(parent) ?? 0),
    merkleBranch: a.merkleBranch,
    template,
    parent,
    buildCoinbase: (payoutScript, ownShareTarget) => {
      const job: ShareJob = buildShareJob({
        chain,
        template: a,
        templateId,
        payoutScript,
        parent,
        now: nowSeconds(),
        ...(ownShareTarget !== undefined ? { ownShareTarget } : {}),
        ...(scriptSigTag !== undefined ? { scriptSigTag } : {})
      })
      return { coinb1: job.coinb1, coinb2: job.coinb2, context: job, shareTarget: job.shareTarget }
    }
  }
}

/**
 * A JobSource over a share chain: call setTemplate() for each new template announcement and
 * tipChanged() when the chain's tip moves; each emits work the Stratum server turns into jobs.
 */
export class ShareChainJobSource implements JobSource {
  private work: ShareChainWork | undefined
  private template: StratumTemplate | undefined
  private readonly listeners = new ListenerSet<[work: StratumWork]>('stratum work')

  /** `scriptSigTag`: bytes after the BIP34 height in every coinbase (the relay's key binding, quorum/binding.ts). */
  constructor(
    private readonly chain: ShareChain,
    private readonly nowSeconds?: () => number,
    private readonly scriptSigTag?: Uint8Array
  ) {}

  current = (): StratumWork | undefined => this.work

  onWork = (listener: (work: StratumWork) => void): (() => void) => {
    return this.listeners.add(listener)
  }

  setTemplate(template: StratumTemplate): void {
    this.template = template
    this.emit()
  }

  /** The share chain's tip moved (a share of ours or a peer's): new work, sent with clean_jobs. */
  tipChanged(): void {
    if (this.template === undefined) return
    if (this.work !== undefined && this.work.parent === this.chain.tip) return
    this.emit()
  }

  private emit(): void {
    if (this.template === undefined) return
    this.work = shareChainWork(this.chain, this.template, this.chain.tip, this.nowSeconds, this.scriptSigTag)
    this.listeners.emit(this.work)
  }
}

/** The encoded share (shared share codec) for a header a rig found on share-chain work. */
export function encodeFoundShare(found: FoundShare, networkTag: Uint8Array): Uint8Array {
  const job = found.coinbase.context as ShareJob | undefined
  if (job === undefined || job.coinb1 === undefined)
    throw new TypeError('found share was not built by the share-chain coinbase builder')
  return jobShare(job, networkTag, found.extranonce, found.header)
}

export interface ShareChainSinkInit {
  chain: ShareChain
  validator: ShareValidator
  networkTag: Uint8Array
  /** Called with each share the chain took (publish it to the network, store it). */
  onAccepted?: (bytes: Uint8Array, found: FoundShare, tipChanged: boolean) => void
  /** Called with every verdict (metrics). */
  onVerdict?: (verdict: ShareVerdict, found: FoundShare) => void
}

/** A ShareSink that validates a found share with the shared validator and adds it to the chain. */
export class ShareChainSink implements ShareSink {
  constructor(private readonly init: ShareChainSinkInit) {}

  submitShare(found: FoundShare): ShareVerdict {
    const bytes = encodeFoundShare(found, this.init.networkTag)
    const { verdict, share, id } = this.init.validator.validate(bytes, 'live')
    this.init.onVerdict?.(verdict, found)
    if (verdict.kind !== 'accept' || share === undefined || id === undefined) {
      log.info(
        `share from ${found.rig.address}.${found.rig.worker} not taken: ${verdict.kind} ${'reason' in verdict ? String(verdict.reason) : ''}`
      )
      return verdict
    }
    const added = this.init.chain.add(share, id, bytes)
    this.init.onAccepted?.(bytes, found, added.tipChanged)
    return verdict
  }
}
