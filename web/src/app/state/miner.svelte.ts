import { loadSetting, saveSetting } from '../../storage/db'
import type { Settings, Throttle } from './settings.svelte'

/** Seconds of 1-second hashrate samples kept for the chart. */
export const HASHRATE_HISTORY_SECONDS = 300
const CONSENT_KEY = 'consent/v1'

export interface MinerStats {
  totalHashrate: number
  workerHashrates: number[]
}

/** What the Mine screen drives: the browser peer's miner. Nothing hashes before `start`. */
export interface MiningEngine {
  start (opts: { threads: number; throttle: Throttle; payoutScript: Uint8Array }): Promise<void>
  stop (): void
  pause (): void
  resume (): void
  setThreads (threads: number): void
  setThrottle (throttle: Throttle): void
  onStats (listener: (stats: MinerStats) => void): void
  onShareFound (listener: () => void): void
  onShareAccepted (listener: () => void): void
  outboxSize (): number
}

interface BatteryManagerLike extends EventTarget { charging: boolean }

/**
 * The miner as the UI sees it. Consent first: the engine is created only when the user starts mining.
 * Mining pauses while the tab is hidden or on battery unless the user allowed it in Settings.
 */
export class MinerState {
  consented = $state(false)
  running = $state(false)
  pausedReason = $state<string | undefined>(undefined)
  totalHashrate = $state(0)
  workerHashrates = $state<number[]>([])
  hashrateHistory = $state<number[]>([])
  sharesFound = $state(0)
  sharesAccepted = $state(0)
  outboxSize = $state(0)
  lastError = $state<string | undefined>(undefined)

  #engine: MiningEngine | undefined
  #onBattery = false
  readonly #settings: Settings
  readonly #createEngine: () => Promise<MiningEngine>

  constructor (settings: Settings, createEngine: () => Promise<MiningEngine>) {
    this.#settings = settings
    this.#createEngine = createEngine
    void loadSetting<boolean>(CONSENT_KEY).then((v) => { if (v === true) this.consented = true }).catch(() => {})
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', () => this.#applyPausePolicy())
    }
    void this.#watchBattery()
  }

  giveConsent (): void {
    this.consented = true
    void saveSetting(CONSENT_KEY, true)
  }

  async start (): Promise<void> {
    const check = this.#settings.addressCheck
    if (!check.ok) {
      this.lastError = check.message
      return
    }
    this.lastError = undefined
    try {
      this.#engine ??= await this.#wireEngine()
      await this.#engine.start({ threads: this.#settings.threads, throttle: this.#settings.throttle, payoutScript: check.script })
      this.running = true
      this.#applyPausePolicy()
    } catch (err) {
      this.lastError = `Could not start mining: ${err instanceof Error ? err.message : String(err)}`
      this.running = false
    }
  }

  stop (): void {
    this.#engine?.stop()
    this.running = false
    this.pausedReason = undefined
    this.totalHashrate = 0
    this.workerHashrates = []
  }

  setThreads (threads: number): void { this.#engine?.setThreads(threads) }
  setThrottle (throttle: Throttle): void { this.#engine?.setThrottle(throttle) }

  async #wireEngine (): Promise<MiningEngine> {
    const engine = await this.#createEngine()
    engine.onStats((stats) => {
      this.totalHashrate = stats.totalHashrate
      this.workerHashrates = stats.workerHashrates
      const history = [...this.hashrateHistory, stats.totalHashrate]
      this.hashrateHistory = history.length > HASHRATE_HISTORY_SECONDS ? history.slice(-HASHRATE_HISTORY_SECONDS) : history
      this.outboxSize = engine.outboxSize()
    })
    engine.onShareFound(() => { this.sharesFound++; this.outboxSize = engine.outboxSize() })
    engine.onShareAccepted(() => { this.sharesAccepted++; this.outboxSize = engine.outboxSize() })
    return engine
  }

  #applyPausePolicy (): void {
    if (!this.running || this.#engine === undefined) return
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden'
    const reason = hidden && !this.#settings.mineWhenHidden
      ? 'the tab is hidden'
      : this.#onBattery && !this.#settings.mineOnBattery ? 'the device is on battery' : undefined
    if (reason !== undefined && this.pausedReason === undefined) this.#engine.pause()
    if (reason === undefined && this.pausedReason !== undefined) this.#engine.resume()
    this.pausedReason = reason
  }

  async #watchBattery (): Promise<void> {
    const nav = typeof navigator !== 'undefined' ? navigator as Navigator & { getBattery?: () => Promise<BatteryManagerLike> } : undefined
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
