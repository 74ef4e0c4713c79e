// What a run measured: orphan and uncle rates on the final best chain, share spread times, bandwidth,
// template-quorum confirmation times, and whether every peer's ledger agrees on payouts once quiet.
import { bytesToHex } from '@otedama/shared/primitives'
import type { ShareNode } from '@otedama/shared/sharechain'
import type { Simulation } from './simulator'

export interface SimReport {
  peers: number
  relays: number
  miners: number
  simulatedSeconds: number
  shareIntervalSeconds: number
  sharesFound: number
  /** Sum of the miners' real (unscaled) hashrates, H/s. */
  poolHashrate: number
  /** Miners that found at least one share, and the fraction of shares found in browser tabs. */
  minersWithShares: number
  browserShareFraction: number
  /** Shares neither on the final best chain nor named as uncles by it (work lost), over all found. */
  orphanRate: number
  /** Shares named as uncles by the final best chain, over all found. */
  uncleRate: number
  /** Shares off the final best chain (orphans and uncles: every share that lost a race), over all found. */
  staleRate: number
  /** Seconds until SPREAD_FRACTION of the peers online at its finding held a share (shares that got there). */
  spreadP50Seconds: number
  spreadP95Seconds: number
  /** Shares that reached SPREAD_FRACTION of peers. */
  spreadShares: number
  /** Mean bytes per second per peer, in and out (shares, duplicates, IHAVE, attestations, sync), and a relay's out. */
  bytesInPerPeerPerSecond: number
  bytesOutPerPeerPerSecond: number
  relayBytesOutPerSecond: number
  browserBytesOutPerSecond: number
  /** Template-quorum confirmation delay over (template, peer online at its announcement). */
  quorumP50Seconds: number
  quorumP95Seconds: number
  /** Fraction of (template, peer) pairs that confirmed. */
  quorumConfirmedFraction: number
  /** Online peers whose tip and payouts at the tip equal the majority's, over online peers, when quiet. */
  ledgerAgreement: number
  onlinePeers: number
  fetches: number
  staleIgnored: number
  duplicates: number
  joins: number
  hashesGround: number
  rejected: number
  /** Hex of the payout outputs at the majority tip (a digest of the run, for determinism checks). */
  payoutsAtTip: string
  tipHeight: number
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

export function summarize(sim: Simulation): SimReport {
  const online = sim.peers.filter((p) => p.online)
  const tipCount = new Map<string, number>()
  for (const p of online) {
    const key = p.chain.tip?.key ?? ''
    tipCount.set(key, (tipCount.get(key) ?? 0) + 1)
  }
  let majorityKey = ''
  let best = -1
  for (const [key, n] of tipCount) if (n > best) [majorityKey, best] = [key, n]
  const holder = online.find((p) => p.chain.tip?.key === majorityKey)
  const tip = holder?.chain.tip
  const main = new Set<string>()
  const uncles = new Set<string>()
  for (let n: ShareNode | undefined = tip; n; n = n.parent) {
    main.add(n.key)
    for (const u of n.uncles) uncles.add(u.key)
  }
  const found = sim.shares.length
  let orphans = 0
  let uncled = 0
  for (const s of sim.shares) {
    if (main.has(s.key)) continue
    if (uncles.has(s.key)) uncled++
    else orphans++
  }
  const referenceScript = Uint8Array.from({ length: 22 }, (_, i) => (i === 1 ? 0x14 : 0))
  const payoutsOf = (p: (typeof online)[number]): string => {
    const t = p.chain.tip
    return t ? bytesToHex(p.chain.payouts(t, sim.shares[0]?.share.info.coinbaseValue ?? 0n, referenceScript).bytes) : ''
  }
  const reference = holder ? payoutsOf(holder) : ''
  let agreeing = 0
  for (const p of online) if (p.chain.tip?.key === majorityKey && payoutsOf(p) === reference) agreeing++

  const spread = sim.shares
    .map((s) => s.spreadSeconds)
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b)
  const confirm = sim.templates.flatMap((t) => t.confirmSeconds).sort((a, b) => a - b)
  const pairs = sim.templates.reduce((n, t) => n + t.online.size, 0)
  const seconds = sim.config.durationSeconds
  const n = sim.peers.length
  let inBytes = sim.counters.ihaveBytes
  let outBytes = 0
  let relayOut = 0
  let browserOut = 0
  for (const p of sim.peers) {
    inBytes += p.bytesIn
    outBytes += p.bytesOut
    if (p.kind === 'relay') relayOut += p.bytesOut
    else browserOut += p.bytesOut
  }
  return {
    peers: n,
    relays: sim.relays.length,
    miners: sim.miners.length,
    simulatedSeconds: seconds,
    shareIntervalSeconds: sim.config.shareIntervalSeconds,
    sharesFound: found,
    poolHashrate: sim.miners.reduce((sum, m) => sum + m.hashrate, 0),
    minersWithShares: sim.miners.filter((m) => m.found > 0).length,
    browserShareFraction: found
      ? sim.shares.filter((s) => sim.miners[s.miner].scriptSigTag === undefined).length / found
      : 0,
    orphanRate: found ? orphans / found : 0,
    uncleRate: found ? uncled / found : 0,
    staleRate: found ? (orphans + uncled) / found : 0,
    spreadP50Seconds: quantile(spread, 0.5),
    spreadP95Seconds: quantile(spread, 0.95),
    spreadShares: spread.length,
    bytesInPerPeerPerSecond: inBytes / (n * seconds),
    bytesOutPerPeerPerSecond: outBytes / (n * seconds),
    relayBytesOutPerSecond: relayOut / (sim.relays.length * seconds),
    browserBytesOutPerSecond: browserOut / (sim.browsers.length * seconds),
    quorumP50Seconds: quantile(confirm, 0.5),
    quorumP95Seconds: quantile(confirm, 0.95),
    quorumConfirmedFraction: pairs ? confirm.length / pairs : 0,
    ledgerAgreement: online.length ? agreeing / online.length : 0,
    onlinePeers: online.length,
    fetches: sim.counters.fetches,
    staleIgnored: sim.counters.staleIgnored,
    duplicates: sim.counters.duplicates,
    joins: sim.counters.joins,
    hashesGround: sim.counters.hashes,
    rejected: sim.counters.rejected,
    payoutsAtTip: reference,
    tipHeight: tip?.height ?? -1
  }
}
