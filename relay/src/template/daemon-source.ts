import { createLogger } from '@otedama/shared/log'
import { bytesToHex, equalBytes, hexToBytes } from '@otedama/shared/primitives'
import { displayHexToHash, hashToDisplayHex } from '@otedama/shared/primitives'
import { getChainParams } from '@otedama/shared/chain'
import type { NetworkName } from '@otedama/shared/chain'
import { RpcCallError, RpcTransportError, type RpcClient, type RpcClientInit } from '../rpc'
import { RpcFailover, type DaemonEndpointHealth } from '../rpc/failover'
import { sleep } from '../util/listeners'
import { fitCoinbase, type CoinbaseBudget } from './coinbase-room'
import { parseBlockTemplate } from './parse-gbt'
import type {
  BlockTemplate,
  ChainPosition,
  ProposalVerdict,
  SourceHealth,
  SubmitOutcome,
  TemplateSource
} from './types'
import { ListenerSet } from '@otedama/shared/util'

const log = createLogger('template/daemon')

/** The daemon serves another chain than the relay is configured for. */
export class WrongChainError extends Error {
  override readonly name = 'WrongChainError'
}

/** Tip polling period when long polling is off or unavailable (ms); DESIGN: about every second. */
export const TIP_POLL_INTERVAL_MS = 1_000
/**
 * Client-side limit of one long poll (ms). bitcoind/litecoind answer a long poll on a new tip at once,
 * and after 60 s when only the mempool changed; an idle chain keeps it open, so we re-issue it.
 * Each open long poll holds one daemon RPC thread: run the daemon with -rpcthreads ≥ 8 (default 4).
 */
export const LONGPOLL_TIMEOUT_MS = 90_000
/** Refresh of the template on the same tip, to pick up new transactions (ms), when not long polling. */
export const TEMPLATE_REFRESH_MS = 30_000
/** Backoff after daemon failures (ms): doubles from MIN to MAX while the daemon stays unreachable. */
export const RETRY_MIN_MS = 250
export const RETRY_MAX_MS = 5_000
/** Daemon code for "Block not found" (getblockheader on an unknown hash). */
const RPC_INVALID_ADDRESS_OR_KEY = -5

export interface DaemonSourceInit {
  network: NetworkName
  rpc: RpcClientInit
  /** Further daemons of the same chain, in order of preference, used while the ones before them are away. */
  backups?: RpcClientInit[]
  /** How often every daemon is probed when there are several (ms; rpc/failover.ts default). */
  probeIntervalMs?: number
  /** Room the coinbase needs; transactions are dropped from templates to make it. */
  coinbaseBudget: CoinbaseBudget
  /** Use getblocktemplate long polling on a second connection (default true); else poll getbestblockhash. */
  longpoll?: boolean
  tipPollIntervalMs?: number
}

/**
 * Templates from bitcoind or litecoind. It takes a template at start and on each new tip (long poll
 * on its own connection, or polling), reports itself unhealthy while the daemon is unreachable or
 * syncing, and keeps retrying with backoff, so a daemon restart needs no relay restart. With backup
 * daemons (rpc/failover.ts) calls move to the next one that answers as soon as one is away, a fresh
 * template is taken from it at once, and the preferred daemon takes over again when it is back.
 */
export class DaemonTemplateSource implements TemplateSource {
  readonly kind = 'daemon'
  readonly network: NetworkName
  private readonly rpc: RpcFailover
  private readonly rules: readonly string[]
  private readonly genesisHash: string | undefined
  private readonly budget: CoinbaseBudget
  private readonly useLongpoll: boolean
  private readonly pollMs: number
  private readonly templates = new ListenerSet<[BlockTemplate, boolean]>()
  private readonly healthListeners = new ListenerSet<[SourceHealth]>()
  private latest: BlockTemplate | undefined
  private state: SourceHealth = { healthy: false, since: Date.now(), reason: 'not started' }
  private abort = new AbortController()
  /** Aborts the long poll under way when calls move to another daemon (its long poll id means nothing there). */
  private switched = new AbortController()
  private loop: Promise<void> | undefined

  constructor(init: DaemonSourceInit) {
    this.network = init.network
    this.rpc = new RpcFailover({
      endpoints: [init.rpc, ...(init.backups ?? [])],
      longpollTimeoutMs: LONGPOLL_TIMEOUT_MS,
      checkChain: async (rpc) => await this.checkChain(rpc),
      ...(init.probeIntervalMs !== undefined ? { probeIntervalMs: init.probeIntervalMs } : {})
    })
    this.rpc.onSwitch(() => this.switched.abort())
    this.rules = getChainParams(init.network).gbtRules
    this.genesisHash = getChainParams(init.network).genesisBlockHash
    this.budget = init.coinbaseBudget
    this.useLongpoll = init.longpoll ?? true
    this.pollMs = init.tipPollIntervalMs ?? TIP_POLL_INTERVAL_MS
  }

  /** Takes the first template (waiting for the daemon if need be) and starts watching for new ones. */
  async start(): Promise<void> {
    if (this.loop !== undefined) return
    this.abort = new AbortController()
    this.rpc.start()
    this.loop = this.run(this.abort.signal)
  }

  async stop(): Promise<void> {
    this.abort.abort()
    await this.loop
    this.loop = undefined
    await this.rpc.stop()
  }

  /** Every configured daemon with its health, in order of preference, and which one calls go to. */
  daemons(): { active: number; endpoints: DaemonEndpointHealth[] } {
    return { active: this.rpc.activeEndpoint, endpoints: this.rpc.health() }
  }

  /** Resolves once a template is there (or rejects after `timeoutMs`). */
  async ready(timeoutMs: number): Promise<BlockTemplate> {
    const have = this.current()
    if (have !== undefined) return have
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off()
        reject(new Error(`no template within ${timeoutMs} ms: ${this.state.reason ?? ''}`))
      }, timeoutMs)
      const off = this.templates.add((t) => {
        clearTimeout(timer)
        off()
        resolve(t)
      })
    })
  }

  current(): BlockTemplate | undefined {
    return this.state.healthy ? this.latest : undefined
  }

  onTemplate(listener: (template: BlockTemplate, newTip: boolean) => void): () => void {
    return this.templates.add(listener)
  }

  health(): SourceHealth {
    return this.state
  }

  onHealth(listener: (health: SourceHealth) => void): () => void {
    return this.healthListeners.add(listener)
  }

  async submitBlock(block: Uint8Array): Promise<SubmitOutcome> {
    const answer = await this.rpc.call('submitblock', [bytesToHex(block)])
    // null = accepted; 'duplicate' = the daemon already has this very block (e.g. from a peer).
    if (answer === null || answer === 'duplicate') return { accepted: true }
    return {
      accepted: false,
      reason: typeof answer === 'string' ? answer.slice(0, 200) : 'unexpected submitblock answer'
    }
  }

  async checkProposal(block: Uint8Array): Promise<ProposalVerdict> {
    const answer = await this.rpc.call('getblocktemplate', [
      { mode: 'proposal', data: bytesToHex(block), rules: this.rules }
    ])
    if (answer === null) return { valid: true }
    return { valid: false, reason: typeof answer === 'string' ? answer.slice(0, 200) : 'unexpected proposal answer' }
  }

  async bestBlockHash(): Promise<Uint8Array> {
    return parseHash(await this.rpc.call('getbestblockhash'), 'getbestblockhash')
  }

  async chainPosition(blockHash: Uint8Array): Promise<ChainPosition> {
    let header: unknown
    try {
      header = await this.rpc.call('getblockheader', [hashToDisplayHex(blockHash), true])
    } catch (err) {
      if (err instanceof RpcCallError && err.code === RPC_INVALID_ADDRESS_OR_KEY) return { state: 'unknown' }
      throw err
    }
    const confirmations = (header as { confirmations?: unknown } | null)?.confirmations
    if (typeof confirmations !== 'number' || !Number.isSafeInteger(confirmations))
      throw new TypeError('getblockheader: confirmations missing')
    // Bitcoin Core reports -1 confirmations for a block off the main chain.
    return confirmations < 0 ? { state: 'orphaned' } : { state: 'in-chain', confirmations }
  }

  async headerOf(blockHash: Uint8Array): Promise<Uint8Array | undefined> {
    let raw: unknown
    try {
      raw = await this.rpc.call('getblockheader', [hashToDisplayHex(blockHash), false])
    } catch (err) {
      if (err instanceof RpcCallError && err.code === RPC_INVALID_ADDRESS_OR_KEY) return undefined
      throw err
    }
    if (typeof raw !== 'string' || !/^[0-9a-fA-F]{160}$/.test(raw))
      throw new TypeError('getblockheader: expected 80 bytes of hex')
    return hexToBytes(raw)
  }

  /** Takes a fresh template now (e.g. after a block was found here). */
  async refresh(): Promise<BlockTemplate> {
    return this.accept(await this.rpc.call('getblocktemplate', [{ rules: this.rules }]))
  }

  /** Refuses a daemon on another chain than configured (its block 0 differs from the params'). */
  private async checkChain(rpc: RpcClient): Promise<void> {
    const expected = this.genesisHash
    if (expected === undefined) return
    const genesis = await rpc.call('getblockhash', [0])
    if (genesis !== expected) {
      throw new WrongChainError(
        `the daemon at ${rpc.url.host} is on another chain: its block 0 is ${String(genesis).slice(0, 64)}, ${this.network} has ${expected}; point the relay at the right daemon or set blockchain`
      )
    }
  }

  private accept(raw: unknown): BlockTemplate {
    const parsed = parseBlockTemplate(raw, this.network)
    const fit = fitCoinbase(parsed, this.budget)
    if (fit.dropped.length > 0) {
      log.info(
        `dropped ${fit.dropped.length} lowest-fee transactions to make room for the coinbase${fit.fits ? '' : ' (still short of room)'}`
      )
    }
    const previous = this.latest
    const template = fit.template
    const newTip = previous === undefined || !equalBytes(previous.prevHash, template.prevHash)
    this.latest = template
    this.setHealth(true)
    this.templates.emit(template, newTip)
    return template
  }

  private setHealth(healthy: boolean, reason?: string): void {
    if (this.state.healthy === healthy && this.state.reason === reason) return
    const wasHealthy = this.state.healthy
    this.state = {
      healthy,
      since: healthy === wasHealthy ? this.state.since : Date.now(),
      ...(reason !== undefined ? { reason } : {})
    }
    if (healthy) log.info(`daemon healthy at height ${this.latest?.height ?? '?'}`)
    else log.warn(`daemon unhealthy: ${reason ?? ''}`)
    this.healthListeners.emit(this.state)
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoff = RETRY_MIN_MS
    let lastRefresh = 0
    let lastTip: string | undefined
    let servedBy = this.rpc.activeEndpoint
    while (!signal.aborted) {
      try {
        if (this.latest === undefined || !this.state.healthy || servedBy !== this.rpc.activeEndpoint) {
          if (this.switched.signal.aborted) this.switched = new AbortController()
          servedBy = this.rpc.activeEndpoint
          const t = await this.refresh()
          servedBy = this.rpc.activeEndpoint
          lastRefresh = Date.now()
          lastTip = hashToDisplayHex(t.prevHash)
        } else if (this.useLongpoll && this.latest.longpollId !== undefined) {
          const raw = await this.rpc.longpollCall(
            'getblocktemplate',
            [{ rules: this.rules, longpollid: this.latest.longpollId }],
            { signal: AbortSignal.any([signal, this.switched.signal]) }
          )
          if (signal.aborted) break
          if (servedBy !== this.rpc.activeEndpoint) continue // another daemon took over: take its template
          this.accept(raw)
        } else {
          await sleep(this.pollMs, signal)
          if (signal.aborted) break
          const tip = await this.rpc.call('getbestblockhash', [], { signal })
          if (tip !== lastTip || Date.now() - lastRefresh >= TEMPLATE_REFRESH_MS) {
            const t = await this.refresh()
            lastRefresh = Date.now()
            lastTip = hashToDisplayHex(t.prevHash)
          }
        }
        backoff = RETRY_MIN_MS
      } catch (err) {
        if (signal.aborted) break
        if (servedBy !== this.rpc.activeEndpoint) continue // another daemon took over: take its template at once
        if (err instanceof RpcTransportError && err.code === 'timeout' && this.state.healthy && this.useLongpoll)
          continue // idle long poll
        this.setHealth(false, describe(err))
        await sleep(backoff, signal)
        backoff = Math.min(backoff * 2, RETRY_MAX_MS)
      }
    }
  }
}

function parseHash(v: unknown, method: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}$/.test(v))
    throw new TypeError(`${method}: expected a 64-hex block hash`)
  return displayHexToHash(v)
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
