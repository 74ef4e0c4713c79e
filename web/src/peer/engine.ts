// The MiningEngine the Mine screen drives: B1's worker pool mining jobs built from the confirmed
// template and our share-chain tip; each find is encoded, validated like anyone's share, kept in the
// outbox and published (block-meeting ones on the block topic too). Also feeds the Pool and Peers views.
import { createLogger } from '@otedama/shared/log'
import { bytesToHex } from '@otedama/shared/primitives'
import type { MinerStats, MiningEngine } from '../app/state/miner.svelte'
import type { Throttle } from '../app/state/settings.svelte'
import type { FoundShare } from '../miner/job'
import type { MinerPool } from '../miner/pool'
import { jobCoinbase, shareTargetForHashrate } from '@otedama/shared/sharechain'
import { buildPeerJob, extranonceFor, randomExtranonce1, shareBytesOf, type PeerJob } from './job-factory'
import type { PeerSession } from './session'
import type { ViewFeed } from './view-feed'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('peer:engine')

export interface EngineDeps {
  /** Loads the session (network joined) on first start. */
  session: () => Promise<PeerSession>
  /** Creates the worker pool (Web Workers) on first start. */
  createPool: (threads: number, dutyCycle: number) => MinerPool
  feed: ViewFeed
  now?: () => number
}

export class PeerEngine implements MiningEngine {
  private pool: MinerPool | undefined
  private session: PeerSession | undefined
  private job: PeerJob | undefined
  private jobSeq = 0
  private payoutScript: Uint8Array | undefined
  private readonly extranonce1 = randomExtranonce1()
  private readonly statsListeners = new Set<(s: MinerStats) => void>()
  private readonly foundListeners = new Set<() => void>()
  private readonly acceptedListeners = new Set<() => void>()
  private rebuildQueued = false
  /** The pool's last measured total hashrate (H/s); 0 until the first report. */
  private hashrate = 0

  constructor(private readonly deps: EngineDeps) {}

  async start(opts: { threads: number; throttle: Throttle; payoutScript: Uint8Array }): Promise<void> {
    this.payoutScript = opts.payoutScript
    // Workers first, so their WebAssembly loads while the network joins.
    this.pool ??= this.createPool(opts.threads, opts.throttle)
    this.pool.setWorkerCount(opts.threads)
    this.pool.setDutyCycle(opts.throttle / 100)
    this.pool.start()
    this.deps.feed.setPayoutScript(opts.payoutScript)
    if (this.session === undefined) {
      let session: PeerSession
      try {
        session = await this.deps.session()
      } catch (err) {
        this.pool.stop() // no network, no work: the workers would only idle
        throw err
      }
      this.session = session
      this.wire(session)
    }
    this.rebuildJob()
  }

  stop(): void {
    this.pool?.stop()
    this.job = undefined
    void this.session?.saveSnapshot()
  }

  pause(): void {
    this.pool?.pause()
  }
  resume(): void {
    this.pool?.resume()
  }
  setThreads(threads: number): void {
    this.pool?.setWorkerCount(threads)
  }
  setThrottle(throttle: Throttle): void {
    this.pool?.setDutyCycle(throttle / 100)
  }
  onStats(listener: (stats: MinerStats) => void): void {
    this.statsListeners.add(listener)
  }
  onShareFound(listener: () => void): void {
    this.foundListeners.add(listener)
  }
  onShareAccepted(listener: () => void): void {
    this.acceptedListeners.add(listener)
  }
  outboxSize(): number {
    return this.session?.outbox.size ?? 0
  }

  private createPool(threads: number, throttle: Throttle): MinerPool {
    const pool = this.deps.createPool(threads, throttle / 100)
    pool.on('hashrate', (r) => {
      this.hashrate = r.total
      for (const l of this.statsListeners)
        l({ totalHashrate: r.total, workerHashrates: r.perWorker, engines: r.engines })
    })
    pool.on('share', (found) => this.onFound(found))
    pool.on('error', (e) => log.warn(`worker ${e.workerIndex}: ${e.message}`))
    return pool
  }

  private wire(session: PeerSession): void {
    this.deps.feed.attach(session)
    session.onTemplate(() => this.queueRebuild())
    session.state.onTip(() => this.queueRebuild())
    session.outbox.onAcknowledged(() => {
      for (const l of this.acceptedListeners) l()
    })
  }

  /** Coalesces tip/template changes arriving together (a sync burst) into one job. */
  private queueRebuild(): void {
    if (this.rebuildQueued) return
    this.rebuildQueued = true
    queueMicrotask(() => {
      this.rebuildQueued = false
      this.rebuildJob()
    })
  }

  private rebuildJob(): void {
    const session = this.session
    const pool = this.pool
    if (session?.template === undefined || pool?.isRunning !== true || this.payoutScript === undefined) return
    this.job = buildPeerJob({
      state: session.state,
      template: session.template,
      payoutScript: this.payoutScript,
      extranonce1: this.extranonce1,
      seq: this.jobSeq++,
      now: Math.floor((this.deps.now ?? Date.now)() / 1000),
      // Our own share target from our measured hashrate: about one share per share interval however
      // fast this tab is, the harder of it and the chain's required target (README, share chain).
      ownShareTarget: shareTargetForHashrate(this.hashrate, session.state.rules.shareIntervalSeconds)
    })
    pool.setJob(this.job.mining)
  }

  private onFound(found: FoundShare): void {
    const job = this.job
    const session = this.session
    // Finds of a replaced job (same slice, older parent) would only fork our own chain: dropped.
    if (job === undefined || session === undefined || found.jobId !== job.jobId || !found.meetsShareTarget) return
    const bytes = shareBytesOf(job, found, session.state.rules.networkTag)
    const result = session.state.addLive(bytes, 'mine')
    if (result.verdict.kind !== 'accept' || result.id === undefined) {
      log.warn(
        `own share not accepted locally: ${result.verdict.kind} ${'reason' in result.verdict ? result.verdict.reason : ''}`
      )
      return
    }
    // The tip moved to this share: later finds of the same job would be siblings of it. Stop taking
    // them now; the new job on top of it follows (queued by the tip listener).
    this.job = undefined
    const id = bytesToHex(result.id)
    const node = session.state.chain.getById(result.id)
    log.debug(
      `found share ${id.slice(0, 16)} at height ${node?.height ?? '?'} (block height ${node?.share.info.blockHeight ?? '?'}, tip ${session.state.tip?.height ?? '-'})`
    )
    // A block goes on the block topic at once (the outbox keeps it too, and sends it before its share again).
    const blockMessage = found.meetsBlockTarget ? this.blockMessage(session, job, found, bytes) : undefined
    if (blockMessage !== undefined)
      void session.network
        ?.publish('block', blockMessage)
        .catch((err: Error) => log.warn(`block publish failed: ${err.message}`))
    void this.keepAndSend(session, id, bytes, blockMessage)
  }

  /** The block-topic message of a find, in the network's block codec (@otedama/shared/chain blockMessageCodec). */
  private blockMessage(session: PeerSession, job: PeerJob, found: FoundShare, shareBytes: Uint8Array): Uint8Array {
    return session.blockCodec.encode({
      header80: found.header80,
      share: shareBytes,
      coinbaseLegacy: () => jobCoinbase(job.shareJob, extranonceFor(job.extranonce1, found.extranonce2))
    })
  }

  private async keepAndSend(
    session: PeerSession,
    id: string,
    bytes: Uint8Array,
    blockMessage: Uint8Array | undefined
  ): Promise<void> {
    try {
      await session.outbox.add(id, bytes, blockMessage !== undefined, blockMessage)
      for (const l of this.foundListeners) l()
      if (session.network !== undefined) await session.outbox.send(session.network, id)
    } catch (err) {
      log.warn(`share ${id}: ${errorMessage(err)}`)
    }
  }
}
