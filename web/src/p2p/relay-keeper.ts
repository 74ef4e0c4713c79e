// Failover (DESIGN.md, Network): the browser keeps direct links to at least two relays when it knows
// two. Relays are the peers we reached by WebSockets (bootstrap list, or announced on the discovery
// topic with a ws/wss address); every few seconds, if fewer than the wanted number are connected, dial
// the next known one.
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLogger } from '../../../shared/src/log'

const log = createLogger('p2p:relays')

/** Relays a browser keeps links to. */
export const WANTED_RELAY_LINKS = 2
/** How often (ms) the relay links are checked. */
export const RELAY_CHECK_INTERVAL_MS = 5_000
/** Relays remembered as candidates. */
export const MAX_KNOWN_RELAYS = 32

export function isRelayAddress(addr: Multiaddr): boolean {
  const names = addr.getComponents().map((c) => c.name)
  return (names.includes('ws') || names.includes('wss')) && !names.includes('p2p-circuit') && !names.includes('webrtc')
}

export class RelayKeeper {
  private readonly known = new Map<string, Multiaddr[]>()
  private timer: ReturnType<typeof setInterval> | undefined
  private checking = false

  constructor(private readonly node: Libp2p) {}

  start(): void {
    this.node.addEventListener('peer:discovery', (evt) => {
      const relayAddrs = evt.detail.multiaddrs.filter(isRelayAddress)
      if (relayAddrs.length > 0) this.remember(evt.detail.id, relayAddrs)
    })
    this.timer = setInterval(() => void this.check(), RELAY_CHECK_INTERVAL_MS)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  remember(peer: PeerId, addrs: Multiaddr[]): void {
    if (this.known.size >= MAX_KNOWN_RELAYS && !this.known.has(peer.toString())) return
    this.known.set(peer.toString(), addrs)
  }

  /** Relays we hold a direct (WebSocket) link to. */
  connectedRelays(): string[] {
    return [...this.known.keys()].filter((id) => this.node.getConnections().some((c) => c.remotePeer.toString() === id && c.limits == null))
  }

  async check(): Promise<void> {
    if (this.checking) return
    this.checking = true
    try {
      const connected = new Set(this.connectedRelays())
      for (const [id, addrs] of this.known) {
        if (connected.size >= WANTED_RELAY_LINKS) break
        if (connected.has(id)) continue
        try {
          await this.node.dial(addrs)
          connected.add(id)
        } catch (err) {
          log.debug(`relay ${id} unreachable: ${(err as Error).message}`)
        }
      }
    } finally {
      this.checking = false
    }
  }
}
