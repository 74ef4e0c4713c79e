// What the PWA's public observer screens read (Pool, a miner's page, Connect a rig): figures computed
// from the relay's own share chain, header chain, found blocks and Stratum rigs, each with the window it
// was measured over, so a screen can say "4.1 MH/s over the last 10 min" and never guess.
import { addressToScript, scriptToAddress } from '@otedama/shared/address'
import type { ChainParams } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { powHash } from '@otedama/shared/primitives'
import { hashToDisplayHex } from '@otedama/shared/primitives'
import { bitsToTarget, hashToBigInt, targetToDifficulty, targetToWork } from '@otedama/shared/primitives'
import { EXTRANONCE1_BYTES, EXTRANONCE_BYTES, PPM } from '@otedama/shared/sharechain'
import type { HeaderChain } from '@otedama/shared/sharechain'
import type { ShareNode } from '@otedama/shared/sharechain'
import type { ShareChain } from '@otedama/shared/sharechain'
import type { ShareChainRules } from '@otedama/shared/sharechain'
import type { FoundBlockRecord } from '../store/records'
import type { MinerView, PoolObserverView, RigConnectView, HashrateHistoryView, WorkerView } from './observer-views'
import type { RigView } from './views'
import { BoundedMap } from '@otedama/shared/util'

/** The pool hashrate is the share work found in this many seconds back from now (10 min). */
export const POOL_HASHRATE_WINDOW_SECONDS = 600
/** The network hashrate is measured over at most this many blocks of the header chain. */
export const NETWORK_HASHRATE_BLOCKS = 30
/** Found blocks listed per page on the Pool screen, and the most a page may ask for. */
export const BLOCKS_PAGE_DEFAULT = 20
export const BLOCKS_PAGE_MAX = 100
/** Payees of the PPLNS window per page, and the most a page may ask for. */
export const PAYEES_PAGE_DEFAULT = 25
export const PAYEES_PAGE_MAX = 200
/** Found blocks scanned for effort, a miner's payouts and the pool's part of recent blocks. */
export const BLOCKS_SCANNED = 1000
/** Shares of one address listed on its page (newest first). */
export const MINER_SHARES_LISTED = 50
/** PoW hashes kept for "best share difficulty" (scrypt chains hash again otherwise), entries. */
export const POW_CACHE_ENTRIES = 8192
/** New scrypt PoW hashes one miner-page request may compute (≈ 2 ms each in Node). */
export const POW_HASHES_PER_REQUEST = 64
/** Stratum sessions remembered as "this relay's rig" (extranonce1 of shares that came in over Stratum). */
export const STRATUM_SESSIONS_REMEMBERED = 4096
/** History ranges the charts offer, with the bucket each uses (seconds). */
export const HISTORY_RANGES: Readonly<Record<string, { seconds: number; bucketSeconds: number }>> = {
  '10m': { seconds: 600, bucketSeconds: 30 },
  '1h': { seconds: 3600, bucketSeconds: 120 },
  '24h': { seconds: 86_400, bucketSeconds: 1800 }
}

export interface ObserverInit {
  params: ChainParams
  rules: ShareChainRules
  chain: ShareChain
  headers: () => HeaderChain | undefined
  /** The current template's block height, bits and coinbase value, when there is one. */
  template: () => { height: number; bits: number; coinbaseValue: bigint } | undefined
  blocks: (limit: number) => Promise<FoundBlockRecord[]>
  rigs: () => RigView[]
  /** Each share the relay accepts, with where it came from (to tell this relay's rigs from others). */
  onShare?: (listener: (id: Uint8Array, origin: string) => void) => () => void
  poolFee: number
  stratum?: { host: string; port: number }
  /** Unix seconds; the relay's clock. */
  now?: () => number
}

/** Which miner session a share came from: the 4 per-session bytes of its coinbase extranonce (hex). */
export function sessionOf(node: ShareNode): string {
  const sig = node.share.coinbase.scriptSig
  return bytesToHex(sig.subarray(sig.length - EXTRANONCE_BYTES, sig.length - EXTRANONCE_BYTES + EXTRANONCE1_BYTES))
}

/** A page of the Pool screen: found blocks and PPLNS payees, each from an offset. */
export interface PoolPage {
  blocksOffset: number
  blocksLimit: number
  payeesOffset: number
  payeesLimit: number
}

/**
 * The observer screens' read model. `start` follows accepted shares to remember which sessions are
 * this relay's Stratum rigs; `stop` (or `close`) lets go of them.
 */
export class ObserverModel {
  private readonly params: ChainParams
  private readonly rules: ShareChainRules
  private readonly chain: ShareChain
  private readonly now: () => number
  private readonly powCache = new BoundedMap<string, number>(POW_CACHE_ENTRIES)
  /** `payoutKey/session` of shares that came in over Stratum, oldest first. */
  private readonly stratumSessions = new Set<string>()
  private offShare: (() => void) | undefined

  constructor(private readonly init: ObserverInit) {
    this.params = init.params
    this.rules = init.rules
    this.chain = init.chain
    this.now = init.now ?? (() => Math.floor(Date.now() / 1000))
  }

  start(): void {
    this.offShare ??= this.init.onShare?.((id, origin) => {
      if (origin === 'stratum') this.rememberStratumSession(id)
    })
  }

  stop(): void {
    this.offShare?.()
    this.offShare = undefined
  }

  close(): void {
    this.stop()
  }

  async pool(page: PoolPage): Promise<PoolObserverView> {
    const { chain, rules, params } = this
    const nodes = this.windowNodes()
    const tip = chain.tip
    const template = this.init.template()
    const shareTarget = bitsToTarget(chain.nextShareBits(tip))
    const blockTarget = template === undefined ? undefined : bitsToTarget(template.bits)
    const blockWork = blockTarget === undefined ? 0 : Number(targetToWork(blockTarget))
    const records = await this.init.blocks(BLOCKS_SCANNED)
    const payees = this.payees(nodes, template?.coinbaseValue ?? 0n)
    const rigs = this.init.rigs()
    return {
      network: params.name,
      ticker: params.ticker,
      isTestNetwork: params.isTestNetwork,
      poolFee: this.init.poolFee,
      now: this.now(),
      shareChain: {
        ...(tip !== undefined ? { height: tip.height, tip: hashToDisplayHex(tip.id) } : {}),
        shareDifficulty: this.difficulty(shareTarget),
        shareWork: Number(targetToWork(shareTarget)),
        shareIntervalSeconds: rules.shareIntervalSeconds,
        windowShares: rules.windowShares,
        windowCount: nodes.length,
        windowSpanSeconds:
          nodes.length > 1 ? (nodes[0] as ShareNode).timestamp - (nodes.at(-1) as ShareNode).timestamp : 0,
        finderBonusPpm: rules.finderBonusPpm,
        lastShareAt: tip?.timestamp
      },
      poolHashrate: this.rateSince(nodes, POOL_HASHRATE_WINDOW_SECONDS),
      rigs: { count: rigs.length, hashesPerSecond: rigs.reduce((s, r) => s + r.hashrateHashesPerSecond, 0) },
      chain: {
        ...(template !== undefined ? { height: template.height, blockReward: template.coinbaseValue.toString() } : {}),
        ...(blockTarget !== undefined ? { difficulty: this.difficulty(blockTarget) } : {}),
        blockWork,
        targetBlockSeconds: params.targetBlockSeconds,
        coinbaseMaturity: params.coinbaseMaturity,
        hashrate: this.networkRate(blockWork)
      },
      recentBlocks: recentPoolBlocks(this.init.headers(), records),
      payees: {
        total: payees.length,
        offset: page.payeesOffset,
        items: payees.slice(page.payeesOffset, page.payeesOffset + page.payeesLimit)
      },
      blocks: this.blocksPage(records, page)
    }
  }

  /** Throws AddressError for an address of another network or a typo. */
  async miner(address: string): Promise<MinerView> {
    const { chain, rules, params } = this
    const trimmed = address.trim()
    const key = bytesToHex(addressToScript(trimmed, params.addresses))
    const t = this.now()
    const basis = chain.payoutBasis(chain.tip)
    const weight = basis.weights.find((w) => w.key === key)?.weight ?? 0n
    const value = this.init.template()?.coinbaseValue ?? 0n
    const rest = value - (value * BigInt(rules.finderBonusPpm)) / PPM
    const { shares, workers, sharesInWindow } = this.minerShares(key, t - POOL_HASHRATE_WINDOW_SECONDS)
    const records = await this.init.blocks(BLOCKS_SCANNED)
    const blocks = records.flatMap((b) => {
      const amount = b.payouts.filter((p) => p.script === key).reduce((s, p) => s + BigInt(p.value), 0n)
      return amount > 0n
        ? [
            {
              hash: b.hash,
              height: b.height,
              foundAt: b.foundAt,
              status: b.status,
              amount: amount.toString(),
              ...(b.reason !== undefined ? { reason: b.reason } : {})
            }
          ]
        : []
    })
    const sum = (statuses: string[]): string =>
      blocks
        .filter((b) => statuses.includes(b.status))
        .reduce((s, b) => s + BigInt(b.amount), 0n)
        .toString()
    return {
      address: trimmed,
      payoutScript: key,
      network: params.name,
      ticker: params.ticker,
      now: t,
      sharesInWindow,
      windowShares: rules.windowShares,
      weightPpm: basis.totalWeight === 0n ? 0 : Number((weight * PPM) / basis.totalWeight),
      expectedNextBlock: (basis.totalWeight === 0n ? 0n : (rest * weight) / basis.totalWeight).toString(),
      hashrateWindowSeconds: POOL_HASHRATE_WINDOW_SECONDS,
      shares,
      workers,
      rigs: this.init.rigs().filter((r) => r.address === trimmed),
      blocks,
      totals: {
        confirmed: sum(['confirmed']),
        accepted: sum(['accepted']),
        submitted: sum(['submitted']),
        unpaid: sum(['orphaned', 'stale', 'rejected'])
      }
    }
  }

  /** The pool's hashrate in buckets over one of HISTORY_RANGES; undefined for any other range. */
  history(range: string): HashrateHistoryView | undefined {
    const r = HISTORY_RANGES[range]
    if (r === undefined) return undefined
    const t = this.now()
    const start = t - r.seconds
    const buckets = Math.ceil(r.seconds / r.bucketSeconds)
    const work = new Array<bigint>(buckets).fill(0n)
    let oldest: number | undefined
    const nodes = this.windowNodes()
    // With a full window, older shares are not counted here (pruned or out of the window): their buckets are unknown.
    const truncated = nodes.length >= this.rules.windowShares
    for (const n of nodes) {
      oldest = n.timestamp
      if (n.timestamp <= start) break
      const i = Math.min(buckets - 1, Math.floor((n.timestamp - start) / r.bucketSeconds))
      work[i] = (work[i] as bigint) + n.work
    }
    // Buckets before the oldest share of a full window are unknown (the chain keeps the window, not all time):
    // left out. A younger chain holds every share since it began, so its empty buckets are real zeros.
    const points: Array<[number, number]> = []
    for (let i = 0; i < buckets; i++) {
      const bucketStart = start + i * r.bucketSeconds
      if (truncated && oldest !== undefined && bucketStart + r.bucketSeconds < oldest && oldest > start) continue
      points.push([bucketStart + r.bucketSeconds, Number(work[i]) / r.bucketSeconds])
    }
    return { range, seconds: r.seconds, bucketSeconds: r.bucketSeconds, now: t, points }
  }

  connect(): RigConnectView {
    const { params, init } = this
    const shareTarget = bitsToTarget(this.chain.nextShareBits(this.chain.tip))
    return {
      network: params.name,
      pow: params.pow,
      ...(init.stratum !== undefined ? { stratumHost: init.stratum.host, stratumPort: init.stratum.port } : {}),
      poolFee: init.poolFee,
      shareDifficulty: this.difficulty(shareTarget),
      maxCoinbaseOutputs: this.rules.maxPayoutOutputs
    }
  }

  private difficulty(target: bigint): number {
    return targetToDifficulty(target, this.params.stratumDiff1Target)
  }

  private addressOf(script: Uint8Array): string | undefined {
    return scriptToAddress(script, this.params.addresses)
  }

  /** A share that came in over Stratum marks its session as this relay's rig (the oldest is forgotten first). */
  private rememberStratumSession(id: Uint8Array): void {
    const node = this.chain.getById(id)
    if (node === undefined) return
    this.stratumSessions.add(`${node.payoutKey}/${sessionOf(node)}`)
    if (this.stratumSessions.size > STRATUM_SESSIONS_REMEMBERED)
      this.stratumSessions.delete(this.stratumSessions.values().next().value as string)
  }

  /** The shares of the best chain, newest first, at most the window plus one. */
  private windowNodes(): ShareNode[] {
    const tip = this.chain.tip
    return tip === undefined ? [] : [...this.chain.ancestors(tip, this.rules.windowShares)]
  }

  /** Share work found in the last `seconds`, over the seconds actually covered by the shares held. */
  private rateSince(
    nodes: ShareNode[],
    seconds: number
  ): { hashesPerSecond: number; windowSeconds: number; shares: number } {
    const t = this.now()
    const since = t - seconds
    let work = 0n
    let shares = 0
    for (const n of nodes) {
      if (n.timestamp <= since) break
      work += n.work
      shares++
    }
    // A chain younger than the window covers less time: divide by what it covers, never by less than a share interval.
    const oldest = nodes.at(-1)
    const covered =
      oldest === undefined || oldest.timestamp <= since
        ? seconds
        : Math.max(t - oldest.timestamp, this.rules.shareIntervalSeconds)
    return { hashesPerSecond: Number(work) / covered, windowSeconds: covered, shares }
  }

  private networkRate(blockWork: number): PoolObserverView['chain']['hashrate'] {
    const headers = this.init.headers()
    if (headers !== undefined) {
      const tip = headers.tip
      for (let back = Math.min(NETWORK_HASHRATE_BLOCKS, tip.height - 1); back >= 1; back--) {
        const hash = headers.hashAtHeight(tip.height - back)
        const from = hash === undefined ? undefined : headers.get(hash)
        if (from === undefined || from.time <= 0 || tip.time <= from.time) continue
        return {
          hashesPerSecond: Number(tip.cumulativeWork - from.cumulativeWork) / (tip.time - from.time),
          blocks: back,
          spanSeconds: tip.time - from.time,
          from: 'block-times'
        }
      }
    }
    return {
      hashesPerSecond: blockWork / this.params.targetBlockSeconds,
      blocks: 0,
      spanSeconds: 0,
      from: 'difficulty'
    }
  }

  /** Every payee of the window, heaviest first, with its shares and expected part of a block worth `value`. */
  private payees(nodes: ShareNode[], value: bigint): PoolObserverView['payees']['items'] {
    const basis = this.chain.payoutBasis(this.chain.tip)
    const rest = value - (value * BigInt(this.rules.finderBonusPpm)) / PPM
    const sharesByKey = new Map<string, number>()
    for (const n of nodes) sharesByKey.set(n.payoutKey, (sharesByKey.get(n.payoutKey) ?? 0) + 1)
    return [...basis.weights]
      .sort((a, b) => (a.weight === b.weight ? 0 : a.weight > b.weight ? -1 : 1))
      .map((w) => {
        const address = this.addressOf(w.script)
        return {
          payoutScript: w.key,
          ...(address !== undefined ? { address } : {}),
          shares: sharesByKey.get(w.key) ?? 0,
          weightPpm: basis.totalWeight === 0n ? 0 : Number((w.weight * PPM) / basis.totalWeight),
          expectedNextBlock: (basis.totalWeight === 0n ? 0n : (rest * w.weight) / basis.totalWeight).toString()
        }
      })
  }

  /** One page of found blocks, each with its effort where the share chain still holds it. */
  private blocksPage(records: FoundBlockRecord[], page: PoolPage): PoolObserverView['blocks'] {
    const effort = this.effortOf(records)
    return {
      total: records.length,
      offset: page.blocksOffset,
      items: records.slice(page.blocksOffset, page.blocksOffset + page.blocksLimit).map((r) => ({
        hash: r.hash,
        height: r.height,
        foundAt: r.foundAt,
        reward: r.coinbaseValue,
        status: r.status,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        ...(r.confirmations !== undefined ? { confirmations: r.confirmations } : {}),
        ...(effort.has(r.hash) ? { effort: effort.get(r.hash) } : {})
      }))
    }
  }

  /** The window's shares of one payout script (the newest listed) and its workers, one per miner session; hashrate from shares after `since` (unix s). */
  private minerShares(
    key: string,
    since: number
  ): { shares: MinerView['shares']; workers: WorkerView[]; sharesInWindow: number } {
    const budget = { left: POW_HASHES_PER_REQUEST }
    const sessions = new Map<string, WorkerView & { recentWork: bigint }>()
    const shares: MinerView['shares'] = []
    let sharesInWindow = 0
    for (const n of this.windowNodes()) {
      if (n.payoutKey !== key) continue
      sharesInWindow++
      const best = this.bestDifficultyOf(n, budget)
      if (shares.length < MINER_SHARES_LISTED) {
        shares.push({
          id: hashToDisplayHex(n.id),
          height: n.height,
          timestamp: n.timestamp,
          difficulty: this.difficulty(n.target),
          ...(best !== undefined ? { bestDifficulty: best } : {})
        })
      }
      const session = sessionOf(n)
      const worker = sessions.get(session) ?? {
        session,
        kind: this.stratumSessions.has(`${key}/${session}`) ? 'stratum' : 'peer',
        shares: 0,
        hashesPerSecond: 0,
        lastShareAt: n.timestamp,
        recentWork: 0n
      }
      worker.shares++
      if (n.timestamp > since) worker.recentWork += n.work
      if (best !== undefined && (worker.bestDifficulty === undefined || best > worker.bestDifficulty))
        worker.bestDifficulty = best
      sessions.set(session, worker)
    }
    const workers = [...sessions.values()].map(({ recentWork, ...w }) => ({
      ...w,
      hashesPerSecond: Number(recentWork) / POOL_HASHRATE_WINDOW_SECONDS
    }))
    return { shares, workers, sharesInWindow }
  }

  /** Difficulty of the share's own PoW hash (what it actually met), cached; undefined when the budget is spent. */
  private bestDifficultyOf(node: ShareNode, budget: { left: number }): number | undefined {
    const { rules } = this
    const cached = this.powCache.get(node.key)
    if (cached !== undefined) return cached
    if (rules.pow !== 'sha256d') {
      if (budget.left <= 0) return undefined
      budget.left--
    }
    const hash = rules.pow === 'sha256d' ? node.id : powHash(rules.pow, node.share.header80)
    const value = hashToBigInt(hash)
    const d = this.difficulty(value === 0n ? 1n : value)
    this.powCache.set(node.key, d)
    return d
  }

  /** Work of the share chain between consecutive found blocks (by share id) over the block's own work. */
  private effortOf(records: FoundBlockRecord[]): Map<string, number> {
    const effort = new Map<string, number>()
    const sorted = records.filter((r) => r.shareId !== undefined).sort((a, b) => a.foundAt - b.foundAt)
    let previous: ShareNode | undefined
    for (const r of sorted) {
      const node = this.chain.get(reverseHex(r.shareId as string))
      if (node !== undefined && previous !== undefined && node.cumulativeWork > previous.cumulativeWork) {
        const blockWork = targetToWork(bitsToTarget(node.share.header.bits))
        effort.set(r.hash, Number(node.cumulativeWork - previous.cumulativeWork) / Number(blockWork))
      }
      previous = node ?? previous
    }
    return effort
  }
}

/** An observer model following accepted shares from now on. */
export function createObserverModel(init: ObserverInit): ObserverModel {
  const model = new ObserverModel(init)
  model.start()
  return model
}

/** Of the last blocks in the header chain, how many this relay's pool found (by hash). */
function recentPoolBlocks(
  headers: HeaderChain | undefined,
  records: FoundBlockRecord[]
): { found: number; of: number } {
  if (headers === undefined) return { found: 0, of: 0 }
  const ours = new Set(records.filter((r) => r.status !== 'rejected').map((r) => r.hash))
  const tip = headers.tip
  let found = 0
  let of = 0
  for (let h = tip.height; h > tip.height - NETWORK_HASHRATE_BLOCKS && h >= 0; h--) {
    const hash = headers.hashAtHeight(h)
    if (hash === undefined) break
    of++
    if (ours.has(hashToDisplayHex(hash))) found++
  }
  return { found, of }
}

/** Display hex (explorer order) back to internal order hex (the share chain's keys). */
function reverseHex(hex: string): string {
  return (hex.match(/../g) ?? []).reverse().join('')
}
