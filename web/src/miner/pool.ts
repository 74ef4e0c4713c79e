// The miner pool: N workers scanning slices of the current header, work stealing between them
// (nonce-ranges.ts), extranonce rolling when a header's nonces run out, job switches within one slice,
// a duty-cycle throttle, pause/resume, hashrate every interval (per worker and per engine), slow
// instances replaced (worker-speed.ts), and an optional GPU worker beside the CPU workers. Plain TypeScript (the UI wraps it
// in a rune class); workers come from an injected factory, so tests drive it with fakes.
import { createLogger } from '@otedama/shared/log'
import { meetsTarget } from '@otedama/shared/primitives'
import { Emitter } from './events'
import type { EngineHashrate, FoundShare, HashrateReport, JobSwitchReport, MiningJob, WorkerRestartReport } from './job'
import { NONCE_SPACE, type MinerEngine } from './kernels/types'
import type { FromWorker } from './messages'
import { NonceRangeBook, type NonceSlice } from './nonce-ranges'
import {
  MinerConfigError,
  NONCE_ALIGN,
  resolvePoolOptions,
  validateDutyCycle,
  validateWorkerCount
} from './pool-options'
import type { MinerPoolOptions, ResolvedPoolOptions } from './pool-options'
import type { MinerWorkerPort } from './worker-port'
import { slowWorkers, WorkerSpeedMeter } from './worker-speed'

const log = createLogger('miner-pool')
const EXTRANONCE2_SPACE = 2 ** 32 // 4 worker-rolled extranonce bytes (docs/design.md "Work and shares")

export interface MinerPoolEvents {
  share: FoundShare
  hashrate: HashrateReport
  jobSwitch: JobSwitchReport
  /** Header nonces exhausted; the pool moved on to the next extranonce value. */
  roll: { jobId: string; extranonce2: number }
  error: { workerIndex: number; message: string }
  /** A worker ran slow for its life and was replaced. */
  restart: WorkerRestartReport
}

/** One header being mined: a job at one extranonce value. */
interface Work {
  jobSeq: number
  job: MiningJob
  extranonce2: number
  header80: Uint8Array
  target: bigint
  /** Some slice of it was handed out (a restart then moves on to the next extranonce). */
  started: boolean
}

interface WorkerSlot {
  index: number
  port: MinerWorkerPort
  inFlight?: { sliceId: number; work: Work; slice: NonceSlice }
  resting: boolean
  failed: boolean
  /** CPU worker, or the one GPU worker (not counted in `workers`). */
  kind: 'cpu' | 'gpu'
  /** Measured speed, nonces per ms (undefined until its first slice). */
  noncesPerMs?: number
  hashesSinceSample: number
  /** What its scans run on, from its first reply. */
  engine?: MinerEngine
  speed: WorkerSpeedMeter
}

export class MinerPool extends Emitter<MinerPoolEvents> {
  private readonly options: ResolvedPoolOptions
  private readonly book = new NonceRangeBook(NONCE_SPACE, NONCE_ALIGN)
  private readonly slots = new Map<number, WorkerSlot>()
  private workerCount: number
  private dutyCycle: number
  private running = false
  private paused = false
  private jobSeq = 0
  private work: Work | undefined
  private nextSliceId = 1
  private nextWorkerIndex = 0
  private pendingSwitch: { jobId: string; startedAt: number; waiting: Set<number> } | undefined
  private hashrateTimer: ReturnType<typeof setInterval> | undefined
  private lastSampleAt = 0
  private gpuEnabled = true
  private restartsLeft = 0

  constructor(options: MinerPoolOptions) {
    super()
    this.options = resolvePoolOptions(options)
    this.workerCount = this.options.workers
    this.dutyCycle = this.options.dutyCycle
  }

  get isRunning(): boolean {
    return this.running
  }
  get isPaused(): boolean {
    return this.paused
  }
  get workers(): number {
    return this.workerCount
  }
  get currentDutyCycle(): number {
    return this.dutyCycle
  }
  get currentJob(): { jobId: string; extranonce2: number } | undefined {
    return this.work === undefined ? undefined : { jobId: this.work.job.jobId, extranonce2: this.work.extranonce2 }
  }

  /** Starts the workers (nothing runs before this). Mines the job set by setJob, if any. */
  start(): void {
    if (this.running) return
    this.running = true
    this.paused = false
    // A restart never rescans a header it may already have found shares in.
    if (this.work?.started === true) this.useWork(this.work.job, this.work.extranonce2 + 1)
    this.restartsLeft = this.options.slowWorker.maxRestarts
    for (let i = 0; i < this.workerCount; i++) this.addWorker('cpu')
    if (this.gpuEnabled && this.options.gpuWorker !== undefined) this.addWorker('gpu')
    if (this.work !== undefined) this.book.reset([...this.slots.keys()])
    this.lastSampleAt = this.options.now()
    this.hashrateTimer = setInterval(() => this.sampleHashrate(), this.options.hashrateIntervalMs)
    this.dispatchAll()
  }

  /** Terminates every worker; in-flight results are lost. */
  stop(): void {
    if (!this.running) return
    this.running = false
    clearInterval(this.hashrateTimer)
    for (const slot of this.slots.values()) slot.port.terminate()
    this.slots.clear()
    this.pendingSwitch = undefined
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.dispatchAll()
  }

  setDutyCycle(d: number): void {
    this.dutyCycle = validateDutyCycle(d)
  }

  setWorkerCount(n: number): void {
    this.workerCount = validateWorkerCount(n)
    if (!this.running) return
    while (this.cpuSlots().length < n) this.addWorker('cpu')
    for (const slot of this.cpuSlots().reverse()) {
      if (this.cpuSlots().length <= n) break
      this.removeWorker(slot)
    }
    this.dispatchAll()
  }

  /** Whether the GPU worker (options.gpuWorker) runs: the user's setting; on by default. */
  setGpuEnabled(enabled: boolean): void {
    this.gpuEnabled = enabled
    if (!this.running || this.options.gpuWorker === undefined) return
    const gpu = [...this.slots.values()].find((s) => s.kind === 'gpu')
    if (enabled && gpu === undefined) this.addWorker('gpu')
    if (!enabled && gpu !== undefined) this.removeWorker(gpu)
    this.dispatchAll()
  }

  get isGpuEnabled(): boolean {
    return this.gpuEnabled
  }

  /** New work: every worker moves to it when its current slice ends; older results are dropped. */
  setJob(job: MiningJob): void {
    if (!(job.shareTarget > 0n)) throw new MinerConfigError(`job ${job.jobId}: share target must be positive`)
    this.jobSeq++
    this.useWork(job, 0)
    if (this.running && !this.paused) {
      const waiting = new Set([...this.slots.values()].filter((s) => !s.failed).map((s) => s.index))
      this.pendingSwitch = { jobId: job.jobId, startedAt: this.options.now(), waiting }
    }
    this.dispatchAll()
  }

  /** Emits per-worker and total hashrate since the last sample (called every hashrateIntervalMs). */
  sampleHashrate(): HashrateReport {
    const now = this.options.now()
    const intervalMs = Math.max(1, now - this.lastSampleAt)
    this.lastSampleAt = now
    const engines = new Map<MinerEngine, EngineHashrate>()
    const perWorker = [...this.slots.values()].map((slot) => {
      const rate = (slot.hashesSinceSample * 1000) / intervalMs
      slot.hashesSinceSample = 0
      if (slot.engine !== undefined) {
        const e = engines.get(slot.engine) ?? { engine: slot.engine, workers: 0, hashrate: 0 }
        e.workers++
        e.hashrate += rate
        engines.set(slot.engine, e)
      }
      return rate
    })
    const report = {
      perWorker,
      total: perWorker.reduce((a, b) => a + b, 0),
      intervalMs,
      engines: [...engines.values()]
    }
    this.emit('hashrate', report)
    return report
  }

  private useWork(job: MiningJob, extranonce2: number): void {
    if (extranonce2 >= EXTRANONCE2_SPACE) throw new MinerConfigError(`job ${job.jobId}: extranonce space exhausted`)
    const header80 = job.buildHeader(extranonce2)
    if (header80.length !== 80)
      throw new MinerConfigError(`job ${job.jobId}: buildHeader returned ${header80.length} bytes, not 80`)
    // Scan at the easier target; each find is then classified against both.
    const target =
      job.blockTarget !== undefined && job.blockTarget > job.shareTarget ? job.blockTarget : job.shareTarget
    this.work = { jobSeq: this.jobSeq, job, extranonce2, header80, target, started: false }
    this.book.reset([...this.slots.keys()])
  }

  private cpuSlots(): WorkerSlot[] {
    return [...this.slots.values()].filter((s) => s.kind === 'cpu')
  }

  private addWorker(kind: 'cpu' | 'gpu'): WorkerSlot | undefined {
    const index = this.nextWorkerIndex
    const port = kind === 'gpu' ? this.options.gpuWorker?.(index) : this.options.createWorker(index)
    if (port === undefined) return undefined
    this.nextWorkerIndex++
    const slot: WorkerSlot = {
      index,
      kind,
      port,
      resting: false,
      failed: false,
      hashesSinceSample: 0,
      speed: new WorkerSpeedMeter(this.options.slowWorker)
    }
    slot.port.listen(
      (msg) => this.onMessage(slot, msg),
      (err) => this.onWorkerError(slot, err.message)
    )
    this.slots.set(index, slot)
    return slot
  }

  private removeWorker(slot: WorkerSlot): void {
    slot.port.terminate()
    this.slots.delete(slot.index)
    const unfinished = slot.inFlight !== undefined && slot.inFlight.work === this.work ? slot.inFlight.slice : undefined
    this.book.release(slot.index, unfinished)
    this.pendingSwitch?.waiting.delete(slot.index)
    this.checkSwitchDone()
  }

  private dispatchAll(): void {
    for (const slot of this.slots.values()) this.dispatch(slot)
  }

  private dispatch(slot: WorkerSlot): void {
    if (!this.running || this.paused || slot.failed || slot.resting || slot.inFlight !== undefined) return
    if (this.slots.get(slot.index) !== slot || this.work === undefined) return
    let slice = this.book.take(slot.index, this.sliceSize(slot))
    if (slice === undefined) {
      this.useWork(this.work.job, this.work.extranonce2 + 1)
      this.emit('roll', { jobId: this.work.job.jobId, extranonce2: this.work.extranonce2 })
      slice = this.book.take(slot.index, this.sliceSize(slot))
      if (slice === undefined) return
    }
    const work = this.work
    work.started = true
    const sliceId = this.nextSliceId++
    slot.inFlight = { sliceId, work, slice }
    slot.port.post({
      type: 'scan',
      sliceId,
      algorithm: work.job.algorithm,
      header80: work.header80,
      target: work.target,
      ...slice
    })
    if (this.pendingSwitch !== undefined && work.jobSeq === this.jobSeq) {
      this.pendingSwitch.waiting.delete(slot.index)
      this.checkSwitchDone()
    }
  }

  private checkSwitchDone(): void {
    const pending = this.pendingSwitch
    if (pending === undefined || pending.waiting.size > 0) return
    this.pendingSwitch = undefined
    this.emit('jobSwitch', { jobId: pending.jobId, latencyMs: this.options.now() - pending.startedAt })
  }

  private sliceSize(slot: WorkerSlot): number {
    const o = this.options
    if (slot.noncesPerMs === undefined) return o.initialSliceNonces
    return Math.min(o.maxSliceNonces, Math.max(o.minSliceNonces, Math.round(slot.noncesPerMs * o.sliceTargetMs)))
  }

  private onMessage(slot: WorkerSlot, msg: FromWorker): void {
    const inFlight = slot.inFlight
    if (this.slots.get(slot.index) !== slot || inFlight === undefined || inFlight.sliceId !== msg.sliceId) return
    slot.inFlight = undefined
    if (msg.type === 'failed') {
      this.onWorkerError(slot, msg.message)
      return
    }
    slot.hashesSinceSample += msg.count
    slot.engine = msg.engine ?? 'wasm-simd'
    if (msg.elapsedMs > 0) slot.noncesPerMs = msg.count / msg.elapsedMs
    // Results of a job that was replaced are stale: dropped.
    if (inFlight.work.jobSeq === this.jobSeq)
      for (const found of msg.found) this.report(inFlight.work, found.nonce, found.hash)
    if (slot.speed.add(msg.count, msg.elapsedMs) && this.replaceIfSlow(slot)) return
    const restMs = (msg.elapsedMs * (1 - this.dutyCycle)) / this.dutyCycle
    if (restMs <= 0) {
      this.dispatch(slot)
      return
    }
    slot.resting = true
    void this.options.sleep(restMs).then(() => {
      slot.resting = false
      this.dispatch(slot)
    })
  }

  /** Once a worker is measured, compares the measured workers of its kind (CPU workers with each
   *  other, whatever build they run; the GPU worker with nobody); restarts those below
   *  slowRatio × their median. True when `justMeasured` itself was replaced. */
  private replaceIfSlow(justMeasured: WorkerSlot): boolean {
    const rates = new Map<number, number>()
    for (const s of this.slots.values()) {
      if (!s.failed && s.kind === justMeasured.kind && s.speed.rate !== undefined) rates.set(s.index, s.speed.rate)
    }
    const { slow, median } = slowWorkers(rates, this.options.slowWorker.slowRatio)
    let replacedItself = false
    for (const index of slow) {
      const slot = this.slots.get(index)
      if (slot === undefined || this.restartsLeft <= 0) break
      this.restartsLeft--
      const rate = (slot.speed.rate ?? 0) * 1000
      log.info(
        `worker ${index} runs at ${Math.round(rate)} H/s, below ${this.options.slowWorker.slowRatio} × the median ${Math.round(median * 1000)} H/s: restarting it`
      )
      this.removeWorker(slot)
      const fresh = this.addWorker(slot.kind)
      this.emit('restart', { workerIndex: index, newWorkerIndex: fresh?.index ?? -1, rate, medianRate: median * 1000 })
      if (slot === justMeasured) replacedItself = true
    }
    if (slow.length > 0) this.dispatchAll()
    return replacedItself
  }

  private report(work: Work, nonce: number, hash: Uint8Array): void {
    const header80 = work.header80.slice()
    new DataView(header80.buffer).setUint32(76, nonce, true)
    const meetsShareTarget = meetsTarget(hash, work.job.shareTarget)
    const meetsBlockTarget = work.job.blockTarget !== undefined && meetsTarget(hash, work.job.blockTarget)
    if (!meetsShareTarget && !meetsBlockTarget) return
    this.emit('share', {
      jobId: work.job.jobId,
      extranonce2: work.extranonce2,
      nonce,
      header80,
      hash,
      meetsShareTarget,
      meetsBlockTarget
    })
  }

  private onWorkerError(slot: WorkerSlot, message: string): void {
    log.warn(`worker ${slot.index} failed: ${message}`)
    slot.failed = true
    if (slot.inFlight !== undefined && slot.inFlight.work === this.work)
      this.book.release(slot.index, slot.inFlight.slice)
    else this.book.release(slot.index)
    slot.inFlight = undefined
    this.pendingSwitch?.waiting.delete(slot.index)
    this.checkSwitchDone()
    this.emit('error', { workerIndex: slot.index, message })
    this.dispatchAll()
  }
}
