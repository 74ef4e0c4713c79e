// Jobs: each piece of work from the JobSource becomes an epoch; each (epoch, payout script) a job
// with a globally unique id, its coinb1/coinb2 built once and its notify line encoded once, shared
// by every connection paying the same script. Epochs track how they were replaced, which decides
// whether a submit on one of their jobs is current, stale-tip (within the grace) or stale.
import { bytesToHex } from '@otedama/shared/primitives'
import type { CoinbaseParts, StratumWork } from './types'
import { BoundedMap } from '@otedama/shared/util'

export type ReplacedBy = 'block' | 'share-tip' | 'refresh'

export class WorkEpoch {
  /** When a newer epoch replaced this one at all / on another share tip / on another block (ms). */
  replacedAt: number | undefined
  tipReplacedAt: number | undefined
  blockReplacedAt: number | undefined
  readonly prevHashHex: string
  readonly shareParentHex: string
  readonly prevHashStratum: string
  /** Pre-encoded notify fields shared by all of this epoch's jobs. */
  readonly notifyFields: string
  private readonly jobs = new BoundedMap<string, Job>(MAX_JOBS_PER_EPOCH)

  constructor(
    readonly seq: number,
    readonly work: StratumWork,
    readonly createdAt: number,
    /** Header time of this epoch's jobs (s): max(template time, clock). */
    readonly ntime: number
  ) {
    this.prevHashHex = bytesToHex(work.prevHash)
    this.shareParentHex = work.shareParent === null ? '' : bytesToHex(work.shareParent)
    this.prevHashStratum = stratumPrevHash(work.prevHash)
    const branches = work.merkleBranch.map((b) => bytesToHex(b))
    this.notifyFields = `${JSON.stringify(branches)},"${hex32(work.version)}","${hex32(work.bits)}","${hex32(ntime)}"`
  }

  /** The job paying `payoutScript` at a rig's own share target, built on first use and shared by rigs alike. */
  jobFor(payoutScript: Uint8Array, operatorFee: boolean, nextId: () => string, ownShareTarget?: bigint): Job {
    const own = ownShareTarget !== undefined && ownShareTarget < this.work.shareTarget ? ownShareTarget : undefined
    const key = `${operatorFee ? 'fee:' : ''}${bytesToHex(payoutScript)}:${own?.toString(16) ?? ''}`
    let job = this.jobs.get(key)
    if (job === undefined) {
      job = new Job(nextId(), this, this.work.buildCoinbase(payoutScript, own), payoutScript, operatorFee)
      this.jobs.set(key, job)
    }
    return job
  }

  get jobCount(): number {
    return this.jobs.size
  }
}

export class Job {
  private lineClean: string | undefined
  private lineContinue: string | undefined
  readonly coinb1Hex: string
  readonly coinb2Hex: string
  /** Headers at or below this are shares (the own target the coinbase commits to). */
  readonly shareTarget: bigint

  constructor(
    readonly id: string,
    readonly epoch: WorkEpoch,
    readonly coinbase: CoinbaseParts,
    readonly payoutScript: Uint8Array,
    readonly operatorFee: boolean
  ) {
    this.coinb1Hex = bytesToHex(coinbase.coinb1)
    this.coinb2Hex = bytesToHex(coinbase.coinb2)
    this.shareTarget = coinbase.shareTarget ?? epoch.work.shareTarget
  }

  /** The same coinbase under a fresh id (a difficulty change that left the own target alone: ESP-Miner ignores repeated ids). */
  reissue(id: string): Job {
    return new Job(id, this.epoch, this.coinbase, this.payoutScript, this.operatorFee)
  }

  /** mining.notify [job_id, prevhash, coinb1, coinb2, branches, version, nbits, ntime, clean_jobs]. */
  notifyLine(clean: boolean): string {
    if (clean) return (this.lineClean ??= this.encode(true))
    return (this.lineContinue ??= this.encode(false))
  }

  private encode(clean: boolean): string {
    return `{"id":null,"method":"mining.notify","params":["${this.id}","${this.epoch.prevHashStratum}","${this.coinb1Hex}","${this.coinb2Hex}",${this.epoch.notifyFields},${clean}]}\n`
  }
}

export type JobState = 'current' | 'stale-tip' | 'stale'

/** Where a job stands now: current, on a replaced share tip but within the grace, or stale. */
export function jobState(job: Job, now: number, shareTipGraceMs: number, sameTipExpiryMs: number): JobState {
  const e = job.epoch
  if (e.blockReplacedAt !== undefined) return 'stale'
  if (e.tipReplacedAt !== undefined) return now - e.tipReplacedAt <= shareTipGraceMs ? 'stale-tip' : 'stale'
  if (e.replacedAt !== undefined && now - e.replacedAt > sameTipExpiryMs) return 'stale'
  return 'current'
}

/** Most epochs kept alive (older ones can only be stale by then). */
const MAX_LIVE_EPOCHS = 64
/** Distinct (payout script, own target) jobs built per epoch; the oldest is forgotten first (rigs keep theirs). */
const MAX_JOBS_PER_EPOCH = 4096

/** The sequence of epochs and the global job id counter. */
export class JobBook {
  private readonly epochs: WorkEpoch[] = []
  private seq = 0
  private jobCounter: number

  constructor(private readonly now: () => number = Date.now) {
    // Start ids at a random point so a restarted relay does not repeat ids a rig still holds.
    this.jobCounter = Math.floor(Math.random() * 0x7fffffff)
  }

  readonly nextJobId = (): string => {
    this.jobCounter = (this.jobCounter + 1) % 0x100000000
    return this.jobCounter.toString(16)
  }

  get current(): WorkEpoch | undefined {
    return this.epochs[this.epochs.length - 1]
  }

  /**
   * Starts a new epoch for `work` and marks older epochs by what changed. Returns the epoch and
   * whether rigs must drop older work (a new block: clean_jobs).
   */
  advance(work: StratumWork): { epoch: WorkEpoch; replacedBy: ReplacedBy | undefined } {
    const now = this.now()
    const ntime = Math.max(work.time, work.minTime, Math.floor(now / 1000))
    const epoch = new WorkEpoch(++this.seq, work, now, ntime)
    const previous = this.current
    let replacedBy: ReplacedBy | undefined
    if (previous !== undefined) {
      replacedBy =
        previous.prevHashHex !== epoch.prevHashHex
          ? 'block'
          : previous.shareParentHex !== epoch.shareParentHex
            ? 'share-tip'
            : 'refresh'
      for (const old of this.epochs) {
        old.replacedAt ??= now
        if (old.prevHashHex !== epoch.prevHashHex) old.blockReplacedAt ??= now
        else if (old.shareParentHex !== epoch.shareParentHex) old.tipReplacedAt ??= now
      }
    }
    this.epochs.push(epoch)
    if (this.epochs.length > MAX_LIVE_EPOCHS) this.epochs.shift()
    return { epoch, replacedBy }
  }
}

/** Stratum's prevhash: the internal-order hash with each 4-byte word byte-reversed (what cgminer's flip32 undoes). */
export function stratumPrevHash(prevHash: Uint8Array): string {
  const swapped = new Uint8Array(32)
  for (let i = 0; i < 32; i += 4) {
    swapped[i] = prevHash[i + 3]
    swapped[i + 1] = prevHash[i + 2]
    swapped[i + 2] = prevHash[i + 1]
    swapped[i + 3] = prevHash[i]
  }
  return bytesToHex(swapped)
}

/** A u32 as 8 big-endian hex digits (version, nbits, ntime in notify). */
export function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0')
}
