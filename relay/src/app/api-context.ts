import { base58 } from '@scure/base'
import { addressToScript, scriptToAddress } from '../../../shared/src/address'
import type { ChainParams } from '../../../shared/src/chain/params'
import { bytesToHex } from '../../../shared/src/primitives/bytes'
import { displayHexToHash, hashToDisplayHex } from '../../../shared/src/primitives/header'
import type { SubjectStatus } from '../../../shared/src/quorum'
import { PPM } from '../../../shared/src/sharechain/constants'
import type { ShareNode } from '../../../shared/src/sharechain/node'
import { templateId } from '../../../shared/src/sharechain/template'
import type { ApiContext, BlockView, MetricsSnapshot, PayoutsView, QuorumStatusView, RigView, ShareChainView, StatusView, TemplateView, WorkView } from '../http/views'
import type { RelayQuorum } from '../quorum/follow'
import { announce } from '../work/template-book'
import type { BlockRecordStore } from '../store/records'
import type { TemplateSource } from '../template/types'
import type { SharePool } from '../work/pool'

/** Shares the pool hashrate is estimated over (count). */
export const HASHRATE_SHARES = 100
/** Blocks scanned for an address's payouts (count). */
export const PAYOUT_BLOCKS_SCANNED = 1000

/** Stratum's rigs (F's server implements it). */
export interface RigSource {
  rigs: () => RigView[]
}

/** libp2p's peer count (E's node implements it). */
export interface PeerSource {
  peerCount: () => number
}

export interface ApiContextInit {
  params: ChainParams
  poolName: string
  poolFee: number
  source: TemplateSource
  pool: SharePool
  blocks: BlockRecordStore
  rigs?: RigSource
  peers?: PeerSource
  /** Our libp2p identity, when the network runs. */
  self?: { peerId: string, multiaddrs: () => string[] }
  /** The quorum follower, when the network runs; `minAttesters` from optimization.validation.minValidators. */
  quorum?: { follower: RelayQuorum, minAttesters: number }
  startedAt?: number
}

/** A libp2p peer id string from peer id bytes (base58btc of the multihash, as libp2p prints it). */
export function peerIdString (peerIdBytes: Uint8Array): string {
  return base58.encode(peerIdBytes)
}

/** A follower's tally as the API shows it; an empty, unconfirmed quorum when nothing is tallied. */
export function quorumStatusView (status: SubjectStatus | undefined, minAttesters: number): QuorumStatusView {
  if (status === undefined) return { committee: [], minAttesters, attestations: [], totalWeight: 0, weightByClaim: {}, confirmed: false }
  return {
    committee: status.committee.map(peerIdString),
    minAttesters,
    attestations: status.votes.map((v) => ({ attester: peerIdString(v.attesterId), claim: v.claim, time: v.time, weight: v.weight, member: v.member })),
    totalWeight: status.totalWeight,
    weightByClaim: status.weightByClaim,
    confirmed: status.confirmed !== undefined,
    ...(status.confirmed !== undefined ? { claim: status.confirmed } : {})
  }
}

/** Pool hashrate from share work over the span of the last HASHRATE_SHARES share timestamps (H/s). */
export function estimateHashrate (tip: ShareNode | undefined): number {
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

/** The HTTP face's read model, composed from the relay's parts. */
export function createApiContext (init: ApiContextInit): ApiContext {
  const startedAt = init.startedAt ?? Date.now()
  const { params, pool } = init
  const addressOf = (script: Uint8Array): string | undefined => scriptToAddress(script, params.addresses)

  const status = (): StatusView => {
    const health = init.source.health()
    const t = init.source.current()
    const tip = pool.chain.tip
    return {
      poolName: init.poolName,
      network: params.name,
      isTestNetwork: params.isTestNetwork,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      source: {
        kind: init.source.kind,
        healthy: health.healthy,
        ...(health.reason !== undefined ? { reason: health.reason } : {}),
        ...(t !== undefined ? { height: t.height, prevHash: hashToDisplayHex(t.prevHash), coinbaseValue: t.coinbaseValue.toString() } : {})
      },
      shareChain: {
        ...(tip !== undefined ? { height: tip.height, tip: hashToDisplayHex(tip.id), shareTarget: pool.chain.nextShareBits(tip).toString(16) } : {}),
        shares: pool.chain.size,
        windowShares: pool.rules.windowShares,
        poolHashrate: estimateHashrate(tip)
      },
      poolFee: init.poolFee,
      peers: init.peers?.peerCount() ?? 0,
      rigs: init.rigs?.rigs().length ?? 0,
      ...(init.self !== undefined ? { peerId: init.self.peerId, multiaddrs: init.self.multiaddrs() } : {}),
      ...(init.quorum !== undefined ? { relays: init.quorum.follower.roster.size } : {})
    }
  }

  const currentTemplateId = (): string | undefined => {
    const t = init.source.current()
    return t === undefined ? undefined : bytesToHex(templateId(announce(t, pool.rules.networkTag)))
  }

  /** A template another relay (or we) announced, from the follower; undefined when not followed. */
  const template = (idHex: string): TemplateView | undefined => {
    const status = init.quorum?.follower.templateStatus(idHex)
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
      quorum: quorumStatusView(status, init.quorum?.minAttesters ?? 0)
    }
  }

  /** Our current template: as followed (with its signed announcement), else from the source alone. */
  const currentTemplate = (): TemplateView | undefined => {
    const t = init.source.current()
    const idHex = currentTemplateId()
    if (t === undefined || idHex === undefined) return undefined
    return template(idHex) ?? {
      templateId: idHex,
      height: t.height,
      prevHash: hashToDisplayHex(t.prevHash),
      version: t.version,
      bits: t.bits.toString(16).padStart(8, '0'),
      curtime: Math.max(t.curtime, t.mintime),
      coinbaseValue: t.coinbaseValue.toString(),
      quorum: quorumStatusView(undefined, init.quorum?.minAttesters ?? 0)
    }
  }

  const work = async (): Promise<WorkView | undefined> => {
    const t = init.source.current()
    const idHex = currentTemplateId()
    const status = idHex === undefined ? undefined : init.quorum?.follower.templateStatus(idHex)
    if (t === undefined || status?.signed === undefined) return undefined
    const prevHeader = await init.source.headerOf(t.prevHash).catch(() => undefined)
    return { signedTemplate: bytesToHex(status.signed), attestations: status.attestations.map(bytesToHex), ...(prevHeader !== undefined ? { prevHeader: bytesToHex(prevHeader) } : {}) }
  }

  const blocks = async (limit: number): Promise<BlockView[]> => {
    const records = await init.blocks.listBlocks(limit)
    const q = init.quorum
    if (q === undefined) return records
    return records.map((r) => ({ ...r, quorum: quorumStatusView(q.follower.blockStatus(bytesToHex(displayHexToHash(r.hash))), q.minAttesters) }))
  }

  const shareChain = (limit: number): ShareChainView => {
    const tip = pool.chain.tip
    const shares = tip === undefined ? [] : [...pool.chain.ancestors(tip, limit)].map((n) => {
      const address = addressOf(n.payoutScript)
      return {
        id: hashToDisplayHex(n.id), height: n.height, timestamp: n.timestamp, payoutScript: n.payoutKey,
        ...(address !== undefined ? { payoutAddress: address } : {}), bits: n.bits.toString(16), blockHeight: n.share.info.blockHeight
      }
    })
    const basis = pool.chain.payoutBasis(tip)
    const window = basis.weights.map((w) => {
      const address = addressOf(w.script)
      return { payoutScript: w.key, ...(address !== undefined ? { payoutAddress: address } : {}), weightPpm: basis.totalWeight === 0n ? 0 : Number((w.weight * PPM) / basis.totalWeight) }
    })
    return { ...(tip !== undefined ? { tip: hashToDisplayHex(tip.id), height: tip.height } : {}), shares, window }
  }

  const payouts = async (address: string): Promise<PayoutsView> => {
    const script = addressToScript(address.trim(), params.addresses)
    const key = bytesToHex(script)
    const tip = pool.chain.tip
    const basis = pool.chain.payoutBasis(tip)
    const weight = basis.weights.find((w) => w.key === key)?.weight ?? 0n
    let sharesInWindow = 0
    if (tip !== undefined) for (const n of pool.chain.ancestors(tip, pool.rules.windowShares)) if (n.payoutKey === key) sharesInWindow++
    const value = init.source.current()?.coinbaseValue ?? 0n
    const rest = value - (value * BigInt(pool.rules.finderBonusPpm)) / PPM
    const expected = basis.totalWeight === 0n ? 0n : (rest * weight) / basis.totalWeight
    const blocks = (await init.blocks.listBlocks(PAYOUT_BLOCKS_SCANNED)).flatMap((b) => {
      const amount = b.payouts.filter((p) => p.script === key).reduce((s, p) => s + BigInt(p.value), 0n)
      return amount > 0n ? [{ hash: b.hash, height: b.height, status: b.status, amount: amount.toString() }] : []
    })
    return {
      address: address.trim(), payoutScript: key, sharesInWindow,
      weightPpm: basis.totalWeight === 0n ? 0 : Number((weight * PPM) / basis.totalWeight),
      expectedNextBlock: expected.toString(), blocks
    }
  }

  const metrics = (): MetricsSnapshot => {
    const t = init.source.current()
    const rigs = init.rigs?.rigs() ?? []
    return {
      t: Date.now(),
      ...(t !== undefined ? { blockHeight: t.height, templateAgeSeconds: Math.max(0, Math.floor((Date.now() - t.receivedAt) / 1000)) } : {}),
      ...(pool.chain.tip !== undefined ? { shareHeight: pool.chain.tip.height } : {}),
      sharesAccepted: pool.stats.accepted,
      sharesRejected: pool.stats.rejected,
      poolHashrate: estimateHashrate(pool.chain.tip),
      rigs: rigs.length,
      rigHashrate: rigs.reduce((s, r) => s + r.hashrate, 0),
      peers: init.peers?.peerCount() ?? 0,
      sourceHealthy: init.source.health().healthy,
      blocksFound: pool.stats.blocks,
      ...(init.quorum !== undefined ? { quorum: quorumCounts(init.quorum.follower) } : {})
    }
  }

  return { status, shareChain, payouts, blocks, rigs: () => init.rigs?.rigs() ?? [], metrics, currentTemplate, template, work }
}

function quorumCounts (q: RelayQuorum): NonNullable<MetricsSnapshot['quorum']> {
  const c = q.follower.counts()
  return {
    templatesConfirmed: c.template.confirmed,
    templatesUnconfirmed: c.template.unconfirmed,
    blocksConfirmed: c.block.confirmed,
    blocksUnconfirmed: c.block.unconfirmed,
    relays: q.roster.size
  }
}
