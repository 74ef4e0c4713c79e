import { createLogger } from '@otedama/shared/log'
import type { NetworkName } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { powHash, type PowAlgorithm } from '@otedama/shared/primitives'
import { blockHash, decodeHeader, displayHexToHash, hashToDisplayHex } from '@otedama/shared/primitives'
import { meetsTarget } from '@otedama/shared/primitives'
import { decodeTx } from '@otedama/shared/primitives'
import { RpcCallError } from '../rpc/errors'
import { BLOCK_STATUSES, type BlockRecordStore, type BlockStatus, type FoundBlockRecord } from '../store/records'
import { assembleBlock } from './assemble'
import { BestChainView } from './chain-view'
import {
  CallGate,
  SubmissionQueue,
  couldStillWin,
  retryDelayMs,
  MAX_SUBMIT_ATTEMPTS,
  type QueuedBlock,
  type TipView
} from './queue'
import { NotABlockError, type BlockAttestor, type BlockDaemon, type BlockSubmitter, type FoundBlock } from './submitter'
import { errorMessage, BoundedMap, ListenerSet } from '@otedama/shared/util'

const log = createLogger('block')

/**
 * Calls the pipeline has at the daemon at once (count), submissions and status checks together.
 * Below the daemon's default -rpcthreads=4, which also serve the template long poll and refreshes.
 */
export const DEFAULT_DAEMON_CALLS = 2
/** Found blocks remembered in memory to answer a second submission at once (count); older ones are found in the store. */
export const MAX_REMEMBERED_BLOCKS = 4096
/** Headers walked back from a best block of unknown height before waiting for the next template (count). */
export const MAX_TIP_WALK = 16
/** submitblock answers for a valid block the daemon keeps off its best chain (BIP22 and Bitcoin Core's submitblock). */
const SIDE_BLOCK_ANSWERS = new Set(['inconclusive', 'duplicate-inconclusive'])
/** Longest a stop waits for queued blocks to reach the daemon (ms); within the relay's 15 s shutdown limit (main.ts). */
export const STOP_FLUSH_MS = 5_000
/** How often a stop re-checks the queue while it flushes (ms). */
const STOP_FLUSH_STEP_MS = 50
/** Gate priorities: a block that may win goes before any status check. */
const PRIORITY_SUBMIT = 0
const PRIORITY_STATUS = 1

export interface BlockPipelineInit {
  network: NetworkName
  source: BlockDaemon
  blocks: BlockRecordStore
  pow: PowAlgorithm
  /** Confirmations after which a coinbase is spendable (chain params). */
  coinbaseMaturity: number
  attestor?: BlockAttestor
  /** Calls at the daemon at once (default DEFAULT_DAEMON_CALLS); keep it below the daemon's -rpcthreads. */
  maxDaemonCalls?: number
  now?: () => number
}

/** The pipeline's figures for the API, the live stream and /metrics. */
export interface BlockPipelineMetrics {
  /** Blocks handed in since start, duplicates from the second path included. */
  candidates: number
  /** Distinct blocks recorded since start. */
  blocksFound: number
  /** submitblock calls since start, and how many of them were retries. */
  submitCalls: number
  submitRetries: number
  /** Blocks recorded stale without a call (their parent was no longer the tip). */
  staleUnsent: number
  queued: number
  daemonCallsInFlight: number
  daemonCallsPeak: number
  /** Records in each status, all time (from the store at start, then kept here). */
  byStatus: Record<BlockStatus, number>
}

/**
 * The one way a found block reaches the daemon, whatever path found it (Stratum, the share pool):
 * one record and at most one submission in flight per block hash (a second hand-in is answered from
 * memory before any await), a bounded queue toward the daemon (submission rules in queue.ts), and
 * statuses read from the daemon's own best chain (chain-view.ts) for every unsettled block on each
 * new tip. Every status change is written to the store first, so a restart resumes where it was.
 */
export class BlockPipeline implements BlockSubmitter {
  private readonly init: BlockPipelineInit
  private readonly now: () => number
  private readonly changes = new ListenerSet<[FoundBlockRecord]>()
  private readonly queue = new SubmissionQueue()
  private readonly gate: CallGate
  private readonly view = new BestChainView()
  /** Decisions by block hash, newest last (insertion order is the eviction order). */
  private readonly recent = new BoundedMap<string, Promise<FoundBlockRecord>>(MAX_REMEMBERED_BLOCKS)
  /** Blocks queued or being sent, with their bytes. */
  private readonly pending = new Map<string, Uint8Array>()
  /** Share and template ids of a second hand-in that came before the first one's record was written. */
  private readonly lateIds = new Map<string, FoundBlock>()
  /** Hand-ins not answered yet. */
  private readonly waiters = new Map<string, (record: FoundBlockRecord) => void>()
  /** Blocks whose status can still change, followed on each new tip. */
  private readonly tracked = new Set<string>()
  /** The latest record of every pending or tracked block. */
  private readonly live = new Map<string, FoundBlockRecord>()
  private readonly parentsInFlight = new Set<string>()
  private readonly sends = new Set<Promise<void>>()
  private readonly counts = Object.fromEntries(BLOCK_STATUSES.map((s) => [s, 0])) as Record<BlockStatus, number>
  private readonly counters = { candidates: 0, blocksFound: 0, submitCalls: 0, submitRetries: 0, staleUnsent: 0 }
  private tipView: TipView | undefined
  private timer: NodeJS.Timeout | undefined
  private offs: Array<() => void> = []
  private stopped = true
  private checking: Promise<void> | undefined
  private checkQueued: Promise<void> | undefined

  constructor(init: BlockPipelineInit) {
    this.init = init
    this.now = init.now ?? Date.now
    this.gate = new CallGate(init.maxDaemonCalls ?? DEFAULT_DAEMON_CALLS)
  }

  /** Loads the unsettled blocks from the store, then follows the daemon's tips and health. */
  async start(): Promise<void> {
    if (!this.stopped) return
    this.stopped = false
    Object.assign(this.counts, await this.init.blocks.countBlocksByStatus())
    const t = this.init.source.current()
    if (t !== undefined) this.setTip(hashToDisplayHex(t.prevHash), t.height - 1)
    const tipHeight = this.tipView?.height ?? 0
    const unsettled = [
      ...(await this.init.blocks.listBlocksByStatus(['submitted', 'accepted'])),
      ...(
        await this.init.blocks.listBlocksByStatus(['orphaned', 'stale'], {
          minHeight: tipHeight - this.init.coinbaseMaturity
        })
      ).filter((r) => r.sentAt !== undefined)
    ]
    for (const r of unsettled) {
      this.tracked.add(r.hash)
      this.live.set(r.hash, r)
    }
    if (unsettled.length > 0) log.info(`following ${unsettled.length} unsettled blocks`)
    this.offs.push(
      this.init.source.onTemplate((template, newTip) => {
        if (!newTip) return
        this.setTip(hashToDisplayHex(template.prevHash), template.height - 1)
        this.pump()
        this.scheduleCheck()
      })
    )
    this.offs.push(
      this.init.source.onHealth((health) => {
        if (!health.healthy) return
        this.queue.unpark(this.now())
        this.pump()
        this.scheduleCheck()
      })
    )
    this.scheduleCheck()
  }

  /**
   * Stops following. First it finishes what is in flight: blocks queued and due are still sent while the
   * daemon is healthy, for at most `flushMs` (a block found just before a SIGTERM must not wait for the
   * next start, when its parent is no longer the tip); then it waits for calls under way. Blocks left
   * queued (daemon away, retry not due in time) keep their `submitted` record.
   */
  async stop(flushMs = STOP_FLUSH_MS): Promise<void> {
    if (this.stopped) return
    const deadline = this.now() + flushMs
    while (this.pending.size > 0 && this.now() < deadline && this.init.source.health().healthy) {
      const due = this.queue.nextDueAt()
      if (this.sends.size === 0 && (due === undefined || due > deadline)) break
      this.pump()
      await Promise.race([
        Promise.allSettled([...this.sends]),
        new Promise((resolve) => setTimeout(resolve, STOP_FLUSH_STEP_MS))
      ])
    }
    this.stopped = true
    for (const off of this.offs.splice(0)) off()
    clearTimeout(this.timer)
    await Promise.allSettled([...this.sends])
    await this.checking?.catch(() => {})
    for (const b of this.queue.drain()) this.decide(b.hash)
  }

  onChange(listener: (record: FoundBlockRecord) => void): () => void {
    return this.changes.add(listener)
  }

  /** The daemon's tip as the pipeline knows it (display hex). */
  tip(): { hash: string; height: number } | undefined {
    return this.tipView === undefined ? undefined : { hash: this.tipView.hash, height: this.tipView.height }
  }

  metrics(): BlockPipelineMetrics {
    return {
      ...this.counters,
      queued: this.queue.size,
      daemonCallsInFlight: this.gate.inFlight,
      daemonCallsPeak: this.gate.peak,
      byStatus: { ...this.counts }
    }
  }

  submit(found: FoundBlock): Promise<FoundBlockRecord> {
    this.counters.candidates++
    const hash = hashToDisplayHex(blockHash(found.header80))
    const known = this.recent.get(hash)
    if (known !== undefined) {
      this.mergeIds(hash, found)
      return known
    }
    const decided = this.admit(hash, found)
    this.recent.set(hash, decided)
    decided.catch(() => {
      if (this.recent.get(hash) === decided) this.recent.delete(hash)
    })
    return decided
  }

  /** Reads every unsettled block's status from the daemon's chain now (also done on each new tip). */
  async updateStatuses(): Promise<void> {
    // One check at a time; a request during a check queues one more, which sees the newest tip.
    if (this.checkQueued !== undefined) return await this.checkQueued
    const previous = this.checking ?? Promise.resolve()
    const next: Promise<void> = previous
      .catch(() => {})
      .then(async () => {
        this.checkQueued = undefined
        await this.checkOnce()
      })
    this.checkQueued = next
    const guarded = next.finally(() => {
      if (this.checking === guarded) this.checking = undefined
    })
    // The caller sees next's failure; this derived promise only tracks the check in flight.
    guarded.catch(() => {})
    this.checking = guarded
    await next
  }

  private scheduleCheck(): void {
    if (this.stopped) return
    this.updateStatuses().catch((err: unknown) => log.debug(`block status check: ${errorMessage(err)}`))
  }

  private async admit(hash: string, found: FoundBlock): Promise<FoundBlockRecord> {
    const { template, header80, coinbaseLegacy } = found
    if (!meetsTarget(powHash(this.init.pow, header80), template.target))
      throw new NotABlockError('the header does not meet the block target')
    const block = assembleBlock(template, header80, coinbaseLegacy)
    const stored = await this.init.blocks.getBlock(hash)
    if (stored !== undefined) {
      this.lateIds.delete(hash)
      return stored
    } // found before this run (or beyond what memory holds)
    const now = this.now()
    const record: FoundBlockRecord = {
      hash,
      network: this.init.network,
      height: template.height,
      prevHash: hashToDisplayHex(decodeHeader(header80).prevHash),
      ...(found.shareId !== undefined ? { shareId: hashToDisplayHex(found.shareId) } : {}),
      ...(found.templateId !== undefined ? { templateId: bytesToHex(found.templateId) } : {}),
      coinbaseValue: template.coinbaseValue.toString(),
      payouts: decodeTx(coinbaseLegacy)
        .outputs.filter((o) => o.value > 0n)
        .map((o) => ({ script: bytesToHex(o.script), value: o.value.toString() })),
      foundAt: now,
      status: 'submitted',
      updatedAt: now
    }
    const late = this.lateIds.get(hash)
    this.lateIds.delete(hash)
    if (late?.shareId !== undefined && record.shareId === undefined) record.shareId = hashToDisplayHex(late.shareId)
    if (late?.templateId !== undefined && record.templateId === undefined)
      record.templateId = bytesToHex(late.templateId)
    this.counters.blocksFound++
    // Judged before anything is written: a block that can no longer win is written once, as stale.
    const tip = this.tipView
    if (tip !== undefined && !couldStillWin(record.prevHash, tip)) {
      this.counters.staleUnsent++
      return await this.save(undefined, {
        ...record,
        status: 'stale',
        reason: "not sent: its parent is no longer the daemon's tip"
      })
    }
    const refused = this.queue.add({ hash, prevHash: record.prevHash, height: record.height }, now)
    if (refused !== undefined) {
      return await this.save(undefined, {
        ...record,
        status: 'stale',
        reason:
          refused === 'parent-full'
            ? 'not sent: enough blocks on the same parent already wait for the daemon (only one can win)'
            : 'not sent: the queue toward the daemon is full'
      })
    }
    let resolve!: (r: FoundBlockRecord) => void
    const decided = new Promise<FoundBlockRecord>((res) => {
      resolve = res
    })
    this.pending.set(hash, block)
    this.waiters.set(hash, resolve)
    // Written before the call, so a crash after submitting still leaves the record (the chain then decides it).
    await this.save(undefined, record)
    this.pump()
    return await decided
  }

  /** A later hand-in of the same block may know its share and template: keep them. */
  private mergeIds(hash: string, found: FoundBlock): void {
    const record = this.live.get(hash)
    if (record === undefined) {
      // The first hand-in has not written its record yet: it takes these when it does.
      if (found.shareId !== undefined || found.templateId !== undefined) this.lateIds.set(hash, found)
      return
    }
    const extra: Partial<FoundBlockRecord> = {
      ...(record.shareId === undefined && found.shareId !== undefined
        ? { shareId: hashToDisplayHex(found.shareId) }
        : {}),
      ...(record.templateId === undefined && found.templateId !== undefined
        ? { templateId: bytesToHex(found.templateId) }
        : {})
    }
    if (Object.keys(extra).length === 0) return
    const updated = { ...record, ...extra }
    if (this.pending.has(hash))
      this.live.set(hash, updated) // written with its next status
    else this.background(this.save(record.status, updated), hash)
  }

  /** A write nobody awaits: logged if it fails, awaited by stop(). */
  private background(work: Promise<unknown>, hash: string): void {
    const tracked: Promise<void> = work
      .then(
        () => {},
        (err: unknown) => log.warn(`block ${hash}: ${errorMessage(err)}`)
      )
      .finally(() => this.sends.delete(tracked))
    this.sends.add(tracked)
  }

  private setTip(hash: string, height: number): void {
    const own = this.live.has(hash) || this.recent.has(hash)
    const known = this.tipView?.hash === hash ? this.tipView.parent : undefined
    const parent = known ?? (this.view.height === height ? this.view.hashAt(height - 1) : undefined)
    this.tipView = { hash, height, own, ...(parent !== undefined ? { parent } : {}) }
  }

  /** One pass over the queue: stale blocks recorded, due blocks sent; then a timer for the next due one. */
  private pump(): void {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = undefined
    const tip = this.tipView
    if (tip === undefined) {
      for (const hash of this.pending.keys()) this.decide(hash, "waiting for the daemon's first template")
      return
    }
    const now = this.now()
    const { send, stale } = this.queue.take(now, tip, this.parentsInFlight)
    for (const b of stale) {
      this.counters.staleUnsent++
      this.background(this.finishStale(b.hash, "not sent: its parent is no longer the daemon's tip"), b.hash)
    }
    for (const b of send) {
      this.parentsInFlight.add(b.prevHash)
      const sending: Promise<void> = this.send(b)
        .catch((err: unknown) => log.error(`block ${b.hash}: ${errorMessage(err)}`))
        .finally(() => {
          this.sends.delete(sending)
          this.parentsInFlight.delete(b.prevHash)
          this.pump()
        })
      this.sends.add(sending)
    }
    const due = this.queue.nextDueAt()
    if (due !== undefined) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, due - now))
      this.timer.unref()
    }
  }

  private async send(queued: QueuedBlock): Promise<void> {
    const block = this.pending.get(queued.hash)
    if (block === undefined) return
    await this.gate.run(PRIORITY_SUBMIT, async () => {
      // The tip may have moved while this waited for a slot.
      if (this.tipView === undefined || !couldStillWin(queued.prevHash, this.tipView)) {
        this.counters.staleUnsent++
        return await this.finishStale(queued.hash, "not sent: its parent is no longer the daemon's tip")
      }
      const health = this.init.source.health()
      if (!health.healthy || this.stopped) {
        this.queue.park(queued)
        return this.decide(queued.hash, `waiting for the daemon: ${health.reason ?? 'stopping'}`)
      }
      const attempt = { ...queued, attempts: queued.attempts + 1 }
      const record = this.liveRecord(queued.hash)
      const sent: FoundBlockRecord = {
        ...record,
        sentAt: record.sentAt ?? this.now(),
        submitAttempts: attempt.attempts
      }
      this.live.set(queued.hash, sent)
      this.counters.submitCalls++
      if (attempt.attempts > 1) this.counters.submitRetries++
      let outcome
      try {
        outcome = await this.init.source.submitBlock(block)
      } catch (err) {
        if (err instanceof RpcCallError)
          return await this.finish(queued.hash, 'rejected', `${err.daemonMessage} (RPC error ${err.code})`)
        return await this.sendFailed(attempt, err as Error)
      }
      if (outcome.accepted) return await this.finishAccepted(attempt)
      if (SIDE_BLOCK_ANSWERS.has(outcome.reason))
        return await this.finish(queued.hash, 'stale', `the daemon keeps it off its best chain (${outcome.reason})`)
      log.warn(`block ${queued.hash} at height ${queued.height} rejected: ${outcome.reason}`)
      return await this.finish(queued.hash, 'rejected', outcome.reason)
    })
  }

  /** A transport failure: try again after the backoff while attempts are left (and the block could still win). */
  private async sendFailed(attempt: QueuedBlock, err: Error): Promise<void> {
    const record = this.liveRecord(attempt.hash)
    if (this.queue.failed(attempt, this.now())) {
      const reason = `submit failed (attempt ${attempt.attempts} of ${MAX_SUBMIT_ATTEMPTS}, next in ${retryDelayMs(attempt.attempts)} ms): ${err.message}`
      log.warn(`block ${attempt.hash}: ${reason}`)
      await this.save(record.status, { ...record, reason })
      return this.decide(attempt.hash)
    }
    const reason = `not sent: ${attempt.attempts} submitblock calls failed, last: ${err.message}`
    log.error(`block ${attempt.hash}: ${reason}`)
    this.pending.delete(attempt.hash)
    this.tracked.add(attempt.hash) // the daemon may still have it: its chain decides
    await this.save(record.status, { ...record, reason })
    this.decide(attempt.hash)
  }

  private async finishAccepted(attempt: QueuedBlock): Promise<void> {
    // A block on the tip that the daemon connected is the new tip: blocks queued on the old one are stale now.
    if (this.tipView?.hash === attempt.prevHash)
      this.tipView = { hash: attempt.hash, height: attempt.height, parent: attempt.prevHash, own: true }
    log.info(`block ${attempt.hash} at height ${attempt.height} accepted`)
    await this.finish(attempt.hash, 'accepted', undefined, 1)
  }

  private async finishStale(hash: string, reason: string): Promise<void> {
    await this.finish(hash, 'stale', reason)
  }

  /** The block leaves the queue with `status`; it stays followed while its status can change. */
  private async finish(
    hash: string,
    status: BlockStatus,
    reason: string | undefined,
    confirmations?: number
  ): Promise<void> {
    const record = this.liveRecord(hash)
    this.pending.delete(hash)
    const { reason: _old, confirmations: _c, ...rest } = record
    const next: FoundBlockRecord = {
      ...rest,
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(confirmations !== undefined ? { confirmations } : {})
    }
    if (status === 'accepted' || (status === 'stale' && next.sentAt !== undefined)) this.tracked.add(hash)
    else this.tracked.delete(hash)
    const row = await this.save(record.status, next)
    if (status === 'accepted') this.init.attestor?.attestBlock(displayHexToHash(hash), next.height, 'accepted')
    this.decide(hash, undefined, row)
  }

  /** Answers the hand-in of a block with its record as it is now (once; later changes go to onChange). */
  private decide(hash: string, waitingReason?: string, record = this.live.get(hash)): void {
    const resolve = this.waiters.get(hash)
    if (resolve === undefined || record === undefined) return
    this.waiters.delete(hash)
    resolve(
      waitingReason !== undefined && record.status === 'submitted' ? { ...record, reason: waitingReason } : record
    )
  }

  private liveRecord(hash: string): FoundBlockRecord {
    const record = this.live.get(hash)
    if (record === undefined) throw new Error(`block ${hash} has no record in memory`)
    return record
  }

  private async save(previous: BlockStatus | undefined, record: FoundBlockRecord): Promise<FoundBlockRecord> {
    const row = { ...record, updatedAt: this.now() }
    if (this.pending.has(row.hash) || this.tracked.has(row.hash)) this.live.set(row.hash, row)
    else this.live.delete(row.hash)
    await this.init.blocks.putBlock(row)
    if (previous !== undefined) this.counts[previous]--
    this.counts[row.status]++
    this.changes.emit(row)
    return row
  }

  // --- statuses from the daemon's chain ----------------------------------------------------------

  private async checkOnce(): Promise<void> {
    const source = this.init.source
    const best = hashToDisplayHex(await this.gate.run(PRIORITY_STATUS, async () => await source.bestBlockHash()))
    const height = await this.heightOf(best)
    if (height === undefined) return // the next template says
    let lowest = height
    for (const hash of this.tracked) lowest = Math.min(lowest, this.live.get(hash)?.height ?? height)
    // At least the tip and its parent (whether a sibling of the tip may still race), at most to maturity.
    const depth = Math.max(2, Math.min(this.init.coinbaseMaturity + 1, height - lowest + 1))
    await this.view.moveTo(best, height, depth, this.prevOf)
    if (this.tipView === undefined || this.tipView.hash === best) this.setTip(best, height)
    for (const hash of [...this.tracked]) {
      if (this.stopped) return
      const record = this.live.get(hash)
      if (record === undefined || this.pending.has(hash)) continue
      await this.follow(record, height)
    }
  }

  private readonly prevOf = async (hashHex: string): Promise<string | undefined> => {
    const header = await this.gate.run(
      PRIORITY_STATUS,
      async () => await this.init.source.headerOf(displayHexToHash(hashHex))
    )
    return header === undefined ? undefined : hashToDisplayHex(decodeHeader(header).prevHash)
  }

  /** Height of the daemon's best block: from the template, the view, our records, or a short walk back. */
  private async heightOf(best: string): Promise<number | undefined> {
    const known = (hash: string): number | undefined => {
      const t = this.init.source.current()
      if (t !== undefined && hashToDisplayHex(t.prevHash) === hash) return t.height - 1
      if (this.tipView?.hash === hash) return this.tipView.height
      return this.view.heightOfHash(hash) ?? this.live.get(hash)?.height
    }
    let hash: string | undefined = best
    for (let steps = 0; steps <= MAX_TIP_WALK && hash !== undefined; steps++) {
      const h = known(hash)
      if (h !== undefined) return h + steps
      hash = await this.prevOf(hash)
    }
    return undefined
  }

  /** One block's status from the chain, written when it changed; it stops being followed once settled. */
  private async follow(record: FoundBlockRecord, tipHeight: number): Promise<void> {
    let inChain: boolean
    let confirmations = tipHeight - record.height + 1
    const atHeight = this.view.hashAt(record.height)
    if (atHeight !== undefined) inChain = atHeight === record.hash
    else if (record.height > tipHeight) inChain = false
    else {
      const position = await this.gate.run(
        PRIORITY_STATUS,
        async () => await this.init.source.chainPosition(displayHexToHash(record.hash))
      )
      inChain = position.state === 'in-chain'
      if (position.state === 'in-chain') confirmations = position.confirmations
    }
    let status = record.status
    let reason = record.reason
    if (inChain) {
      status = confirmations >= this.init.coinbaseMaturity ? 'confirmed' : 'accepted'
      reason = undefined
    } else if (status === 'accepted' || status === 'confirmed') {
      status = 'orphaned'
      reason = 'a reorganisation took it out of the best chain'
    } else if (
      status === 'submitted' &&
      (this.tipView === undefined || !couldStillWin(record.prevHash, this.tipView))
    ) {
      status = 'stale'
      reason = 'the best chain moved on without it'
    }
    const settled =
      status === 'confirmed' ||
      status === 'rejected' ||
      ((status === 'orphaned' || status === 'stale') &&
        (record.sentAt === undefined || tipHeight - record.height >= this.init.coinbaseMaturity))
    if (settled) this.tracked.delete(record.hash)
    if (status === record.status) {
      if (settled) this.live.delete(record.hash)
      return
    }
    const { reason: _r, confirmations: _c, ...rest } = record
    await this.save(record.status, {
      ...rest,
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(inChain ? { confirmations } : {})
    })
    log.info(`block ${record.hash} at height ${record.height} is now ${status}`)
    if (status === 'accepted' || status === 'orphaned' || status === 'confirmed')
      this.init.attestor?.attestBlock(displayHexToHash(record.hash), record.height, status)
  }
}
