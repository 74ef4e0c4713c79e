// The deterministic simulator: N peers on virtual time, each holding its own ShareChain (its own view,
// tip and fork choice), mining on that view, gossiping shares and attestations over gossipsub meshes,
// with churn. See sim/README.md for what is real, what is modelled and what is shared between peers.
import { getChainParams, withShareChainConstants } from '@otedama/shared/chain'
import { bytesToHex, bitsToTarget, targetToBits, targetToWork } from '@otedama/shared/primitives'
import {
  ShareChain,
  ShareLedger,
  shareChainRules,
  shareTargetForHashrate,
  templateId as templateIdOf,
  isZeroHash,
  type Share,
  type ShareChainRules,
  type TemplateAnnouncement
} from '@otedama/shared/sharechain'
import {
  MIN_COMMITTEE_SIZE,
  committeeSeed,
  relayBindingTag,
  relayKeyHex,
  selectCommittee,
  tallyVotes,
  windowRelayWeights
} from '@otedama/shared/quorum'
import {
  ATTESTATION_BYTES,
  GOSSIPSUB_D_LAZY,
  GOSSIPSUB_D_LO,
  GOSSIPSUB_HISTORY_GOSSIP_HEARTBEATS,
  GOSSIPSUB_IDONTWANT_MIN_BYTES,
  IHAVE_ENTRY_BYTES,
  RPC_OVERHEAD_BYTES,
  SYNC_REQUEST_BYTES,
  relayCount,
  type PeerKind,
  type SimConfig
} from './config'
import { EventQueue } from './event-queue'
import { mineShare, type SimMiner } from './mining'
import { LinkModel, SeenTimes, connect, disconnect, meshBrowser, meshRelays, type SimPeer } from './network'
import { Prng } from './prng'
import { RateTree } from './rates'
import { summarize, type SimReport } from './report'

/** Virtual second 0 as unix time (shares carry real-looking timestamps). */
const SIM_EPOCH_UNIX = 1_900_000_000
/** The total find rate is redrawn when it moved this fraction since the last draw (exact: Poisson is memoryless). */
const RATE_REDRAW_FRACTION = 0.01
/** Simulated seconds between progress calls. */
const PROGRESS_SECONDS = 300
/** A peer counts a share as spread when this fraction of the peers online at its finding hold it. */
export const SPREAD_FRACTION = 0.95
/** Height of the block the template builds on (any; the header chain is anchored just below). */
const TEMPLATE_HEIGHT = 1000
/** Coinbase merkle branch steps of the template (a typical block: sharechain README's 612-byte share). */
const TEMPLATE_BRANCH_STEPS = 11
const COINBASE_VALUE = 50n * 100_000_000n
/** One P2WPKH payout script: OP_0 PUSH20 <20 bytes>. */
const P2WPKH_PREFIX = [0x00, 0x14]
/** A peer's pending duplicates (four numbers each) are compacted when they reach this many numbers. */
const PENDING_COMPACT_AT = 256

type SimEvent =
  | { k: 'find'; gen: number }
  | { k: 'share'; to: number; gen: number; from: number; share: number; live: boolean }
  | { k: 'validated'; to: number; gen: number; from: number; share: number; live: boolean }
  | { k: 'fetch'; to: number; gen: number; requester: number; requesterGen: number; share: number }
  | { k: 'churn' }
  | { k: 'template' }
  | { k: 'attest'; member: number; template: number }
  | { k: 'attestation'; to: number; gen: number; from: number; attestation: number }

export interface SimShare {
  key: string
  /** Hex keys of its parent (undefined for a first share) and of the uncles it names. */
  parentKey: string | undefined
  uncleKeys: string[]
  id: Uint8Array
  share: Share
  bytes: Uint8Array
  foundAt: number
  miner: number
  onlineAtFound: number
  reached: number
  spreadSeconds: number | undefined
}

export interface SimTemplate {
  announcedAt: number
  prevHash: Uint8Array
  /** Peers online when it was announced, and each one's confirmation delay (seconds). */
  online: Set<number>
  confirmSeconds: number[]
  unconfirmable: number
}

export interface SimAttestation {
  template: number
  relayKey: string
  time: number
}

export class Simulation {
  readonly rules: ShareChainRules
  readonly queue = new EventQueue<SimEvent>()
  readonly peers: SimPeer[] = []
  readonly relays: number[] = []
  readonly browsers: number[] = []
  readonly miners: SimMiner[] = []
  readonly shares: SimShare[] = []
  readonly templates: SimTemplate[] = []
  readonly attestations: SimAttestation[] = []
  private readonly byKey = new Map<string, number>()
  private readonly rng: Prng
  private readonly rngLinks: Prng
  private readonly rngMine: Prng
  private readonly links: LinkModel
  private readonly rates: RateTree
  private readonly oracle: ShareLedger
  private readonly template: TemplateAnnouncement
  private readonly templateId: Uint8Array
  private readonly relayIds: Uint8Array[] = []
  /** Committees by tip key, then template index. */
  private readonly committees = new Map<
    string,
    Map<number, { members: string[]; weights: ReadonlyMap<string, bigint> }>
  >()
  private findGen = 0
  private drawnTotal = 0
  private mining = true
  readonly counters = {
    hashes: 0,
    rejected: 0,
    fetches: 0,
    duplicates: 0,
    ihaveBytes: 0,
    joins: 0,
    leaves: 0,
    staleIgnored: 0
  }

  constructor(readonly config: SimConfig) {
    this.rng = new Prng(config.seed)
    this.rngLinks = this.rng.fork()
    this.rngMine = this.rng.fork()
    this.links = new LinkModel(config, this.rngLinks)
    const nRelays = relayCount(config.peers)
    const rawMiners = this.drawHashrates(config.peers - nRelays)
    const poolHashrate = rawMiners.reduce((s, m) => s + m.hashrate, 0)
    // Scale: the whole pool finds a share per interval at scaledHashesPerShare hashes.
    const scale = config.scaledHashesPerShare / config.shareIntervalSeconds / poolHashrate
    // The floor sits 16x below a steady-state share, so the retarget, not the floor, sets the target.
    const minShareTarget = bitsToTarget(
      targetToBits((1n << 256n) / BigInt(Math.max(1, Math.floor(config.scaledHashesPerShare / 16))) - 1n)
    )
    const params = withShareChainConstants(getChainParams('devnet'), {
      shareIntervalSeconds: config.shareIntervalSeconds,
      windowShares: config.windowShares,
      maxUncleDepth: config.maxUncleDepth,
      minShareTarget
    })
    this.rules = shareChainRules(params)
    const checkpoint = this.rng.bytes(32)
    this.template = {
      networkTag: this.rules.networkTag,
      prevHash: checkpoint,
      height: TEMPLATE_HEIGHT + 1,
      version: 0x20000000,
      bits: 0x1e00ffff,
      curtime: SIM_EPOCH_UNIX,
      coinbaseValue: COINBASE_VALUE,
      witnessCommitment: undefined,
      merkleBranch: Array.from({ length: TEMPLATE_BRANCH_STEPS }, () => this.rng.bytes(32))
    }
    this.templateId = templateIdOf(this.template)
    const tplKey = bytesToHex(this.templateId)
    this.oracle = new ShareLedger({
      rules: this.rules,
      powLimit: params.powLimit,
      templates: (id) => (id === tplKey ? this.template : undefined),
      now: () => this.unixNow()
    })
    this.oracle.anchor({ hash: checkpoint, height: TEMPLATE_HEIGHT })
    for (let i = 0; i < config.peers; i++) this.peers.push(this.newPeer(i, i < nRelays ? 'relay' : 'browser'))
    for (let i = 0; i < nRelays; i++) {
      this.relays.push(i)
      this.relayIds.push(this.rng.bytes(38))
    }
    for (let i = nRelays; i < config.peers; i++) this.browsers.push(i)
    meshRelays(this.peers, this.relays, this.links, this.rngLinks)
    for (const b of this.browsers) meshBrowser(this.peers, b, this.relays, this.browsers, this.links, this.rngLinks)
    let rigNo = 0
    let browserNo = 0
    for (const m of rawMiners) {
      const peer = m.rig ? this.relays[rigNo++ % nRelays] : this.browsers[browserNo++]
      this.miners.push(
        this.newMiner(
          this.miners.length,
          peer,
          m.hashrate,
          m.hashrate * scale,
          m.rig ? relayBindingTag(this.relayIds[peer]) : undefined
        )
      )
    }
    this.rates = new RateTree(this.miners.length)
    for (const m of this.miners) this.updateRate(m)
  }

  get now(): number {
    return this.queue.now
  }

  unixNow(): number {
    return SIM_EPOCH_UNIX + Math.floor(this.queue.now)
  }

  /** Runs the mining period, then lets the network go quiet (every message delivered); `progress` hears each simulated PROGRESS_SECONDS. */
  run(progress?: (simulatedSeconds: number) => void): SimReport {
    const c = this.config
    let nextProgress = PROGRESS_SECONDS
    this.scheduleFind()
    if (c.meanSessionSeconds > 0)
      this.queue.at(this.rng.exponential(this.browsers.length / c.meanSessionSeconds), { k: 'churn' })
    this.queue.at(c.templateIntervalSeconds / 2, { k: 'template' })
    for (let e = this.queue.pop(); e; e = this.queue.pop()) {
      if (this.mining && this.queue.now >= c.durationSeconds) this.mining = false
      if (progress && this.queue.now >= nextProgress) {
        progress(nextProgress)
        nextProgress += PROGRESS_SECONDS
      }
      this.handle(e)
    }
    return summarize(this)
  }

  private handle(e: SimEvent): void {
    switch (e.k) {
      case 'find':
        if (e.gen === this.findGen && this.mining) this.find()
        return
      case 'share':
        return this.arrive(e.to, e.gen, e.from, e.share, e.live)
      case 'validated':
        if (this.peers[e.to].generation === e.gen && this.peers[e.to].online) this.accept(e.to, e.from, e.share, e.live)
        return
      case 'fetch':
        if (this.peers[e.to].generation === e.gen && this.peers[e.to].online) {
          const bytes = this.shares[e.share].bytes.length + SYNC_REQUEST_BYTES
          this.send(e.to, e.requester, bytes, {
            k: 'share',
            to: e.requester,
            gen: e.requesterGen,
            from: e.to,
            share: e.share,
            live: false
          })
        }
        return
      case 'churn':
        if (!this.mining) return
        this.churn()
        this.queue.at(this.now + this.rng.exponential(this.browsers.length / this.config.meanSessionSeconds), {
          k: 'churn'
        })
        return
      case 'template':
        if (!this.mining) return
        this.announceTemplate()
        this.queue.at(this.now + this.config.templateIntervalSeconds, { k: 'template' })
        return
      case 'attest':
        return this.attest(e.member, e.template)
      case 'attestation':
        return this.receiveAttestation(e.to, e.gen, e.from, e.attestation)
    }
  }

  // --- mining -------------------------------------------------------------------------------------

  private scheduleFind(): void {
    this.findGen++
    this.drawnTotal = this.rates.total
    if (this.rates.total > 0)
      this.queue.at(this.now + this.rngMine.exponential(this.rates.total), { k: 'find', gen: this.findGen })
  }

  /** A miner's find rate on its view's tip: its scaled hashrate over the work of its job's target. */
  private updateRate(m: SimMiner): void {
    const peer = this.peers[m.peer]
    if (!peer.online) return this.rates.set(m.index, 0)
    const chain = peer.chain
    const required = chain.requiredShareTarget(chain.tip)
    // ownShareBits(required, own): the miner's own bits where its own target is harder, else the
    // required target's bits, which are the tip's nextShareBits (canonical bits round-trip exactly).
    const own = m.ownShareTarget
    const bits = own !== undefined && own > 0n && own < required ? m.ownShareBits : chain.nextShareBits(chain.tip)
    this.rates.set(m.index, m.scaledHashrate / this.workOfBits(bits))
    if (this.mining && Math.abs(this.rates.total - this.drawnTotal) > RATE_REDRAW_FRACTION * this.drawnTotal)
      this.scheduleFind()
  }

  private readonly workByBits = new Map<number, number>()

  /** The work of a share target's compact bits, as a number (the rate model's divisor), remembered per bits. */
  private workOfBits(bits: number): number {
    let work = this.workByBits.get(bits)
    if (work === undefined) this.workByBits.set(bits, (work = Number(targetToWork(bitsToTarget(bits)))))
    return work
  }

  private find(): void {
    const m = this.miners[this.rates.find(this.rngMine.next() * this.rates.total)]
    const peer = this.peers[m.peer]
    const { bytes, hashes } = mineShare(peer.chain, m, this.template, this.templateId, this.unixNow(), this.rngMine)
    this.counters.hashes += hashes
    m.found++
    // The real validation, once per distinct share (README: what is shared between peers).
    const verdict = this.oracle.add(bytes, 'synced', 'sim')
    if (verdict.verdict.kind !== 'accept' || verdict.id === undefined || verdict.share === undefined) {
      this.counters.rejected++
    } else {
      const index = this.shares.length
      const key = bytesToHex(verdict.id)
      const info = verdict.share.info
      this.shares.push({
        key,
        parentKey: isZeroHash(info.prevShareId) ? undefined : bytesToHex(info.prevShareId),
        uncleKeys: info.uncles.map((u) => bytesToHex(u)),
        id: verdict.id,
        share: verdict.share,
        bytes,
        foundAt: this.now,
        miner: m.index,
        onlineAtFound: this.onlineCount(),
        reached: 0,
        spreadSeconds: undefined
      })
      this.byKey.set(key, index)
      peer.seen.set(index, this.now)
      this.accept(m.peer, -1, index, true)
    }
    this.scheduleFind()
  }

  // --- gossip ----------------------------------------------------------------------------------------

  private send(from: number, to: number, bytes: number, event: SimEvent): void {
    this.queue.at(this.transmit(from, to, bytes), event)
  }

  /** A message of `bytes` leaves `from`'s uplink for `to`: the uplink's queue, the link's delay and loss; returns its arrival time. */
  private transmit(from: number, to: number, bytes: number): number {
    const a = this.peers[from]
    const b = this.peers[to]
    const delay = a.mesh.get(to) ?? this.links.drawDelay(a.kind, b.kind)
    const departs = Math.max(this.now, a.uplinkFreeAt) + bytes / this.config.uplinkBytesPerSecond[a.kind]
    a.uplinkFreeAt = departs
    a.bytesOut += bytes
    return Math.max(this.now, departs + delay + this.links.lossDelay(a.kind, b.kind, bytes))
  }

  /**
   * A gossip message (share or attestation) sent to a peer that already holds it: on arrival that peer
   * only counts its bytes (and, for a share, a duplicate), since `seen` is never cleared. Those counts
   * are taken now instead of queueing the message (most of a mesh's traffic is such duplicates), with
   * the sequence number the queued event would have had; if the peer leaves before the arrival, churn
   * takes them back (Simulation.forgetDuplicates), so every figure is what the queued event would give.
   */
  private deliverDuplicate(p: SimPeer, arrival: number, bytes: number, share: boolean): void {
    const seq = this.queue.reserveSeq()
    p.bytesIn += bytes
    if (share) this.counters.duplicates++
    const pending = p.pendingDuplicates
    if (pending.length >= PENDING_COMPACT_AT) {
      // Drop what has arrived by now (at an earlier time, or at this time earlier in the queue).
      let kept = 0
      for (let i = 0; i < pending.length; i += 4) {
        const t = pending[i]
        if (t < this.now || (t === this.now && pending[i + 1] < this.queue.nowSeq)) continue
        for (let j = 0; j < 4; j++) pending[kept + j] = pending[i + j]
        kept += 4
      }
      pending.length = kept
    }
    pending.push(arrival, seq, bytes, share ? 1 : 0)
  }

  /** A leaving peer takes back the duplicates counted for it that would arrive after now (deliverDuplicate). */
  private forgetDuplicates(p: SimPeer): void {
    const pending = p.pendingDuplicates
    for (let i = 0; i < pending.length; i += 4) {
      const t = pending[i]
      if (t < this.now || (t === this.now && pending[i + 1] < this.queue.nowSeq)) continue
      p.bytesIn -= pending[i + 2]
      if (pending[i + 3] === 1) this.counters.duplicates--
    }
    pending.length = 0
  }

  /**
   * gossipsub 1.2 IDONTWANT: a browser that received a message of at least GOSSIPSUB_IDONTWANT_MIN_BYTES
   * tells its mesh at once; a sender that has heard it skips that peer. Relays never send it
   * (relay/src/p2p/relay-node.ts RELAY_IDONTWANT_MIN_DATA_BYTES), so they still get duplicates.
   */
  private toldDontWant(q: number, share: number, delay: number): boolean {
    const peer = this.peers[q]
    if (peer.kind !== 'browser' || this.shares[share].bytes.length < GOSSIPSUB_IDONTWANT_MIN_BYTES) return false
    const seenAt = peer.seen.get(share)
    return seenAt !== undefined && seenAt + delay <= this.now
  }

  private arrive(to: number, gen: number, from: number, share: number, live: boolean): void {
    const p = this.peers[to]
    if (p.generation !== gen || !p.online) return
    p.bytesIn += this.shares[share].bytes.length + RPC_OVERHEAD_BYTES
    // A fetched share (live false) is taken even when seen: we may have ignored it as a stale side branch.
    if (live && p.seen.has(share)) {
      this.counters.duplicates++
      return
    }
    p.seen.set(share, this.now)
    if (p.kind === 'browser' && this.shares[share].bytes.length >= GOSSIPSUB_IDONTWANT_MIN_BYTES)
      p.bytesOut += p.mesh.size * IHAVE_ENTRY_BYTES
    this.queue.at(this.now + this.config.validationSeconds[p.kind], { k: 'validated', to, gen, from, share, live })
  }

  /**
   * A validated share joins this peer's own chain, after the checks that depend on the peer's view
   * (missing parent or uncle: fetch it from the sender; live side-branch bounds, as validator.ts does).
   */
  private accept(to: number, from: number, index: number, live: boolean): void {
    const p = this.peers[to]
    const s = this.shares[index]
    const chain = p.chain
    if (chain.has(s.key)) return
    const info = s.share.info
    const parent = s.parentKey === undefined ? undefined : chain.get(s.parentKey)
    const missing = s.parentKey !== undefined && !parent ? s.parentKey : s.uncleKeys.find((u) => !chain.has(u))
    if (missing !== undefined) return this.park(to, from, index, live, missing)
    if (live && chain.tip && parent !== chain.tip) {
      const resolved = chain.resolveUncles(parent, info.uncles)
      const uncles = 'uncles' in resolved ? resolved.uncles : []
      if (chain.cumulativeWorkOf(parent, uncles) <= chain.tip.cumulativeWork) {
        const stale = info.shareHeight + this.rules.maxUncleDepth <= chain.tip.height
        if (stale || chain.sharesAtHeight(info.shareHeight) > this.rules.maxSiblingsPerHeight) {
          this.counters.staleIgnored++
          return
        }
      }
    }
    const { tipChanged } = chain.add(s.share, s.id, s.bytes)
    s.reached++
    if (s.spreadSeconds === undefined && s.reached >= Math.ceil(SPREAD_FRACTION * s.onlineAtFound))
      s.spreadSeconds = this.now - s.foundAt
    if (live) {
      const bytes = s.bytes.length + RPC_OVERHEAD_BYTES
      for (const [q, delay] of p.mesh) {
        if (q === from || this.toldDontWant(q, index, delay)) continue
        const arrival = this.transmit(to, q, bytes)
        const peer = this.peers[q]
        if (peer.online && peer.seen.has(index)) this.deliverDuplicate(peer, arrival, bytes, true)
        else this.queue.at(arrival, { k: 'share', to: q, gen: peer.generation, from: to, share: index, live: true })
      }
      // IHAVE: the id goes to D_lazy non-mesh peers in each of the next history_gossip heartbeats (bytes only).
      const ihave = GOSSIPSUB_D_LAZY * GOSSIPSUB_HISTORY_GOSSIP_HEARTBEATS * IHAVE_ENTRY_BYTES
      p.bytesOut += ihave
      this.counters.ihaveBytes += ihave
    }
    if (tipChanged) for (const m of this.minersOf(to)) this.updateRate(m)
    const waiting = p.waiting.get(s.key)
    if (waiting) {
      p.waiting.delete(s.key)
      for (const w of waiting) this.accept(to, w.from, w.share, w.live)
    }
  }

  /** Holds a share until `missingKey` arrives, fetching it (sync protocol) from the peer that sent the share. */
  private park(to: number, from: number, index: number, live: boolean, missingKey: string): void {
    const p = this.peers[to]
    let list = p.waiting.get(missingKey)
    if (!list) p.waiting.set(missingKey, (list = []))
    list.push({ share: index, from, live })
    const missing = this.byKey.get(missingKey)
    if (p.requested.has(missingKey) || missing === undefined || from < 0 || !this.peers[from].online) return
    p.requested.add(missingKey)
    this.counters.fetches++
    p.bytesOut += SYNC_REQUEST_BYTES
    const rtt = 2 * (p.mesh.get(from) ?? this.links.drawDelay(p.kind, this.peers[from].kind))
    // The request takes half a round trip; the reply is a synced share: added, not forwarded (history, not news).
    this.queue.at(this.now + rtt / 2, {
      k: 'fetch',
      to: from,
      gen: this.peers[from].generation,
      requester: to,
      requesterGen: p.generation,
      share: missing
    })
  }

  // --- churn -----------------------------------------------------------------------------------------

  /** A random browser leaves; a new one joins in its slot, meshes, and syncs the chain from a relay. */
  private churn(): void {
    const slot = this.browsers[this.rng.int(this.browsers.length)]
    const old = this.peers[slot]
    old.online = false
    this.forgetDuplicates(old)
    this.counters.leaves++
    for (const q of disconnect(this.peers, slot)) {
      const n = this.peers[q]
      if (n.kind === 'browser' && n.online && n.mesh.size < GOSSIPSUB_D_LO)
        meshBrowser(this.peers, q, this.relays, this.browsers, this.links, this.rngLinks)
    }
    const fresh = this.newPeer(slot, 'browser')
    fresh.generation = old.generation + 1
    this.peers[slot] = fresh
    this.counters.joins++
    meshBrowser(this.peers, slot, this.relays, this.browsers, this.links, this.rngLinks)
    const relay = [...fresh.mesh.keys()].find((q) => this.peers[q].kind === 'relay') ?? this.relays[0]
    this.syncFrom(slot, relay)
    for (const m of this.minersOf(slot)) {
      m.payoutScript = this.payoutScript()
      this.updateRate(m)
    }
  }

  /** A joiner takes the relay's best chain and the uncles it names, oldest first (the sync protocol's reply). */
  private syncFrom(to: number, from: number): void {
    const source = this.peers[from].chain
    const tip = source.tip
    if (!tip) return
    const order = [...source.ancestors(tip, source.size)].reverse()
    const p = this.peers[to]
    let bytes = 0
    for (const node of order) {
      for (const u of node.uncles) this.addSynced(p, u.key, (b) => (bytes += b))
      this.addSynced(p, node.key, (b) => (bytes += b))
    }
    p.bytesIn += bytes
    this.peers[from].bytesOut += bytes
  }

  private addSynced(p: SimPeer, key: string, count: (bytes: number) => void): void {
    const index = this.byKey.get(key)
    if (index === undefined || p.chain.has(key)) return
    const s = this.shares[index]
    if (s.parentKey !== undefined && !p.chain.has(s.parentKey)) return
    p.seen.set(index, this.now)
    p.chain.add(s.share, s.id, s.bytes)
    count(s.bytes.length)
  }

  // --- template quorum -------------------------------------------------------------------------------

  /** A relay announces a template on a new parent block; its committee (drawn at each member's tip) attests. */
  private announceTemplate(): void {
    const index = this.templates.length
    const online = new Set<number>()
    for (const p of this.peers) if (p.online) online.add(p.index)
    const t: SimTemplate = {
      announcedAt: this.now,
      prevHash: this.rng.bytes(32),
      online,
      confirmSeconds: [],
      unconfirmable: 0
    }
    this.templates.push(t)
    const publisher = this.relays[this.rng.int(this.relays.length)]
    for (const r of this.relays) {
      const { members } = this.committeeAt(this.peers[r].chain, index)
      if (!members.includes(relayKeyHex(this.relayIds[r]))) continue
      const hear = r === publisher ? 0 : this.links.drawDelay('relay', 'relay')
      this.queue.at(
        this.now + hear + this.rng.logNormal(this.config.templateCheck.medianSeconds, this.config.templateCheck.sigma),
        { k: 'attest', member: r, template: index }
      )
    }
  }

  /** The committee of template `index` at a chain's tip: the real weights and the real draw, cached per (tip, template). */
  private committeeAt(chain: ShareChain, index: number): { members: string[]; weights: ReadonlyMap<string, bigint> } {
    const tipKey = chain.tip?.key ?? 'none'
    let atTip = this.committees.get(tipKey)
    if (!atTip) this.committees.set(tipKey, (atTip = new Map()))
    let c = atTip.get(index)
    if (!c) {
      const weights = windowRelayWeights(chain.tip, this.rules.windowShares, this.rules.unclePenaltyPercent).byKey
      c = { members: selectCommittee(weights, committeeSeed('template', this.templates[index].prevHash)), weights }
      atTip.set(index, c)
    }
    return c
  }

  private attest(member: number, template: number): void {
    const index = this.attestations.length
    this.attestations.push({ template, relayKey: relayKeyHex(this.relayIds[member]), time: this.now })
    this.receiveAttestation(member, this.peers[member].generation, -1, index)
  }

  private receiveAttestation(to: number, gen: number, from: number, index: number): void {
    const p = this.peers[to]
    if (p.generation !== gen || !p.online) return
    if (from >= 0) p.bytesIn += ATTESTATION_BYTES + RPC_OVERHEAD_BYTES
    if (p.attestationsSeen.has(index)) return
    p.attestationsSeen.set(index, this.now)
    const a = this.attestations[index]
    const t = this.templates[a.template]
    const bytes = ATTESTATION_BYTES + RPC_OVERHEAD_BYTES
    for (const q of p.mesh.keys()) {
      if (q === from) continue
      const arrival = this.transmit(to, q, bytes)
      const peer = this.peers[q]
      if (peer.online && peer.attestationsSeen.has(index)) this.deliverDuplicate(peer, arrival, bytes, false)
      else this.queue.at(arrival, { k: 'attestation', to: q, gen: peer.generation, from: to, attestation: index })
    }
    if (!t.online.has(to) || p.confirmedTemplates.has(a.template)) return
    let votes = p.votes.get(a.template)
    if (!votes) p.votes.set(a.template, (votes = []))
    votes.push({ relayKey: a.relayKey, claim: 'valid', time: a.time, believed: true })
    const { members, weights } = this.committeeAt(p.chain, a.template)
    if (members.length < MIN_COMMITTEE_SIZE) {
      if (votes.length === 1) t.unconfirmable++
      return
    }
    if (tallyVotes(members, (k) => weights.get(k) ?? 0n, votes, MIN_COMMITTEE_SIZE).confirmed === 'valid') {
      p.confirmedTemplates.add(a.template)
      p.votes.delete(a.template)
      t.confirmSeconds.push(this.now - t.announcedAt)
    }
  }

  // --- set-up ----------------------------------------------------------------------------------------

  private drawHashrates(count: number): { hashrate: number; rig: boolean }[] {
    const c = this.config
    const out: { hashrate: number; rig: boolean }[] = []
    const rigs = Math.max(relayCount(c.peers), Math.round(count * c.rigFraction))
    for (let i = 0; i < rigs; i++)
      out.push({
        hashrate: Math.min(c.rigHashrate.max, this.rng.pareto(c.rigHashrate.min, c.rigHashrate.alpha)),
        rig: true
      })
    const { min, max } = c.browserHashrate
    for (let i = 0; i < count; i++) out.push({ hashrate: min * Math.pow(max / min, this.rng.next()), rig: false })
    return out
  }

  private newMiner(
    index: number,
    peer: number,
    hashrate: number,
    scaledHashrate: number,
    scriptSigTag: Uint8Array | undefined
  ): SimMiner {
    const ownShareTarget = shareTargetForHashrate(scaledHashrate, this.config.shareIntervalSeconds)
    return {
      index,
      peer,
      hashrate,
      scaledHashrate,
      payoutScript: this.payoutScript(),
      scriptSigTag,
      ownShareTarget,
      ownShareBits: ownShareTarget !== undefined && ownShareTarget > 0n ? targetToBits(ownShareTarget) : 0,
      found: 0
    }
  }

  private payoutScript(): Uint8Array {
    return Uint8Array.from([...P2WPKH_PREFIX, ...this.rng.bytes(20)])
  }

  private newPeer(index: number, kind: PeerKind): SimPeer {
    return {
      index,
      kind,
      online: true,
      generation: 0,
      chain: new ShareChain(this.rules),
      seen: new SeenTimes(),
      waiting: new Map(),
      requested: new Set(),
      mesh: new Map(),
      bytesIn: 0,
      bytesOut: 0,
      uplinkFreeAt: 0,
      attestationsSeen: new SeenTimes(),
      votes: new Map(),
      confirmedTemplates: new Set(),
      pendingDuplicates: []
    }
  }

  private minersByPeer: Map<number, SimMiner[]> | undefined

  minersOf(peer: number): SimMiner[] {
    if (!this.minersByPeer) {
      this.minersByPeer = new Map()
      for (const m of this.miners) {
        let l = this.minersByPeer.get(m.peer)
        if (!l) this.minersByPeer.set(m.peer, (l = []))
        l.push(m)
      }
    }
    return this.minersByPeer.get(peer) ?? []
  }

  onlineCount(): number {
    let n = 0
    for (const p of this.peers) if (p.online) n++
    return n
  }
}
