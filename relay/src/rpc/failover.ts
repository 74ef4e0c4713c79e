// Several coin daemons behind one relay: calls go to the preferred daemon that answers, a daemon that
// stops answering is left at once for the next one, and a probe brings the preferred one back when it
// answers again. Every daemon must be on the same chain (checked before first use).
import { createLogger } from '@otedama/shared/log'
import { sleep } from '../util/listeners'
import { RpcClient, type CallOptions, type RpcClientInit } from './client'
import {
  RpcCallError,
  RpcTransportError,
  RPC_CLIENT_IN_INITIAL_DOWNLOAD,
  RPC_CLIENT_NOT_CONNECTED,
  RPC_IN_WARMUP
} from './errors'
import { ListenerSet } from '@otedama/shared/util'

const log = createLogger('rpc/failover')

/** How often every daemon is probed (ms): the active one for health, the others for recovery. */
export const DAEMON_PROBE_INTERVAL_MS = 2_000
/** A probe may take this long before the daemon counts as down (ms); far above a loopback answer (~1 ms). */
export const DAEMON_PROBE_TIMEOUT_MS = 3_000
/** Successful probes in a row before a preferred daemon that was down is used again (count): one flap does not switch back. */
export const DAEMON_RECOVER_PROBES = 2
/** Latency smoothing: weight of the newest sample in the moving average (0..1). */
const LATENCY_EWMA_WEIGHT = 0.3

/** Daemon error codes that mean "this daemon cannot serve work now", unlike a refusal of the call itself. */
const UNAVAILABLE_CODES = new Set([RPC_IN_WARMUP, RPC_CLIENT_NOT_CONNECTED, RPC_CLIENT_IN_INITIAL_DOWNLOAD])

/** One daemon as the relay sees it (the API and logs show this). */
export interface DaemonEndpointHealth {
  /** host:port of its RPC server (never the credentials). */
  host: string
  healthy: boolean
  /** Smoothed answer time of its probes and calls (ms); undefined before the first answer. */
  latencyMs?: number
  /** Calls and probes that failed since start. */
  failures: number
  /** Wall-clock ms of its last answer. */
  lastOkAt?: number
  /** Why it is down (a sentence an operator can act on). */
  lastError?: string
  /** Successful probes in a row (recovery counts these). */
  okStreak: number
}

/** Whether an error means the daemon is away (so another daemon should answer), not that it refused the call. */
export function isDaemonUnavailable(err: unknown): boolean {
  if (err instanceof RpcTransportError) return err.code !== 'too-large'
  return err instanceof RpcCallError && UNAVAILABLE_CODES.has(err.code)
}

interface Endpoint {
  rpc: RpcClient
  longpoll: RpcClient
  health: DaemonEndpointHealth
  /** The daemon's chain was checked (it is on ours). */
  chainChecked: boolean
}

export interface RpcFailoverInit {
  /** In order of preference: the first is used whenever it answers. */
  endpoints: RpcClientInit[]
  /** Time limit of a long poll call (ms). */
  longpollTimeoutMs: number
  /** Throws when a daemon is on another chain (called once per daemon before it is used). */
  checkChain?: (rpc: RpcClient) => Promise<void>
  probeIntervalMs?: number
}

export class RpcFailover {
  private readonly endpoints: Endpoint[]
  private readonly checkChain: ((rpc: RpcClient) => Promise<void>) | undefined
  private readonly probeIntervalMs: number
  private readonly switchListeners = new ListenerSet<[from: number, to: number]>('daemon switch')
  private activeIndex = 0
  private probing: Promise<void> | undefined
  private abort: AbortController | undefined

  constructor(init: RpcFailoverInit) {
    if (init.endpoints.length === 0) throw new RangeError('at least one daemon RPC endpoint is needed')
    this.endpoints = init.endpoints.map((e) => ({
      rpc: new RpcClient(e),
      longpoll: new RpcClient({ ...e, timeoutMs: init.longpollTimeoutMs }),
      health: { host: new URL(e.url).host, healthy: true, failures: 0, okStreak: 0 },
      chainChecked: false
    }))
    this.checkChain = init.checkChain
    this.probeIntervalMs = init.probeIntervalMs ?? DAEMON_PROBE_INTERVAL_MS
  }

  /** The client calls go to now. */
  get active(): RpcClient {
    return this.endpoints[this.activeIndex].rpc
  }

  /** Index (in preference order) of the daemon calls go to now. */
  get activeEndpoint(): number {
    return this.activeIndex
  }

  get size(): number {
    return this.endpoints.length
  }

  health(): DaemonEndpointHealth[] {
    return this.endpoints.map((e) => ({ ...e.health }))
  }

  /** Called when calls move to another daemon (indexes in preference order). */
  onSwitch(listener: (from: number, to: number) => void): () => void {
    return this.switchListeners.add(listener)
  }

  /** Starts probing every daemon (only useful with more than one). */
  start(): void {
    if (this.abort !== undefined || this.endpoints.length < 2) return
    const abort = new AbortController()
    this.abort = abort
    this.probing = (async () => {
      while (!abort.signal.aborted) {
        await sleep(this.probeIntervalMs, abort.signal)
        if (abort.signal.aborted) break
        await this.probeAll(abort.signal)
      }
    })()
  }

  async stop(): Promise<void> {
    this.abort?.abort()
    await this.probing
    this.abort = undefined
    for (const e of this.endpoints) {
      e.rpc.close()
      e.longpoll.close()
    }
  }

  /**
   * Calls the active daemon; when it is away (transport failure, warming up, not connected, syncing),
   * marks it down (calls move to the next daemon at once) and tries the others, healthy ones first. A
   * daemon's own refusal (any other RpcCallError) is returned as is: another daemon would refuse the
   * same call.
   */
  async call(
    method: string,
    params: unknown[] | Record<string, unknown> = [],
    opts: CallOptions = {}
  ): Promise<unknown> {
    let lastError: unknown
    for (const index of this.order()) {
      const e = this.endpoints[index]
      const started = Date.now()
      try {
        await this.ensureChain(e)
        const result = await e.rpc.call(method, params, opts)
        this.markOk(e, Date.now() - started)
        if (index !== this.activeIndex && !this.endpoints[this.activeIndex].health.healthy)
          this.switchTo(index, `${this.endpoints[this.activeIndex].health.host} is down`)
        return result
      } catch (err) {
        if (opts.signal?.aborted === true || !isDaemonUnavailable(err)) throw err
        this.markDown(e, err)
        lastError = err
      }
    }
    throw lastError
  }

  /**
   * A long poll on the active daemon only (its own connection and time limit): a long poll id means
   * nothing to another daemon. When the daemon is away it is marked down (calls move on) and the error
   * is thrown; the caller takes a fresh template with `call`.
   */
  async longpollCall(
    method: string,
    params: unknown[] | Record<string, unknown> = [],
    opts: CallOptions = {}
  ): Promise<unknown> {
    const e = this.endpoints[this.activeIndex]
    try {
      const result = await e.longpoll.call(method, params, opts)
      this.markOk(e)
      return result
    } catch (err) {
      // A long poll that ran out of time on an idle chain is no sign of a dead daemon.
      const idle = err instanceof RpcTransportError && err.code === 'timeout'
      if (opts.signal?.aborted !== true && !idle && isDaemonUnavailable(err)) this.markDown(e, err)
      throw err
    }
  }

  /** Probes every daemon now (the timer does this every probeIntervalMs); switches back to a recovered preferred one. */
  async probeAll(signal?: AbortSignal): Promise<void> {
    await Promise.all(
      this.endpoints.map(async (e) => {
        const started = Date.now()
        try {
          await this.ensureChain(e)
          await e.rpc.call('getbestblockhash', [], {
            timeoutMs: DAEMON_PROBE_TIMEOUT_MS,
            ...(signal !== undefined ? { signal } : {})
          })
          this.markOk(e, Date.now() - started)
          e.health.okStreak++
        } catch (err) {
          if (signal?.aborted === true) return
          this.markDown(e, err)
        }
      })
    )
    if (signal?.aborted === true) return
    const preferred = this.endpoints.findIndex((e) => e.health.healthy && e.health.okStreak >= DAEMON_RECOVER_PROBES)
    const active = this.endpoints[this.activeIndex]
    if (preferred !== -1 && (preferred < this.activeIndex || !active.health.healthy))
      this.switchTo(preferred, 'it answers again')
  }

  /** The active daemon first, then the others healthy ones in preference order, then the ones known down. */
  private order(): number[] {
    const rest = this.endpoints.map((_, i) => i).filter((i) => i !== this.activeIndex)
    return [
      this.activeIndex,
      ...rest.filter((i) => this.endpoints[i].health.healthy),
      ...rest.filter((i) => !this.endpoints[i].health.healthy)
    ]
  }

  private async ensureChain(e: Endpoint): Promise<void> {
    if (e.chainChecked || this.checkChain === undefined) return
    await this.checkChain(e.rpc)
    e.chainChecked = true
  }

  private markOk(e: Endpoint, latencyMs?: number): void {
    if (!e.health.healthy) log.info(`daemon ${e.health.host} answers again`)
    e.health.healthy = true
    e.health.lastOkAt = Date.now()
    delete e.health.lastError
    if (latencyMs !== undefined) {
      e.health.latencyMs =
        e.health.latencyMs === undefined
          ? latencyMs
          : Math.round(e.health.latencyMs * (1 - LATENCY_EWMA_WEIGHT) + latencyMs * LATENCY_EWMA_WEIGHT)
    }
  }

  private markDown(e: Endpoint, err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err)
    if (e.health.healthy && this.endpoints.length > 1) log.warn(`daemon ${e.health.host} is down: ${reason}`)
    e.health.healthy = false
    e.health.failures++
    e.health.okStreak = 0
    e.health.lastError = reason
    // The active daemon is away: calls move to the next one not known down, at once.
    if (e === this.endpoints[this.activeIndex]) {
      const next = this.order().find((i) => i !== this.activeIndex && this.endpoints[i].health.healthy)
      if (next !== undefined) this.switchTo(next, `${e.health.host} is down (${reason})`)
    }
  }

  private switchTo(index: number, why: string): void {
    if (index === this.activeIndex) return
    const from = this.activeIndex
    this.activeIndex = index
    log.warn(
      `daemon calls move from ${this.endpoints[from].health.host} to ${this.endpoints[index].health.host}: ${why}`
    )
    this.switchListeners.emit(from, index)
  }
}
