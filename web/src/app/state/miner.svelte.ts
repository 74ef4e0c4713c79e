import { loadSetting, saveSetting } from '../../storage/db'
import type { Settings, Throttle } from './settings.svelte'
import type { MiningTabLock } from './tab-lock.svelte'
import type { EngineHashrate } from '../../miner/job'

/** Seconds of 1-second hashrate samples kept for the chart (1 h). */
export const HASHRATE_HISTORY_SECONDS = 3600
const CONSENT_KEY = 'consent/v1'
/** Where the last session's average hashrate is kept, so "What will I earn?" can answer while stopped. */
const LAST_HASHRATE_KEY = 'miner/last-hashrate/v1'
/** Samples of a session averaged for the remembered hashrate: the first seconds ramp up, skip them. */
const RAMP_UP_SAMPLES = 3

export interface MinerStats {
  totalHashrate: number
  workerHashrates: number[]
  /** Hashrate per engine (WebAssembly SIMD / scalar, WebGPU): which engine runs. */
  engines?: EngineHashrate[]
}

/** What the Mine screen drives: the browser peer's miner. Nothing hashes before `start`. */
export interface MiningEngine {
  start(opts: { threads: number; throttle: Throttle; payoutScript: Uint8Array }): Promise<void>
  stop(): void
  pause(): void
  resume(): void
  setThreads(threads: number): void
  setThrottle(throttle: Throttle): void
  onStats(listener: (stats: MinerStats) => void): void
  onShareFound(listener: () => void): void
  onShareAccepted(listener: () => void): void
  outboxSize(): number
}

interface BatteryManagerLike extends EventTarget {
  charging: boolean
}

/** A measured hashrate with when it was measured (unix ms), remembered across reloads. */
export interface RememberedHashrate {
  hashesPerSecond: number
  measuredAt: number
}

/**
 * The miner as the UI sees it. Consent first: the engine is created only when the user starts mining.
 * Mining pauses while the tab is hidden or on battery unless the user allowed it in Settings; only the
 * tab holding the mining lock mines (tab-lock.svelte.ts).
 */
export class MinerState {
  consented = $state(false)
  running = $state(false)
  starting = $state(false)
  pausedReason = $state<string | undefined>(undefined)
  totalHashrate = $state(0)
  workerHashrates = $state<number[]>([])
  engines = $state<EngineHashrate[]>([])
  /** [unix seconds, H/s] of each 1-second sample of this page's sessions. */
  hashrateHistory = $state<Array<[number, number]>>([])
  sharesFound = $state(0)
  sharesAccepted = $state(0)
  outboxSize = $state(0)
  lastError = $state<string | undefined>(undefined)
  /** The last session's average hashrate (this page or an earlier one). */
  remembered = $state<RememberedHashrate | undefined>(undefined)

  #engine: MiningEngine | undefined
  #onBattery = false
  #sessionSum = 0
  #sessionSamples = 0
  #rampLeft = RAMP_UP_SAMPLES
  readonly #settings: Settings
  readonly #lock: MiningTabLock
  readonly #createEngine: () => Promise<MiningEngine>

  constructor(settings: Settings, lock: MiningTabLock, createEngine: () => Promise<MiningEngine>) {
    this.#settings = settings
    this.#lock = lock
    this.#createEngine = createEngine
    lock.onLost(() => {
      this.stop()
      this.lastError = 'Another tab took over mining.'
    })
    void loadSetting<boolean>(CONSENT_KEY)
      .then((v) => {
        if (v === true) this.consented = true
      })
      .catch(() => {})
    void this.#loadRemembered()
    lock.onOtherTabStopped(() => {
      void this.#loadRemembered()
    })
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', () => this.#applyPausePolicy())
    }
    void this.#watchBattery()
  }

  giveConsent(): void {
    this.consented = true
    void saveSetting(CONSENT_KEY, true)
  }

  /** Starts mining here; with `takeOver`, first makes the tab that mines now stop. */
  async start(takeOver = false): Promise<void> {
    const check = this.#settings.addressCheck
    if (!check.ok) {
      this.lastError = check.message
      return
    }
    this.lastError = undefined
    this.starting = true
    try {
      if (!(await this.#lock.acquire(takeOver))) {
        this.lastError = undefined
        return
      }
      this.#engine ??= await this.#wireEngine()
      await this.#engine.start({
        threads: this.#settings.threads,
        throttle: this.#settings.throttle,
        payoutScript: check.script
      })
      this.running = true
      this.#sessionSum = 0
      this.#sessionSamples = 0
      this.#rampLeft = RAMP_UP_SAMPLES
      this.#lock.announce(() => this.totalHashrate)
      this.#applyPausePolicy()
    } catch (err) {
      this.lastError = `Could not start mining: ${err instanceof Error ? err.message : String(err)}`
      this.running = false
      this.#lock.release()
    } finally {
      this.starting = false
    }
  }

  stop(): void {
    this.#engine?.stop()
    const saved = this.#remember()
    this.running = false
    this.pausedReason = undefined
    this.totalHashrate = 0
    this.workerHashrates = []
    this.engines = []
    // Other tabs read the measured average when told this one stopped: save it first.
    void saved.finally(() => {
      if (!this.running) this.#lock.release()
    })
  }

  setThreads(threads: number): void {
    this.#engine?.setThreads(threads)
  }
  setThrottle(throttle: Throttle): void {
    this.#engine?.setThrottle(throttle)
  }

  /** The hashrate "What will I earn?" uses: the live one while mining, else the last session's average. */
  get estimateHashrate(): number {
    if (this.running && this.pausedReason === undefined && this.totalHashrate > 0) return this.totalHashrate
    return this.running ? 0 : (this.remembered?.hashesPerSecond ?? 0)
  }

  async #loadRemembered(): Promise<void> {
    const v = await loadSetting<RememberedHashrate>(LAST_HASHRATE_KEY).catch(() => undefined)
    if (v === undefined || typeof v.hashesPerSecond !== 'number' || !(v.hashesPerSecond > 0)) return
    if (this.remembered === undefined || v.measuredAt > this.remembered.measuredAt) this.remembered = v
  }

  async #remember(): Promise<void> {
    if (this.#sessionSamples === 0) return
    this.remembered = { hashesPerSecond: this.#sessionSum / this.#sessionSamples, measuredAt: Date.now() }
    this.#sessionSamples = 0
    this.#sessionSum = 0
    await saveSetting(LAST_HASHRATE_KEY, $state.snapshot(this.remembered)).catch(() => {})
  }

  async #wireEngine(): Promise<MiningEngine> {
    const engine = await this.#createEngine()
    engine.onStats((stats) => {
      if (!this.running) return
      this.totalHashrate = stats.totalHashrate
      this.workerHashrates = stats.workerHashrates
      this.engines = stats.engines ?? []
      const history = [
        ...this.hashrateHistory,
        [Math.floor(Date.now() / 1000), stats.totalHashrate] as [number, number]
      ]
      this.hashrateHistory =
        history.length > HASHRATE_HISTORY_SECONDS ? history.slice(-HASHRATE_HISTORY_SECONDS) : history
      this.outboxSize = engine.outboxSize()
      if (this.pausedReason === undefined && stats.totalHashrate > 0) {
        if (this.#rampLeft > 0) this.#rampLeft--
        else {
          this.#sessionSamples++
          this.#sessionSum += stats.totalHashrate
        }
      }
    })
    engine.onShareFound(() => {
      this.sharesFound++
      this.outboxSize = engine.outboxSize()
    })
    engine.onShareAccepted(() => {
      this.sharesAccepted++
      this.outboxSize = engine.outboxSize()
    })
    return engine
  }

  #applyPausePolicy(): void {
    if (!this.running || this.#engine === undefined) return
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden'
    const reason =
      hidden && !this.#settings.mineWhenHidden
        ? 'the tab is hidden'
        : this.#onBattery && !this.#settings.mineOnBattery
          ? 'the device is on battery'
          : undefined
    if (reason !== undefined && this.pausedReason === undefined) this.#engine.pause()
    if (reason === undefined && this.pausedReason !== undefined) this.#engine.resume()
    this.pausedReason = reason
  }

  async #watchBattery(): Promise<void> {
    const nav =
      typeof navigator !== 'undefined'
        ? (navigator as Navigator & { getBattery?: () => Promise<BatteryManagerLike> })
        : undefined
    if (nav?.getBattery === undefined) return
    const battery = await nav.getBattery().catch(() => undefined)
    if (battery === undefined) return
    const update = (): void => {
      this.#onBattery = !battery.charging
      this.#applyPausePolicy()
    }
    battery.addEventListener('chargingchange', update)
    update()
  }
}
