// The share outbox (docs/design.md, Network "Failover"): a share this tab found stays in IndexedDB until
// another peer acknowledges it — a relay's share-chain view holds it (asked by id over sync), or a
// later share by someone else builds on it — and is re-sent after every reconnect until then. A share
// that is also a block keeps its block message, sent before the share every time: found while no relay
// listened, the block is news to the relay that comes back, and shares found on top of it (their header
// names it as previous block) are taken only once the relay knows it.
// The first send of a share is a gossip publish; every re-send is a direct push to a relay (share-push
// protocol), which answers its verdict: gossipsub drops a re-publish of a message id seen within its
// seen TTL (2 min) in this tab and in every relay, so a gossip re-send within it reaches nobody, and on
// a fast chain the share is stale by the time one could. An accepted push is acknowledged at once.
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import { createLogger } from '@otedama/shared/log'
// The share id of encoded share bytes: sha256d of the header read in place.
import { shareMessageId, type Verdict } from '@otedama/shared/p2p'
import type { HistoryEntry, OutboxEntry } from '../storage/db'

const log = createLogger('peer:outbox')

/** How often unacknowledged shares are checked against a relay's view (ms). */
export const ACK_CHECK_INTERVAL_MS = 2_000
/** Ids asked per check (the sync protocol allows more; a tab rarely has this many pending). */
export const ACK_CHECK_MAX_IDS = 64
/** A share sent but not acknowledged is sent again after this long (ms): gossipsub drops a re-publish of a
 *  message id it saw within its seen TTL (2 min, @libp2p/gossipsub GossipsubSeenTTL), so sooner is useless. */
export const RESEND_AFTER_MS = 150_000
/** Shares kept pending at most this long before they are recorded stale and dropped (ms): 6 h, a devnet window. */
export const OUTBOX_MAX_AGE_MS = 6 * 60 * 60_000

export interface OutboxStore {
  addToOutbox(entry: OutboxEntry): Promise<void>
  removeFromOutbox(id: string): Promise<void>
  listOutbox(): Promise<OutboxEntry[]>
  recordHistory(entry: HistoryEntry): Promise<void>
}

/**
 * Why a pending share can never be taken any more, by the share chain's own rules as this tab's chain
 * sees it (e.g. a side branch too far below the tip to be named as an uncle: every relay ignores it as
 * `stale-share`, and no share will ever build on it); undefined while it still can be.
 */
export type OutboxVerdict = (id: string, bytes: Uint8Array) => string | undefined

export interface OutboxTransport {
  /** Resolves to the number of peers reached (0: not sent, retried later). */
  publish(kind: 'share' | 'block', bytes: Uint8Array): Promise<number>
  fetchSharesById(ids: Uint8Array[]): Promise<Uint8Array[]>
  /** Pushes one share straight to a relay; resolves with its verdict (accept: it holds the share). */
  pushShare(bytes: Uint8Array): Promise<Verdict>
}

export class ShareOutbox {
  private readonly pending = new Map<
    string,
    OutboxEntry & { isBlock: boolean; reached: boolean; blockReached: boolean; sentAt: number }
  >()
  private readonly ackListeners = new Set<(id: string) => void>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly network: string,
    private readonly store: OutboxStore,
    private readonly now: () => number = Date.now,
    /** Asked for each pending share no relay holds; none: only age drops a share. */
    private readonly hopeless?: OutboxVerdict
  ) {}

  get size(): number {
    return this.pending.size
  }

  onAcknowledged(listener: (id: string) => void): () => void {
    this.ackListeners.add(listener)
    return () => this.ackListeners.delete(listener)
  }

  /** Loads shares left pending by earlier sessions of this network. */
  async restore(): Promise<void> {
    for (const entry of await this.store.listOutbox()) {
      if (entry.network !== this.network) continue
      this.pending.set(entry.id, {
        ...entry,
        isBlock: entry.block !== undefined,
        reached: false,
        blockReached: false,
        sentAt: 0
      })
    }
  }

  /** Keeps a share we found (id = share id hex), with its block message when it is a block, and records it in the history as pending. */
  async add(id: string, bytes: Uint8Array, isBlock: boolean, block?: Uint8Array): Promise<void> {
    const entry: OutboxEntry = {
      id,
      network: this.network,
      bytes,
      foundAt: this.now(),
      sends: 0,
      ...(block !== undefined ? { block } : {})
    }
    // The engine publishes the block message itself at the find; a 0-peer publish there is retried here.
    this.pending.set(id, { ...entry, isBlock, reached: false, blockReached: false, sentAt: 0 })
    await this.store.addToOutbox(entry)
    await this.store.recordHistory({ id, network: this.network, foundAt: entry.foundAt, status: 'pending', isBlock })
  }

  /**
   * Publishes every pending share in the order found, blocks first: every block message goes out before
   * any share, so a share whose previous block is one of ours meets a relay that already knows it.
   */
  async sendAll(transport: OutboxTransport): Promise<void> {
    const entries = [...this.pending.values()].sort((a, b) => a.foundAt - b.foundAt)
    for (const entry of entries) await this.sendBlock(transport, entry)
    for (const entry of entries) await this.send(transport, entry.id)
  }

  /**
   * The first send gossips the share; a re-send pushes it to a relay (see the top of this file), and
   * gossips it only when the push fails (no relay reachable), so a share is never sent less than before.
   */
  async send(transport: OutboxTransport, id: string): Promise<void> {
    const entry = this.pending.get(id)
    if (entry === undefined) return
    await this.sendBlock(transport, entry)
    const resend = entry.sends > 0
    entry.sends++
    entry.sentAt = this.now()
    if (resend) {
      const verdict = await transport.pushShare(entry.bytes).catch((err: Error) => {
        log.debug(`share ${id.slice(0, 16)} push (${entry.sends}) failed: ${err.message}`)
        return undefined
      })
      if (verdict !== undefined) {
        log.debug(
          `share ${id.slice(0, 16)} pushed (${entry.sends}): ${verdict.kind}${verdict.kind === 'accept' ? '' : ` ${verdict.reason}`}`
        )
        if (verdict.kind === 'accept') return await this.acknowledge(id)
        // The relay judged it: wait RESEND_AFTER_MS before the next try, unless it was only over its rate.
        if (verdict.kind === 'reject' || verdict.reason !== 'rate-limited') entry.reached = true
        return
      }
    }
    const peers = await transport.publish('share', entry.bytes)
    if (peers > 0) entry.reached = true
    log.debug(`share ${id.slice(0, 16)} sent (${entry.sends}) to ${peers} peers`)
  }

  /** The block message of a pending block, until it reached a peer once (gossipsub refuses a re-publish of the same id for its seen TTL). */
  private async sendBlock(
    transport: OutboxTransport,
    entry: { block?: Uint8Array; blockReached: boolean }
  ): Promise<void> {
    if (entry.block === undefined || entry.blockReached) return
    if ((await transport.publish('block', entry.block).catch(() => 0)) > 0) entry.blockReached = true
  }

  /** A share by another peer built on one of ours: that peer holds it. */
  async acknowledge(id: string): Promise<void> {
    const entry = this.pending.get(id)
    if (entry === undefined) return
    this.pending.delete(id)
    log.debug(`share ${id.slice(0, 16)} acknowledged after ${entry.sends} sends`)
    await this.store.removeFromOutbox(id)
    await this.store.recordHistory({
      id,
      network: this.network,
      foundAt: entry.foundAt,
      status: 'accepted',
      isBlock: entry.isBlock
    })
    for (const l of this.ackListeners) l(id)
  }

  /**
   * Sends what never reached a peer (published while no peer was on the topic) or went unacknowledged
   * for RESEND_AFTER_MS, then asks a relay which pending shares it holds; those are acknowledged. Of the
   * others, those the chain's rules say no relay can take any more, and very old ones, leave as stale,
   * the history saying why.
   */
  async checkAcks(transport: OutboxTransport): Promise<void> {
    const now = this.now()
    const due = [...this.pending.values()]
      .filter((e) => !e.reached || !e.blockReached || now - e.sentAt >= RESEND_AFTER_MS)
      .sort((a, b) => a.foundAt - b.foundAt)
    for (const entry of due) await this.sendBlock(transport, entry)
    for (const entry of due) {
      if (!entry.reached || now - entry.sentAt >= RESEND_AFTER_MS) await this.send(transport, entry.id)
    }
    const ids = [...this.pending.keys()].slice(0, ACK_CHECK_MAX_IDS)
    if (ids.length === 0) return
    const held = await transport.fetchSharesById(ids.map((id) => hexToBytes(id)))
    const heldIds = new Set(held.map((bytes) => bytesToHex(shareMessageId(bytes))))
    for (const id of ids) {
      if (heldIds.has(id)) await this.acknowledge(id)
      else await this.expireIfStale(id)
    }
  }

  /** Re-checks acknowledgements periodically until stopped. */
  startChecking(transport: OutboxTransport): void {
    this.stopChecking()
    this.timer = setInterval(() => {
      this.checkAcks(transport).catch((err: Error) => log.debug(`ack check failed: ${err.message}`))
    }, ACK_CHECK_INTERVAL_MS)
  }

  stopChecking(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** A share not held by the relay asked: dropped as stale when it can never be taken, or is too old. */
  private async expireIfStale(id: string): Promise<void> {
    const entry = this.pending.get(id)
    if (entry === undefined) return
    const reason =
      this.now() - entry.foundAt >= OUTBOX_MAX_AGE_MS
        ? `not acknowledged within ${OUTBOX_MAX_AGE_MS / 3_600_000} h`
        : this.hopeless?.(id, entry.bytes)
    if (reason === undefined) return
    this.pending.delete(id)
    log.info(`share ${id.slice(0, 16)} is stale after ${entry.sends} sends: ${reason}`)
    await this.store.removeFromOutbox(id)
    await this.store.recordHistory({
      id,
      network: this.network,
      foundAt: entry.foundAt,
      status: 'stale',
      reason,
      isBlock: entry.isBlock
    })
  }
}
