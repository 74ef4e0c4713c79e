// Failover (docs/design.md, Network): the browser keeps direct links to at least two relays when it knows
// two. Relays are the peers we reached by WebSockets (bootstrap list, or announced on the discovery
// topic with a ws/wss address). When a relay link closes, the others are told at once (the tab moves
// its work source) and the keeper redials right away, then with a doubling backoff per failed dial
// (relay-health.ts); every few seconds it also tops the links up and reads their round trips. The round
// trip is the one libp2p's connection monitor measures (it pings every link every 10 s and closes a link
// whose ping fails, which is what tells us a relay vanished without closing). We no longer ping on our
// own: with a second ping every 5 s beside the monitor's, live links closed about every 10 s under load
// (39 and 32 per tab in one bench/failover.bench.ts run; 3 and 2, all at outages, without it). Our
// reading, not shown: two pings at once on one link meet the ping protocol's limit of two inbound
// streams per connection, the monitor's is refused, and it closes the link.
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { createLogger } from '@otedama/shared/log'
import { RelayHealthBook } from './relay-health'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('p2p:relays')

/** Relays a browser keeps links to. */
export const WANTED_RELAY_LINKS = 2
/** How often (ms) the relay links are checked (and their round trips read). */
export const RELAY_CHECK_INTERVAL_MS = 5_000
/** Relays remembered as candidates. */
export const MAX_KNOWN_RELAYS = 32

/** A direct WebSockets address (ws, wss or tls/ws, optionally ending in the peer id): nothing relayed, no WebRTC. */
export function isRelayAddress(addr: Multiaddr): boolean {
  return WebSockets.exactMatch(addr) || WebSocketsSecure.exactMatch(addr)
}

export class RelayKeeper {
  private readonly known = new Map<string, Multiaddr[]>()
  private readonly downListeners = new Set<(relayId: string) => void>()
  private readonly upListeners = new Set<(relayId: string) => void>()
  private timer: ReturnType<typeof setInterval> | undefined
  private retry: ReturnType<typeof setTimeout> | undefined
  private checking = false
  readonly health: RelayHealthBook

  constructor(
    private readonly node: Libp2p,
    health = new RelayHealthBook()
  ) {
    this.health = health
  }

  start(): void {
    this.node.addEventListener('peer:discovery', (evt) => {
      const relayAddrs = evt.detail.multiaddrs.filter(isRelayAddress)
      if (relayAddrs.length > 0) this.remember(evt.detail.id, relayAddrs)
    })
    this.node.addEventListener('connection:open', (evt) => this.onOpen(evt.detail))
    this.node.addEventListener('connection:close', (evt) => this.onClose(evt.detail))
    this.timer = setInterval(() => {
      void this.check()
      this.readLatencies()
    }, RELAY_CHECK_INTERVAL_MS)
  }

  stop(): void {
    clearInterval(this.timer)
    clearTimeout(this.retry)
  }

  /** Called when a relay's last direct link closes (its id). */
  onRelayDown(listener: (relayId: string) => void): () => void {
    this.downListeners.add(listener)
    return () => this.downListeners.delete(listener)
  }

  /** Called when a relay link comes (back) up. */
  onRelayUp(listener: (relayId: string) => void): () => void {
    this.upListeners.add(listener)
    return () => this.upListeners.delete(listener)
  }

  remember(peer: PeerId, addrs: Multiaddr[]): void {
    if (this.known.size >= MAX_KNOWN_RELAYS && !this.known.has(peer.toString())) return
    this.known.set(peer.toString(), addrs)
  }

  /** Relays we hold a direct (WebSocket) link to. */
  connectedRelays(): string[] {
    return [...this.known.keys()].filter((id) => this.isLinked(id))
  }

  async check(): Promise<void> {
    if (this.checking) return
    this.checking = true
    try {
      const connected = new Set(this.connectedRelays())
      for (const [id, addrs] of this.known) {
        if (connected.size >= WANTED_RELAY_LINKS) break
        if (connected.has(id) || !this.health.dialDue(id)) continue
        try {
          await this.node.dial(addrs)
          connected.add(id)
        } catch (err) {
          this.health.dialFailed(id)
          log.debug(`relay ${id} unreachable: ${errorMessage(err)}`)
        }
      }
    } finally {
      this.checking = false
    }
    this.scheduleRetry()
  }

  private isLinked(id: string): boolean {
    return this.node
      .getConnections()
      .some((c) => c.remotePeer.toString() === id && c.limits == null && c.status === 'open')
  }

  private onOpen(conn: Connection): void {
    const id = conn.remotePeer.toString()
    if (!this.known.has(id) && isRelayAddress(conn.remoteAddr)) this.remember(conn.remotePeer, [conn.remoteAddr])
    if (!this.known.has(id) || conn.limits != null) return
    if (!this.health.get(id).connected)
      log.info(`relay ${id} linked; ${this.connectedRelays().length} relay link(s), ${this.known.size} relay(s) known`)
    this.health.linked(id)
    for (const l of this.upListeners) l(id)
  }

  private onClose(conn: Connection): void {
    const id = conn.remotePeer.toString()
    if (!this.known.has(id) || conn.limits != null || this.isLinked(id)) return
    log.info(`relay ${id} link closed; moving on and redialling`)
    this.health.dropped(id)
    for (const l of this.downListeners) l(id)
    void this.check()
  }

  /** The next dial due by backoff, when fewer relays than wanted are linked. */
  private scheduleRetry(): void {
    clearTimeout(this.retry)
    if (this.connectedRelays().length >= WANTED_RELAY_LINKS) return
    const due = [...this.known.keys()].filter((id) => !this.isLinked(id)).map((id) => this.health.get(id).nextDialAt)
    if (due.length === 0) return
    const wait = Math.max(0, Math.min(...due) - Date.now())
    if (wait >= RELAY_CHECK_INTERVAL_MS) return // the interval check comes first
    this.retry = setTimeout(() => void this.check(), wait)
  }

  /** Each relay link's round trip as the connection monitor last measured it (`Connection.rtt`). */
  private readLatencies(): void {
    for (const conn of this.node.getConnections()) {
      const id = conn.remotePeer.toString()
      if (conn.limits != null || conn.rtt === undefined || !this.known.has(id)) continue
      this.health.latency(id, conn.rtt)
    }
  }
}
