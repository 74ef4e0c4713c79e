import { base58 } from '@scure/base'
import { addressToScript, scriptToAddress } from '@otedama/shared/address'
import type { ChainParams } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { displayHexToHash, hashToDisplayHex } from '@otedama/shared/primitives'
import { trustWords, type SubjectStatus, type TrustLevel } from '@otedama/shared/quorum'
import { PPM, sharePlace } from '@otedama/shared/sharechain'
import type { ShareNode } from '@otedama/shared/sharechain'
import { templateId } from '@otedama/shared/sharechain'
import type {
  ApiContext,
  BlockView,
  MetricsSnapshot,
  PayoutsView,
  QuorumStatusView,
  RigView,
  ShareChainView,
  SharePlaceView,
  ShareRefusalView,
  StatusView,
  TemplateView,
  WorkView
} from '../http/views'
import type { RelayQuorum } from '../quorum/follow'
import { announce } from '../work/template-book'
import { IN_CHAIN_STATUSES, type BlockRecordStore, type FoundBlockRecord } from '../store/records'
import type { StratumMetrics } from '../stratum/metrics'
import type { BlockPipelineMetrics } from '../block/pipeline'
import type { TemplateSource } from '../template/types'
import type { SharePool } from '../work/pool'

/** Shares the pool hashrate is estimated over (count). */
export const HASHRATE_SHARES = 100
/** In-chain blocks scanned for an address's payouts (count, newest first). */
export const PAYOUT_BLOCKS_SCANNED = 1000

/** Stratum's rigs and figures (the Stratum server provides them). */
export interface RigSource {
  rigs: () => RigView[]
  metrics?: () => StratumMetrics
}

/** The block pipeline as the API reads it. */
export interface BlockPipelineView {
  tip: () => { hash: string; height: number } | undefined
  metrics: () => BlockPipelineMetrics
}

/** libp2p's peer count (the relay's libp2p node implements it). */
export interface PeerSource {
  peerCount: () => number
}

export interface RelayReadModelInit {
  params: ChainParams
  poolName: string
  poolFee: number
  source: TemplateSource
  pool: SharePool
  blocks: BlockRecordStore
  /** The block pipeline: live confirmations, and the block figures for metrics. */
  pipeline?: BlockPipelineView
  rigs?: RigSource
  peers?: PeerSource
  /** Our libp2p identity, when the network runs (the relay's network part). */
  self?: { peerId: () => string | undefined; multiaddrs: () => string[] }
  /** The quorum follower, when the network runs; `minAttesters` from optimization.validation.minValidators; `self`: our peer id bytes. */
  quorum?: { follower: RelayQuorum; minAttesters: number; self: Uint8Array }
  startedAt?: number
}

/** A libp2p peer id string from peer id bytes (base58btc of the multihash, as libp2p prints it). */
export function peerIdString(peerIdBytes: Uint8Array): string {
  return base58.encode(peerIdBytes)
}

/** What a tally view needs besides the tally: the roster (peer ids of keys) and our own identity. */
export interface QuorumViewContext {
  minAttesters: number
  /** Relay keys with work in our window now. */
  weightedRelays: number
  /** Our peer id bytes: the relay trusted alone where no quorum can exist. */
  self: Uint8Array
  peerIdOf: (relayKey: string) => Uint8Array | undefined
}

/** The trust level with no subject: by the roster alone (fewer weighted relays than the minimum: ourselves alone). */
export function rosterTrust(ctx: QuorumViewContext): TrustLevel {
  return ctx.weightedRelays < ctx.minAttesters ? 'relay-alone' : 'waiting'
}

/** A follower's tally as the API shows it; an empty, unconfirmed quorum when nothing is tallied. */
export function quorumStatusView(status: SubjectStatus | undefined, ctx: QuorumViewContext): QuorumStatusView {
  const trust = status?.trust ?? rosterTrust(ctx)
  const words = trustWords({
    level: trust,
    ...(trust === 'relay-alone' ? { relay: status?.loneRelay ?? ctx.self } : {}),
    weightedRelays: ctx.weightedRelays,
    minAttesters: ctx.minAttesters
  })
  if (status === undefined) {
    return {
      committee: [],
      minAttesters: ctx.minAttesters,
      weightedRelays: ctx.weightedRelays,
      attestations: [],
      totalWeightHashes: '0',
      weightByClaimHashes: {},
      attestersByClaim: {},
      confirmed: false,
      trust,
      trustWords: words
    }
  }
  return {
    committee: status.committee.map((m) => {
      const peerId = m.peerId ?? ctx.peerIdOf(m.relayKey)
      return {
        relayKey: m.relayKey,
        ...(peerId !== undefined ? { peerId: peerIdString(peerId) } : {}),
        weightHashes: m.weight.toString()
      }
    }),
    minAttesters: status.minAttesters,
    weightedRelays: ctx.weightedRelays,
    attestations: status.votes.map((v) => ({
      attester: peerIdString(v.attesterId),
      relayKey: v.relayKey,
      claim: v.claim,
      time: v.time,
      weightHashes: v.weight.toString(),
      reputation: v.reputation,
      member: v.member
    })),
    totalWeightHashes: status.totalWeight.toString(),
    weightByClaimHashes: Object.fromEntries(
      Object.entries(status.weightByClaim).map(([c, w]) => [c, (w ?? 0n).toString()])
    ),
    attestersByClaim: { ...status.attestersByClaim },
    confirmed: status.confirmed !== undefined,
    ...(status.claim !== undefined ? { claim: status.claim } : {}),
    trust,
    trustWords: words
  }
}

/** Pool hashrate from share work over the span of the last HASHRATE_SHARES share timestamps (H/s). */
export function estimateHashrate(tip: ShareNode | undefined): number {
  if (tip === undefined) return 0
  // The oldest share only marks the start of the span; the work done in the span is everyone after it.
  let work = 0n
  let oldest: ShareNode = tip
  let at: ShareNode | undefined = tip
  for (let i = 0; i < HASHRATE_SHARES && at !== undefined; i++, at = at.parent) {
    if (at !== tip) work += oldest.work
    oldest = at
  }
  const seconds = tip.timestamp - oldest.timestamp
  return seconds > 0 ? Number(work) / seconds : 0
}

/**
 * The HTTP face's read model, composed from the relay's parts: every view of the JSON API (and the
 * monitor's figures) read from the source, the share pool, the block store and pipeline, Stratum's
 * rigs and the quorum follower. It holds no state of its own beyond its start time.
 */
export class RelayReadModel implements ApiContext {
  private readonly startedAt: number
  private readonly params: ChainParams
  private readonly pool: SharePool

  constructor(private readonly init: RelayReadModelInit) {
    this.startedAt = init.startedAt ?? Date.now()
    this.params = init.params
    this.pool = init.pool
  }

  status(): StatusView {
    const { init, params, pool } = this
    const health = init.source.health()
    const t = init.source.current()
    const tip = pool.chain.tip
    return {
      poolName: init.poolName,
      network: params.name,
      isTestNetwork: params.isTestNetwork,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      source: {
        kind: init.source.kind,
        healthy: health.healthy,
        ...(health.reason !== undefined ? { reason: health.reason } : {}),
        ...(t !== undefined
          ? {
              height: t.height - 1,
              prevHash: hashToDisplayHex(t.prevHash),
              templateHeight: t.height,
              coinbaseValue: t.coinbaseValue.toString()
            }
          : {})
      },
      shareChain: {
        ...(tip !== undefined
          ? {
              height: tip.height,
              tip: hashToDisplayHex(tip.id),
              shareTarget: pool.chain.nextShareBits(tip).toString(16)
            }
          : {}),
        shares: pool.chain.size,
        windowShares: pool.rules.windowShares,
        poolHashrate: estimateHashrate(tip)
      },
      poolFee: init.poolFee,
      peers: init.peers?.peerCount() ?? 0,
      rigs: init.rigs?.rigs().filter((r) => r.online).length ?? 0,
      ...this.selfView(),
      ...(init.quorum !== undefined ? { relays: init.quorum.follower.roster.size, ...this.rosterTrustView() } : {})
    }
  }

  /** A template another relay (or we) announced, from the follower; undefined when not followed. */
  template(idHex: string): TemplateView | undefined {
    const status = this.init.quorum?.follower.templateStatus(idHex)
    const a = status?.announcement
    if (status === undefined || a === undefined) return undefined
    return {
      templateId: idHex,
      height: a.height,
      prevHash: hashToDisplayHex(a.prevHash),
      version: a.version,
      bits: a.bits.toString(16).padStart(8, '0'),
      curtime: a.curtime,
      coinbaseValue: a.coinbaseValue.toString(),
      ...(status.publisherId !== undefined ? { publisher: peerIdString(status.publisherId) } : {}),
      ...(status.signed !== undefined ? { signedTemplate: bytesToHex(status.signed) } : {}),
      quorum: quorumStatusView(status, this.viewContext())
    }
  }

  /** Our current template: as followed (with its signed announcement), else from the source alone. */
  currentTemplate(): TemplateView | undefined {
    const t = this.init.source.current()
    const idHex = this.currentTemplateId()
    if (t === undefined || idHex === undefined) return undefined
    return (
      this.template(idHex) ?? {
        templateId: idHex,
        height: t.height,
        prevHash: hashToDisplayHex(t.prevHash),
        version: t.version,
        bits: t.bits.toString(16).padStart(8, '0'),
        curtime: Math.max(t.curtime, t.mintime),
        coinbaseValue: t.coinbaseValue.toString(),
        quorum: quorumStatusView(undefined, this.viewContext())
      }
    )
  }

  async work(): Promise<WorkView | undefined> {
    const t = this.init.source.current()
    const idHex = this.currentTemplateId()
    const status = idHex === undefined ? undefined : this.init.quorum?.follower.templateStatus(idHex)
    if (t === undefined || status?.signed === undefined) return undefined
    const prevHeader = await this.init.source.headerOf(t.prevHash).catch(() => undefined)
    return {
      signedTemplate: bytesToHex(status.signed),
      attestations: status.attestations.map(bytesToHex),
      ...(prevHeader !== undefined ? { prevHeader: bytesToHex(prevHeader) } : {})
    }
  }

  async blocks(limit: number): Promise<BlockView[]> {
    const tip = this.tipHeight()
    const records = (await this.init.blocks.listBlocks(limit)).map((r) => this.withMaturity(r, tip))
    const q = this.init.quorum
    if (q === undefined) return records
    const ctx = this.viewContext()
    return records.map((r) => ({
      ...r,
      quorum: quorumStatusView(q.follower.blockStatus(bytesToHex(displayHexToHash(r.hash))), ctx)
    }))
  }

  shareChain(limit: number): ShareChainView {
    const { pool } = this
    const tip = pool.chain.tip
    const shares =
      tip === undefined
        ? []
        : [...pool.chain.ancestors(tip, limit)].map((n) => {
            const address = this.addressOf(n.payoutScript)
            return {
              id: hashToDisplayHex(n.id),
              height: n.height,
              timestamp: n.timestamp,
              payoutScript: n.payoutKey,
              ...(address !== undefined ? { payoutAddress: address } : {}),
              bits: n.bits.toString(16),
              blockHeight: n.share.info.blockHeight,
              uncles: n.uncles.map((u) => hashToDisplayHex(u.id))
            }
          })
    const basis = pool.chain.payoutBasis(tip)
    const window = basis.weights.map((w) => {
      const address = this.addressOf(w.script)
      return {
        payoutScript: w.key,
        ...(address !== undefined ? { payoutAddress: address } : {}),
        weightPpm: basis.totalWeight === 0n ? 0 : Number((w.weight * PPM) / basis.totalWeight)
      }
    })
    return { ...(tip !== undefined ? { tip: hashToDisplayHex(tip.id), height: tip.height } : {}), shares, window }
  }

  share(id: string): SharePlaceView | undefined {
    const { chain } = this.pool
    const node = chain.getById(displayHexToHash(id))
    if (node === undefined) return undefined
    // Two windows deep: past that a share no longer pays whatever its place, and the walk stays bounded.
    const found = sharePlace(chain, node, 2 * this.pool.rules.windowShares)
    return {
      id: hashToDisplayHex(node.id),
      height: node.height,
      place: found.place,
      tipHeight: chain.tip?.height ?? node.height,
      ...(found.place === 'uncle' ? { nephew: hashToDisplayHex(found.nephew.id) } : {})
    }
  }

  /** Why this relay refused the share `id` (display hex) lately: what a sender asks when its share is not held. */
  shareRefusals(id: string): ShareRefusalView[] {
    return this.pool.refusalsOf(displayHexToHash(id)).map((r) => ({ ...r, at: new Date(r.at).toISOString() }))
  }

  /** Throws AddressError for an address of another network or a typo. */
  async payouts(address: string): Promise<PayoutsView> {
    const { pool, params } = this
    const script = addressToScript(address.trim(), params.addresses)
    const key = bytesToHex(script)
    const tip = pool.chain.tip
    const basis = pool.chain.payoutBasis(tip)
    const weight = basis.weights.find((w) => w.key === key)?.weight ?? 0n
    let sharesInWindow = 0
    if (tip !== undefined)
      for (const n of pool.chain.ancestors(tip, pool.rules.windowShares)) if (n.payoutKey === key) sharesInWindow++
    const value = this.init.source.current()?.coinbaseValue ?? 0n
    const rest = value - (value * BigInt(pool.rules.finderBonusPpm)) / PPM
    const expected = basis.totalWeight === 0n ? 0n : (rest * weight) / basis.totalWeight
    // Only blocks in the best chain pay: submitted, stale, orphaned and rejected ones never do.
    const tipNow = this.tipHeight()
    let mature = 0n
    let immature = 0n
    const blocks = (
      await this.init.blocks.listBlocksByStatus(IN_CHAIN_STATUSES, { limit: PAYOUT_BLOCKS_SCANNED })
    ).flatMap((record) => {
      const amount = record.payouts.filter((p) => p.script === key).reduce((s, p) => s + BigInt(p.value), 0n)
      if (amount === 0n) return []
      const b = this.withMaturity(record, tipNow)
      if (b.status === 'confirmed') mature += amount
      else immature += amount
      return [
        {
          hash: b.hash,
          height: b.height,
          status: b.status,
          amount: amount.toString(),
          ...(b.confirmations !== undefined ? { confirmations: b.confirmations } : {}),
          maturesAtHeight: b.maturesAtHeight
        }
      ]
    })
    return {
      address: address.trim(),
      payoutScript: key,
      sharesInWindow,
      weightPpm: basis.totalWeight === 0n ? 0 : Number((weight * PPM) / basis.totalWeight),
      expectedNextBlock: expected.toString(),
      coinbaseMaturity: params.coinbaseMaturity,
      matureAmount: mature.toString(),
      immatureAmount: immature.toString(),
      blocks
    }
  }

  rigs(): RigView[] {
    return this.init.rigs?.rigs() ?? []
  }

  metrics(): MetricsSnapshot {
    const { init, pool } = this
    const t = init.source.current()
    const rigs = init.rigs?.rigs() ?? []
    const blockFigures = init.pipeline?.metrics()
    const stratumFigures = init.rigs?.metrics?.()
    return {
      t: Date.now(),
      ...(t !== undefined
        ? { blockHeight: t.height, templateAgeSeconds: Math.max(0, Math.floor((Date.now() - t.receivedAt) / 1000)) }
        : {}),
      ...(pool.chain.tip !== undefined ? { shareHeight: pool.chain.tip.height } : {}),
      sharesAccepted: pool.stats.accepted,
      sharesRejected: pool.stats.rejected,
      sharesRefused: { ...pool.refusedByReason },
      poolHashrate: estimateHashrate(pool.chain.tip),
      rigs: rigs.filter((r) => r.online).length,
      rigHashrate: rigs.reduce((s, r) => s + r.hashrateHashesPerSecond, 0),
      peers: init.peers?.peerCount() ?? 0,
      sourceHealthy: init.source.health().healthy,
      blocksFound: blockFigures?.blocksFound ?? pool.stats.blocks,
      ...(blockFigures !== undefined ? { blocks: blocksView(blockFigures) } : {}),
      ...(stratumFigures !== undefined ? { stratum: stratumView(stratumFigures) } : {}),
      ...(init.quorum !== undefined ? { quorum: quorumCounts(init.quorum.follower) } : {})
    }
  }

  /** Our peer id and addresses, once the network runs. */
  private selfView(): { peerId: string; multiaddrs: string[] } | Record<string, never> {
    const peerId = this.init.self?.peerId()
    return this.init.self === undefined || peerId === undefined
      ? {}
      : { peerId, multiaddrs: this.init.self.multiaddrs() }
  }

  private addressOf(script: Uint8Array): string | undefined {
    return scriptToAddress(script, this.params.addresses)
  }

  private viewContext(): QuorumViewContext {
    const q = this.init.quorum
    if (q === undefined)
      return { minAttesters: 0, weightedRelays: 0, self: new Uint8Array(0), peerIdOf: () => undefined }
    return {
      minAttesters: q.minAttesters,
      weightedRelays: q.follower.follower.weightedRelays(),
      self: q.self,
      peerIdOf: (key) => q.follower.roster.peerIdOf(key)
    }
  }

  /** /status's trust: our current template's, else the roster's. */
  private rosterTrustView(): { trust: TrustLevel; trustWords: string } {
    const idHex = this.currentTemplateId()
    const view = quorumStatusView(
      idHex === undefined ? undefined : this.init.quorum?.follower.templateStatus(idHex),
      this.viewContext()
    )
    return { trust: view.trust, trustWords: view.trustWords }
  }

  private currentTemplateId(): string | undefined {
    const t = this.init.source.current()
    return t === undefined ? undefined : bytesToHex(templateId(announce(t, this.pool.rules.networkTag)))
  }

  /** Tip height now: the pipeline's, else the template's parent. */
  private tipHeight(): number | undefined {
    const tip = this.init.pipeline?.tip()
    if (tip !== undefined) return tip.height
    const t = this.init.source.current()
    return t === undefined ? undefined : t.height - 1
  }

  /** A record with live confirmations while in the best chain, and the height its coinbase matures at. */
  private withMaturity(r: FoundBlockRecord, tip = this.tipHeight()): FoundBlockRecord & { maturesAtHeight: number } {
    const { confirmations: _stored, ...rest } = r
    const inChain = IN_CHAIN_STATUSES.includes(r.status)
    const live = inChain && tip !== undefined && tip >= r.height ? tip - r.height + 1 : undefined
    return {
      ...rest,
      ...(live !== undefined ? { confirmations: live } : {}),
      maturesAtHeight: r.height + this.params.coinbaseMaturity - 1
    }
  }
}

function blocksView(m: BlockPipelineMetrics): NonNullable<MetricsSnapshot['blocks']> {
  return {
    candidates: m.candidates,
    submitCalls: m.submitCalls,
    submitRetries: m.submitRetries,
    staleUnsent: m.staleUnsent,
    queued: m.queued,
    daemonCallsInFlight: m.daemonCallsInFlight,
    byStatus: m.byStatus
  }
}

function stratumView(m: StratumMetrics): NonNullable<MetricsSnapshot['stratum']> {
  const c = m.counters
  return {
    connections: m.connections,
    authorized: m.authorized,
    acceptedPseudoShares: c.accepted,
    rejectedPseudoShares: { ...c.rejected },
    acceptedOnStaleTip: c.acceptedOnStaleTip,
    sharesFound: c.sharesFound,
    staleShares: c.staleShares,
    blockCandidates: c.blocksFound,
    connectionsAccepted: m.network.accepted,
    connectionsRefused: { ...m.network.refused },
    connectionsDropped: { ...m.network.dropped },
    bans: m.network.bans,
    sinkErrors: c.sinkErrors
  }
}

function quorumCounts(q: RelayQuorum): NonNullable<MetricsSnapshot['quorum']> {
  const c = q.follower.counts()
  return {
    templatesConfirmed: c.template.confirmed,
    templatesUnconfirmed: c.template.unconfirmed,
    blocksConfirmed: c.block.confirmed,
    blocksUnconfirmed: c.block.unconfirmed,
    relays: q.roster.size
  }
}
