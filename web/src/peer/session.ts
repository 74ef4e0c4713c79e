// The tab as a network peer: joins through the page's relay, validates every topic with the shared
// rules (shares, blocks, headers, signed templates, attestations), syncs the share window, and keeps
// the template it believes (a quorum's, or the page's relay's alone where no quorum can exist) to mine
// on. Mining itself is the engine's (engine.ts).
import { peerIdFromString } from '@libp2p/peer-id'
import { createLogger } from '@otedama/shared/log'
import { blockMessageCodec, getChainParams, type BlockMessageCodec } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { NO_WEIGHTS, RelayWeightBook, relayKeyHex, type RelayWeights, type TrustState } from '@otedama/shared/quorum'
import { syncDepthShares } from '@otedama/shared/sharechain'
import type { ShareSyncSource, Verdict } from '@otedama/shared/p2p'
import type { RelayStatus } from '../app/state/relay-status'
import { BlockBook } from './block-book'
import { allowsInsecureLocal, dialableRelayAddrs } from './dial-policy'
import type { BrowserNetwork, CreateBrowserNetwork } from './network'
import { ShareOutbox, type OutboxStore } from './outbox'
import type { RelayWork } from './relay-work'
import { ShareState } from './share-state'
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_INTERVAL_MS, snapshotKey, takeSnapshot } from './snapshot'
import { TemplateQuorum, type ConfirmedTemplate } from './template-quorum'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('peer:session')

/** Errors of a relay within the health memory that make it unfit as a work source (count; web/src/p2p/relay-health.ts MAX_RECENT_ERRORS). */
const RELAY_MAX_ERRORS_AS_SOURCE = 3
/** Longest wait on join for a relay to subscribe to the share topic (ms), and the polling step. */
export const TOPIC_PEER_WAIT_MS = 5_000
const TOPIC_PEER_POLL_MS = 50

export interface SessionDeps {
  createNetwork: CreateBrowserNetwork
  fetchWork: (origin: string) => Promise<RelayWork | undefined>
  store: OutboxStore
  /** Relays the user listed in Settings (their /api/v1/status), dialled too. */
  extraRelays?: RelayStatus[]
  /** 'committee': every relay with work in the window may be drawn; 'my-relays': only the page's and the
   *  listed ones (keys without work still have no vote). */
  quorum?: 'committee' | 'my-relays'
  /** IndexedDB snapshot of the window and header tip (storage/db.ts); none: no snapshot kept. */
  snapshots?: SnapshotStore
}

export interface SnapshotStore {
  saveSnapshot(key: string, bytes: Uint8Array): Promise<void>
  loadSnapshot(key: string): Promise<Uint8Array | undefined>
}

export class PeerSession {
  readonly state: ShareState
  readonly quorum: TemplateQuorum
  readonly blocks: BlockBook
  readonly outbox: ShareOutbox
  /** What this network's block topic carries, for the blocks we read and the ones we find. */
  readonly blockCodec: BlockMessageCodec
  network: BrowserNetwork | undefined
  template: ConfirmedTemplate | undefined
  private readonly templateListeners = new Set<(t: ConfirmedTemplate) => void>()
  /** The newest confirmed template of each relay (by publisher), to switch to when the current one's relay dies. */
  private readonly workBySource = new Map<string, ConfirmedTemplate>()
  private readonly relayIds: Uint8Array[] = []
  private readonly weightBook: RelayWeightBook
  private myWeights: RelayWeights | undefined
  private reevaluateQueued = false
  /** Why the work source is moving, until a template of the relay now believed alone arrives (logged then). */
  private switchingBecause: string | undefined
  private snapshotTimer: ReturnType<typeof setInterval> | undefined
  private readonly onPageHide = (): void => {
    void this.saveSnapshot()
  }

  constructor(
    readonly origin: string,
    readonly status: RelayStatus,
    private readonly deps: SessionDeps
  ) {
    const params = getChainParams(status.network)
    this.state = new ShareState(params)
    this.blockCodec = blockMessageCodec(params.name)
    for (const relay of [status, ...(deps.extraRelays ?? [])]) {
      if (relay.peerId !== undefined && relay.network === status.network) this.relayIds.push(peerIdBytes(relay.peerId))
    }
    this.weightBook = new RelayWeightBook(this.state.chain)
    this.quorum = new TemplateQuorum({
      networkTag: this.state.rules.networkTag,
      weights: () => this.weights(),
      ...(status.peerId !== undefined ? { loneRelay: peerIdBytes(status.peerId) } : {})
    })
    this.blocks = new BlockBook(this.state)
    this.outbox = new ShareOutbox(status.network, deps.store, Date.now, (id, bytes) => this.state.neverTaken(id, bytes))
    this.quorum.onConfirmed((t) => this.useTemplate(t))
    // New tip, new weights: committees of the newest subjects are redrawn (a quorum may now exist).
    // Coalesced: a window sync moves the tip thousands of times in one loop; the weights walk the
    // window once, after it.
    this.state.onTip(() => {
      if (this.reevaluateQueued) return
      this.reevaluateQueued = true
      queueMicrotask(() => {
        this.reevaluateQueued = false
        this.quorum.reevaluate()
      })
    })
    // A share from another peer that builds on one of ours shows that peer holds ours.
    this.state.onShare((node, origin) => {
      if (origin !== 'mine' && node.parentKey !== undefined) void this.outbox.acknowledge(node.parentKey)
    })
  }

  onTemplate(listener: (t: ConfirmedTemplate) => void): () => void {
    this.templateListeners.add(listener)
    return () => this.templateListeners.delete(listener)
  }

  /** Connects, takes the relay's current work, syncs the window, and starts re-sending the outbox. */
  async join(): Promise<void> {
    await this.outbox.restore()
    // The current work comes over HTTP while the node starts and dials.
    const work = this.deps.fetchWork(this.origin).catch((err: Error) => {
      log.info(`no work from ${this.origin} over HTTP (${err.message}); waiting for gossip`)
      return undefined
    })
    const allowInsecureLocal = allowsInsecureLocal(this.origin)
    const listed = (this.deps.extraRelays ?? []).filter((r) => r.network === this.status.network)
    const relayAddrs = dialableRelayAddrs(
      [this.status, ...listed].flatMap((r) => r.multiaddrs ?? []),
      allowInsecureLocal
    )
    if (relayAddrs.length === 0) throw new Error(`the relay at ${this.origin} announced no address this page may dial`)
    const network = await this.deps.createNetwork({
      network: this.status.network,
      relayAddrs,
      allowInsecureLocal,
      validators: {
        share: (bytes) => this.state.addLive(bytes).verdict,
        block: (bytes) => this.takeBlock(bytes),
        header: (bytes) => headerVerdict(this.state.addHeader(bytes)),
        template: (bytes) => this.quorum.takeSignedTemplate(bytes),
        attest: (bytes) => this.quorum.takeAttestation(bytes)
      },
      syncSource: this.syncSource(),
      // Fetched parents join as synced history, the whole branch at once (@otedama/shared/p2p: parent-fetcher.ts).
      syncedShare: (bytes) => this.state.addSynced(bytes).verdict,
      shareMissingAncestry: (bytes) => this.state.ledger.missingAncestry(bytes),
      branchDepth: syncDepthShares(this.state.rules)
    })
    this.network = network
    network.onRelayConnected(() => {
      void this.outbox.sendAll(network).catch((err: Error) => log.warn(`re-send failed: ${err.message}`))
      // Mining on the work of a relay that is gone, with nobody else to believe when it went: this one may be
      // (not while a relay already believed instead has yet to send its first template).
      if (this.template !== undefined && this.switchingBecause === undefined && !this.sourceFit(this.template))
        this.switchWorkSource('the relay of our work is still gone')
    })
    network.onRelayDown((relayId) => {
      const gone = bytesToHex(peerIdBytes(relayId))
      if (this.template?.publisherHex === gone || this.quorum.loneRelayHex === gone)
        this.switchWorkSource(`relay ${relayId} is gone`)
    })
    await this.takeRelayWork(await work)
    await Promise.all([this.waitForSharePeers(network), this.syncWindow()])
    await this.outbox.sendAll(network)
    this.outbox.startChecking(network)
    this.startSnapshots()
  }

  async stop(): Promise<void> {
    this.stopSnapshots()
    await this.saveSnapshot()
    this.outbox.stopChecking()
    await this.network?.stop()
    this.network = undefined
  }

  /** How the template we mine on is believed now ("trusting relay X alone…", "confirmed by a quorum…"). */
  trust(): TrustState & { words: string } {
    return this.quorum.trust(this.template?.idHex)
  }

  /** The weighted roster from our own chain's window; 'my-relays' keeps only the page's and the listed relays. */
  private weights(): RelayWeights {
    const all = this.weightBook.current()
    if (this.deps.quorum !== 'my-relays' || all === NO_WEIGHTS) return all
    if (this.myWeights?.version !== `mine:${all.version}`) {
      const mine = new Set(this.relayIds.map(relayKeyHex))
      this.myWeights = {
        version: `mine:${all.version}`,
        byKey: new Map([...all.byKey].filter(([key]) => mine.has(key))),
        windowWork: all.windowWork
      }
    }
    return this.myWeights
  }

  private useTemplate(t: ConfirmedTemplate): void {
    this.state.addTemplate(t.id, t.announcement)
    if (t.publisherHex !== undefined) this.workBySource.set(t.publisherHex, t)
    const current = this.template
    // Higher work wins; at the same height, a template from a live relay replaces one whose relay is gone.
    if (current !== undefined && t.announcement.height < current.announcement.height) return
    if (
      current !== undefined &&
      t.announcement.height === current.announcement.height &&
      this.sourceFit(current) &&
      !this.sourceFit(t)
    )
      return
    if (this.switchingBecause !== undefined && t.publisherHex === this.quorum.loneRelayHex) {
      log.info(`${this.switchingBecause}; work from relay ${t.publisherHex?.slice(0, 16) ?? '?'} now`)
      this.switchingBecause = undefined
    }
    this.setTemplate(t)
  }

  private setTemplate(t: ConfirmedTemplate): void {
    this.state.anchor(t.announcement.prevHash, t.announcement.height - 1)
    this.template = t
    for (const l of this.templateListeners) l(t)
  }

  /** Whether the relay that published `t` is linked and not lying (web/src/p2p/relay-health.ts). */
  private sourceFit(t: ConfirmedTemplate): boolean {
    if (t.publisherHex === undefined || this.network === undefined) return true
    const link = this.network.relayHealth().find((h) => bytesToHex(peerIdBytes(h.id)) === t.publisherHex)
    return link === undefined || (link.connected && link.recentErrors < RELAY_MAX_ERRORS_AS_SOURCE)
  }

  /**
   * The current work's relay died or lied: mine at once on the newest confirmed template of a relay that
   * is still fit (same or higher height), so blocks found meanwhile go to a relay that holds their template.
   */
  private switchWorkSource(why: string): void {
    const current = this.template
    const candidates = [...this.workBySource.values()]
      .filter(
        (t) =>
          t !== current &&
          this.sourceFit(t) &&
          (current === undefined || t.announcement.height >= current.announcement.height)
      )
      .sort((a, b) => b.announcement.height - a.announcement.height)
    const next = candidates[0]
    if (next === undefined) {
      if (!this.believeAnotherRelayAlone(why)) log.warn(`${why}; no other relay's work yet, mining on until one comes`)
      return
    }
    log.info(`${why}; work from relay ${next.publisherHex?.slice(0, 16) ?? '?'} now`)
    this.setTemplate(next)
  }

  /**
   * Where no quorum can exist the tab believes one relay alone (the page's at first). When that relay is
   * gone, the tab believes the best linked relay alone instead — a relay the user listed in Settings
   * before one learned on the discovery topic — so it mines on live work rather than on the dead relay's
   * last template, whose blocks nobody could submit. The Mine screen names the relay now trusted.
   * False when no other linked, honest relay is there (the next relay link to come up tries again).
   */
  private believeAnotherRelayAlone(why: string): boolean {
    const network = this.network
    if (network === undefined || this.trust().level !== 'relay-alone') return false
    const listed = new Set(this.relayIds.map((id) => bytesToHex(id)))
    const lone = this.quorum.loneRelayHex
    const fit = network
      .relayHealth()
      .map((h) => ({ ...h, hex: bytesToHex(peerIdBytes(h.id)) }))
      .filter((h) => h.connected && h.recentErrors < RELAY_MAX_ERRORS_AS_SOURCE && h.hex !== lone)
    // relayHealth() is best first; a listed relay goes before any discovered one.
    const next = fit.find((h) => listed.has(h.hex)) ?? fit[0]
    if (next === undefined) return false
    log.info(`${why}; no quorum can exist, trusting relay ${next.id} alone now`)
    this.switchingBecause = why
    this.quorum.believeAlone(peerIdBytes(next.id))
    return true
  }

  private takeBlock(bytes: Uint8Array): Verdict {
    const decoded = this.blockCodec.decode(bytes)
    if (!decoded.ok) return { kind: decoded.verdict.kind, reason: decoded.verdict.reason }
    const { message } = decoded
    if (message.carries === 'devnet-block') return headerVerdict(this.state.addHeader(message.header80), true)
    const result = this.state.addLive(message.share)
    const node = result.id === undefined ? undefined : this.state.chain.getById(result.id)
    if (node === undefined) return result.verdict
    if (node.share.header80.length === 80) this.state.addHeader(node.share.header80)
    return { kind: 'accept' }
  }

  /** Shares published before a relay subscribed would reach nobody: wait (bounded) for one. */
  private async waitForSharePeers(network: BrowserNetwork): Promise<void> {
    const deadline = Date.now() + TOPIC_PEER_WAIT_MS
    while (network.topicPeers('share') === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, TOPIC_PEER_POLL_MS))
    if (network.topicPeers('share') === 0)
      log.warn(`no peer on the share topic after ${TOPIC_PEER_WAIT_MS} ms; mining anyway, the outbox re-sends`)
  }

  private async takeRelayWork(work: RelayWork | undefined): Promise<void> {
    if (work === undefined) return
    const verdict = await this.quorum.takeSignedTemplate(work.signedTemplate)
    if (verdict.kind === 'reject') log.warn(`relay's current template refused: ${verdict.reason}`)
    for (const a of work.attestations) await this.quorum.takeAttestation(a)
    if (work.prevHeader !== undefined) this.state.addHeader(work.prevHeader)
  }

  private async syncWindow(): Promise<void> {
    if (this.network === undefined) return
    const shares = await this.network.syncWindow(syncDepthShares(this.state.rules)).catch((err: Error) => {
      log.warn(`window sync failed: ${err.message}`)
      return undefined
    })
    if (shares === undefined) {
      await this.restoreSnapshot()
      return
    }
    let accepted = 0
    let firstRefused: string | undefined
    for (let i = shares.length - 1; i >= 0; i--) {
      const { verdict, share } = this.state.addSynced(shares[i])
      if (verdict.kind === 'accept') accepted++
      else if (firstRefused === undefined && !(verdict.kind === 'ignore' && verdict.reason === 'duplicate')) {
        firstRefused = `${verdict.kind} ${verdict.reason}${verdict.detail !== undefined ? ` (${verdict.detail})` : ''} at height ${share?.info.shareHeight ?? '?'}`
      }
    }
    const refused = firstRefused === undefined ? '' : `; first one not taken: ${firstRefused}`
    if (firstRefused !== undefined)
      log.warn(
        `synced ${accepted} of ${shares.length} window shares; tip height ${this.state.tip?.height ?? '-'}${refused}`
      )
    else log.info(`synced ${accepted} of ${shares.length} window shares; tip height ${this.state.tip?.height ?? '-'}`)
  }

  /**
   * When no relay could serve the window, the last session's snapshot stands in for it: its shares are
   * validated exactly as synced ones (a tampered snapshot adds nothing a lying relay could not). Not used
   * when a relay answered, even with an empty window: the relay's view of the chain wins.
   */
  async restoreSnapshot(): Promise<number> {
    const bytes = await this.deps.snapshots?.loadSnapshot(snapshotKey(this.status.network)).catch((err: Error) => {
      log.warn(`snapshot not readable: ${err.message}`)
      return undefined
    })
    if (bytes === undefined) return 0
    const decoded = decodeSnapshot(bytes)
    if (!decoded.ok) {
      log.warn(`snapshot refused (${decoded.reason}); waiting for sync and gossip`)
      return 0
    }
    for (const header of decoded.snapshot.headers) this.state.addHeader(header)
    let accepted = 0
    for (const share of decoded.snapshot.shares) {
      const { verdict } = this.state.addSynced(share)
      if (verdict.kind !== 'accept') {
        log.warn(
          `snapshot share ${accepted} refused (${verdict.kind} ${verdict.reason}); kept the ${accepted} before it`
        )
        break
      }
      accepted++
    }
    log.info(
      `restored ${accepted} of ${decoded.snapshot.shares.length} snapshot shares; tip height ${this.state.tip?.height ?? '-'}`
    )
    return accepted
  }

  /** Saves the window and header tip region (bounded, snapshot.ts); failures are logged, never thrown. */
  async saveSnapshot(): Promise<void> {
    const store = this.deps.snapshots
    if (store === undefined || this.state.tip === undefined) return
    try {
      await store.saveSnapshot(snapshotKey(this.status.network), encodeSnapshot(takeSnapshot(this.state)))
    } catch (err) {
      log.warn(`snapshot not saved: ${errorMessage(err)}`)
    }
  }

  private startSnapshots(): void {
    if (this.deps.snapshots === undefined || this.snapshotTimer !== undefined) return
    this.snapshotTimer = setInterval(() => {
      void this.saveSnapshot()
    }, SNAPSHOT_INTERVAL_MS)
    globalThis.addEventListener?.('pagehide', this.onPageHide)
  }

  private stopSnapshots(): void {
    if (this.snapshotTimer !== undefined) clearInterval(this.snapshotTimer)
    this.snapshotTimer = undefined
    globalThis.removeEventListener?.('pagehide', this.onPageHide)
  }

  /** Other browsers may sync our window from us. */
  private syncSource(): ShareSyncSource {
    const chain = this.state.chain
    return {
      bestTip: () => chain.tip?.id,
      window: (tip, skip, count) => {
        const from = chain.get(bytesToHex(tip))
        return from === undefined ? undefined : chain.syncPage(from, skip, count)
      },
      sharesById: (ids) => ids.map((id) => chain.getById(id)?.bytes).filter((b): b is Uint8Array => b !== undefined)
    }
  }
}

/** A header's verdict on the gossip scale; a block we already hold is still forwarded (`duplicateOk`). */
function peerIdBytes(id: string): Uint8Array {
  return peerIdFromString(id).toMultihash().bytes
}

function headerVerdict(v: ReturnType<ShareState['addHeader']>, duplicateOk = false): Verdict {
  if (v === undefined) return { kind: 'ignore', reason: 'no-checkpoint' }
  if (v.kind === 'accept' || (duplicateOk && v.reason === 'duplicate')) return { kind: 'accept' }
  return v.kind === 'reject' ? { kind: 'reject', reason: v.reason } : { kind: 'ignore', reason: v.reason }
}
