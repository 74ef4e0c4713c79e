// The tab as a network peer: joins through the page's relay, validates every topic with the shared
// rules (shares, blocks, headers, signed templates, attestations), syncs the share window, and keeps
// the confirmed template to mine on. Mining itself is the engine's (engine.ts).
import { peerIdFromString } from '@libp2p/peer-id'
import { createLogger } from '../../../shared/src/log'
import { getChainParams } from '../../../shared/src/chain'
import { decodeDevnetBlock } from '../../../shared/src/chain/devnet-rules'
import { bytesToHex } from '../../../shared/src/primitives/bytes'
import type { ShareSyncSource, Verdict } from '../../../shared/src/p2p'
import type { RelayStatus } from '../app/state/relay-status'
import { BlockBook } from './block-book'
import { allowsInsecureLocal, dialableRelayAddrs } from './dial-policy'
import type { BrowserNetwork, CreateBrowserNetwork } from './network'
import { ShareOutbox, type OutboxStore } from './outbox'
import type { RelayWork } from './relay-work'
import { ShareState } from './share-state'
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_INTERVAL_MS, snapshotKey, takeSnapshot } from './snapshot'
import { TemplateQuorum, type ConfirmedTemplate } from './template-quorum'

const log = createLogger('peer:session')

/** Longest wait on join for a relay to subscribe to the share topic (ms), and the polling step. */
export const TOPIC_PEER_WAIT_MS = 5_000
const TOPIC_PEER_POLL_MS = 50

export interface SessionDeps {
  createNetwork: CreateBrowserNetwork
  fetchWork: (origin: string) => Promise<RelayWork | undefined>
  store: OutboxStore
  /** Relays the user listed in Settings (their /api/v1/status), dialled and on committees too. */
  extraRelays?: RelayStatus[]
  /** 'committee': relays we reach also join committees; 'my-relays': only the page's and the listed ones. */
  quorum?: 'committee' | 'my-relays'
  /** IndexedDB snapshot of the window and header tip (storage/db.ts); none: no snapshot kept. */
  snapshots?: SnapshotStore
}

export interface SnapshotStore {
  saveSnapshot (key: string, bytes: Uint8Array): Promise<void>
  loadSnapshot (key: string): Promise<Uint8Array | undefined>
}

export class PeerSession {
  readonly state: ShareState
  readonly quorum: TemplateQuorum
  readonly blocks: BlockBook
  readonly outbox: ShareOutbox
  network: BrowserNetwork | undefined
  template: ConfirmedTemplate | undefined
  private readonly templateListeners = new Set<(t: ConfirmedTemplate) => void>()
  private readonly relayIds: Uint8Array[] = []
  private snapshotTimer: ReturnType<typeof setInterval> | undefined
  private readonly onPageHide = (): void => { void this.saveSnapshot() }

  constructor (readonly origin: string, readonly status: RelayStatus, private readonly deps: SessionDeps) {
    this.state = new ShareState(getChainParams(status.network))
    for (const relay of [status, ...(deps.extraRelays ?? [])]) {
      if (relay.peerId !== undefined && relay.network === status.network) this.relayIds.push(peerIdBytes(relay.peerId))
    }
    this.quorum = new TemplateQuorum(this.state.rules.networkTag, () => this.committeeCandidates())
    this.blocks = new BlockBook(this.state)
    this.outbox = new ShareOutbox(status.network, deps.store)
    this.quorum.onConfirmed((t) => this.useTemplate(t))
    // A share from another peer that builds on one of ours shows that peer holds ours.
    this.state.onShare((node, origin) => {
      if (origin !== 'mine' && node.parentKey !== undefined) void this.outbox.acknowledge(node.parentKey)
    })
  }

  onTemplate (listener: (t: ConfirmedTemplate) => void): () => void {
    this.templateListeners.add(listener)
    return () => this.templateListeners.delete(listener)
  }

  /** Connects, takes the relay's current work, syncs the window, and starts re-sending the outbox. */
  async join (): Promise<void> {
    await this.outbox.restore()
    // The current work comes over HTTP while the node starts and dials.
    const work = this.deps.fetchWork(this.origin).catch((err: Error) => {
      log.info(`no work from ${this.origin} over HTTP (${err.message}); waiting for gossip`)
      return undefined
    })
    const allowInsecureLocal = allowsInsecureLocal(this.origin)
    const listed = (this.deps.extraRelays ?? []).filter((r) => r.network === this.status.network)
    const relayAddrs = dialableRelayAddrs([this.status, ...listed].flatMap((r) => r.multiaddrs ?? []), allowInsecureLocal)
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
      syncSource: this.syncSource()
    })
    this.network = network
    network.onRelayConnected(() => { void this.outbox.sendAll(network).catch((err: Error) => log.warn(`re-send failed: ${err.message}`)) })
    await this.takeRelayWork(await work)
    await Promise.all([this.waitForSharePeers(network), this.syncWindow()])
    await this.outbox.sendAll(network)
    this.outbox.startChecking(network)
    this.startSnapshots()
  }

  async stop (): Promise<void> {
    this.stopSnapshots()
    await this.saveSnapshot()
    this.outbox.stopChecking()
    await this.network?.stop()
    this.network = undefined
  }

  /** Peer id bytes of the relays committees are drawn from. */
  private committeeCandidates (): Uint8Array[] {
    if (this.deps.quorum === 'my-relays' || this.network === undefined) return this.relayIds
    const reached = this.network.peers().filter((p) => p.kind === 'relay').map((p) => peerIdBytes(p.id))
    return [...this.relayIds, ...reached]
  }

  private useTemplate (t: ConfirmedTemplate): void {
    this.state.addTemplate(t.id, t.announcement)
    if (this.template !== undefined && t.announcement.height < this.template.announcement.height) return
    this.state.anchor(t.announcement.prevHash, t.announcement.height - 1)
    this.template = t
    for (const l of this.templateListeners) l(t)
  }

  private takeBlock (bytes: Uint8Array): Verdict {
    if (this.status.network === 'devnet') {
      const block = decodeDevnetBlock(bytes)
      if (!block.ok) return { kind: block.verdict.kind, reason: block.verdict.reason }
      return headerVerdict(this.state.addHeader(block.header80), true)
    }
    const result = this.state.addLive(bytes)
    const node = result.id === undefined ? undefined : this.state.chain.getById(result.id)
    if (node === undefined) return result.verdict
    if (node.share.header80.length === 80) this.state.addHeader(node.share.header80)
    return { kind: 'accept' }
  }

  /** Shares published before a relay subscribed would reach nobody: wait (bounded) for one. */
  private async waitForSharePeers (network: BrowserNetwork): Promise<void> {
    const deadline = Date.now() + TOPIC_PEER_WAIT_MS
    while (network.topicPeers('share') === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, TOPIC_PEER_POLL_MS))
    if (network.topicPeers('share') === 0) log.warn(`no peer on the share topic after ${TOPIC_PEER_WAIT_MS} ms; mining anyway, the outbox re-sends`)
  }

  private async takeRelayWork (work: RelayWork | undefined): Promise<void> {
    if (work === undefined) return
    const verdict = await this.quorum.takeSignedTemplate(work.signedTemplate)
    if (verdict.kind === 'reject') log.warn(`relay's current template refused: ${verdict.reason}`)
    for (const a of work.attestations) await this.quorum.takeAttestation(a)
    if (work.prevHeader !== undefined) this.state.addHeader(work.prevHeader)
  }

  private async syncWindow (): Promise<void> {
    if (this.network === undefined) return
    const shares = await this.network.syncWindow(this.state.rules.windowShares).catch((err: Error) => {
      log.warn(`window sync failed: ${err.message}`)
      return undefined
    })
    if (shares === undefined) {
      await this.restoreSnapshot()
      return
    }
    let accepted = 0
    for (let i = shares.length - 1; i >= 0; i--) if (this.state.addSynced(shares[i]).verdict.kind === 'accept') accepted++
    log.info(`synced ${accepted} of ${shares.length} window shares; tip height ${this.state.tip?.height ?? '-'}`)
  }

  /**
   * When no relay could serve the window, the last session's snapshot stands in for it: its shares are
   * validated exactly as synced ones (a tampered snapshot adds nothing a lying relay could not). Not used
   * when a relay answered, even with an empty window: the relay's view of the chain wins.
   */
  async restoreSnapshot (): Promise<number> {
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
        log.warn(`snapshot share ${accepted} refused (${verdict.kind} ${verdict.reason}); kept the ${accepted} before it`)
        break
      }
      accepted++
    }
    log.info(`restored ${accepted} of ${decoded.snapshot.shares.length} snapshot shares; tip height ${this.state.tip?.height ?? '-'}`)
    return accepted
  }

  /** Saves the window and header tip region (bounded, snapshot.ts); failures are logged, never thrown. */
  async saveSnapshot (): Promise<void> {
    const store = this.deps.snapshots
    if (store === undefined || this.state.tip === undefined) return
    try {
      await store.saveSnapshot(snapshotKey(this.status.network), encodeSnapshot(takeSnapshot(this.state)))
    } catch (err) {
      log.warn(`snapshot not saved: ${(err as Error).message}`)
    }
  }

  private startSnapshots (): void {
    if (this.deps.snapshots === undefined || this.snapshotTimer !== undefined) return
    this.snapshotTimer = setInterval(() => { void this.saveSnapshot() }, SNAPSHOT_INTERVAL_MS)
    globalThis.addEventListener?.('pagehide', this.onPageHide)
  }

  private stopSnapshots (): void {
    if (this.snapshotTimer !== undefined) clearInterval(this.snapshotTimer)
    this.snapshotTimer = undefined
    globalThis.removeEventListener?.('pagehide', this.onPageHide)
  }

  /** Other browsers may sync our window from us. */
  private syncSource (): ShareSyncSource {
    const chain = this.state.chain
    return {
      bestTip: () => chain.tip?.id,
      window: (tip, skip, count) => {
        const from = chain.get(bytesToHex(tip))
        if (from === undefined) return undefined
        const nodes = [...chain.ancestors(from, skip + count + 1)]
        return { shares: nodes.slice(skip, skip + count).map((n) => n.bytes), more: nodes.length > skip + count }
      },
      sharesById: (ids) => ids.map((id) => chain.getById(id)?.bytes).filter((b): b is Uint8Array => b !== undefined)
    }
  }
}

/** A header's verdict on the gossip scale; a block we already hold is still forwarded (`duplicateOk`). */
function peerIdBytes (id: string): Uint8Array {
  return peerIdFromString(id).toMultihash().bytes
}

function headerVerdict (v: ReturnType<ShareState['addHeader']>, duplicateOk = false): Verdict {
  if (v === undefined) return { kind: 'ignore', reason: 'no-checkpoint' }
  if (v.kind === 'accept' || (duplicateOk && v.reason === 'duplicate')) return { kind: 'accept' }
  return v.kind === 'reject' ? { kind: 'reject', reason: v.reason } : { kind: 'ignore', reason: v.reason }
}
