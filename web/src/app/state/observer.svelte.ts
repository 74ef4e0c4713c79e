// The relay's public figures for the Pool screen, a miner's page and Connect a rig, polled over HTTP
// (no mining, no libp2p needed). The last good answer is kept in IndexedDB so an offline reload shows
// the last known figures with their time instead of zeros.
import { loadSetting, saveSetting } from '../../storage/db'
import type { HashrateHistoryView, HistoryRange, MinerView, PoolObserverView, RigConnectView } from './observer-types'

/** How often the Pool figures and a miner's page refresh (ms). */
export const POOL_REFRESH_MS = 5_000
export const MINER_REFRESH_MS = 10_000
/** One observer request's time limit (ms). */
export const OBSERVER_TIMEOUT_MS = 8_000
const POOL_CACHE_KEY = 'observer/pool/v1'

export class ObserverError extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(OBSERVER_TIMEOUT_MS) })
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message
    throw new ObserverError(message ?? `the relay answered HTTP ${res.status}`)
  }
  if (typeof body !== 'object' || body === null) throw new ObserverError('the relay sent an answer that is not JSON')
  return body as T
}

/** Calls `tick` now and every `ms` while the page is visible; returns a stop function. */
function poll(tick: () => Promise<void>, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const loop = async (): Promise<void> => {
    if (stopped) return
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden') await tick()
    if (!stopped)
      timer = setTimeout(() => {
        void loop()
      }, ms)
  }
  void loop()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}

/** The pool as the page's relay reports it. */
export class PoolObserver {
  view = $state<PoolObserverView | undefined>(undefined)
  /** Unix ms of the answer shown; `fromCache` when it was loaded from IndexedDB, not fetched now. */
  fetchedAt = $state<number | undefined>(undefined)
  fromCache = $state(false)
  /** Whether the last request reached the relay. */
  reachable = $state<boolean | undefined>(undefined)
  error = $state<string | undefined>(undefined)
  blocksOffset = $state(0)
  payeesOffset = $state(0)
  historyRange = $state<HistoryRange>('1h')
  history = $state<HashrateHistoryView | undefined>(undefined)
  connect = $state<RigConnectView | undefined>(undefined)

  readonly #origin: string
  #stop: (() => void) | undefined

  constructor(origin: string) {
    this.#origin = origin
    void loadSetting<{ view: PoolObserverView; fetchedAt: number }>(POOL_CACHE_KEY)
      .then((cached) => {
        if (cached !== undefined && this.view === undefined && typeof cached.fetchedAt === 'number') {
          this.view = cached.view
          this.fetchedAt = cached.fetchedAt
          this.fromCache = true
        }
      })
      .catch(() => {})
  }

  start(): void {
    this.#stop ??= poll(async () => await this.refresh(), POOL_REFRESH_MS)
  }

  stop(): void {
    this.#stop?.()
    this.#stop = undefined
  }

  async refresh(): Promise<void> {
    const q = `blocksOffset=${this.blocksOffset}&payeesOffset=${this.payeesOffset}`
    try {
      const [view, history] = await Promise.all([
        getJson<PoolObserverView>(`${this.#origin}/api/v1/pool?${q}`),
        getJson<HashrateHistoryView>(`${this.#origin}/api/v1/history?range=${this.historyRange}`)
      ])
      this.view = view
      this.history = history
      this.fetchedAt = Date.now()
      this.fromCache = false
      this.reachable = true
      this.error = undefined
      if (this.blocksOffset === 0 && this.payeesOffset === 0)
        void saveSetting(POOL_CACHE_KEY, { view, fetchedAt: this.fetchedAt }).catch(() => {})
      this.connect ??= await getJson<RigConnectView>(`${this.#origin}/api/v1/connect`).catch(() => undefined)
    } catch (err) {
      this.reachable = false
      this.error = err instanceof ObserverError ? err.message : 'the relay does not answer'
    }
  }

  async page(which: 'blocks' | 'payees', offset: number): Promise<void> {
    if (which === 'blocks') this.blocksOffset = Math.max(0, offset)
    else this.payeesOffset = Math.max(0, offset)
    await this.refresh()
  }

  async setRange(range: HistoryRange): Promise<void> {
    this.historyRange = range
    await this.refresh()
  }
}

/** One miner address as the relay sees it (its shares, workers, rigs, blocks), refreshed while watched. */
export class MinerWatch {
  address = $state<string | undefined>(undefined)
  view = $state<MinerView | undefined>(undefined)
  error = $state<string | undefined>(undefined)
  loading = $state(false)

  readonly #origin: string
  #stop: (() => void) | undefined

  constructor(origin: string) {
    this.#origin = origin
  }

  /** Watches `address` (undefined stops); a new address clears the old figures. */
  watch(address: string | undefined): void {
    if (address === this.address && this.#stop !== undefined) return
    this.#stop?.()
    this.#stop = undefined
    this.address = address
    this.view = undefined
    this.error = undefined
    if (address === undefined || address === '') return
    this.loading = true
    this.#stop = poll(async () => await this.refresh(), MINER_REFRESH_MS)
  }

  async refresh(): Promise<void> {
    const address = this.address
    if (address === undefined) return
    try {
      const view = await getJson<MinerView>(`${this.#origin}/api/v1/miners/${encodeURIComponent(address)}`)
      if (address === this.address) {
        this.view = view
        this.error = undefined
      }
    } catch (err) {
      if (address === this.address)
        this.error = err instanceof ObserverError ? err.message : 'the relay does not answer'
    } finally {
      this.loading = false
    }
  }
}
