// Browsers reach each other directly: a browser announces its `/p2p-circuit/webrtc` addresses (through
// its relay reservation) on the discovery topic; on discovering one we dial it, the relay carries the
// SDP/ICE signalling, and the data then flows browser to browser.
//
// One side dials. Discovery is symmetric, so two tabs see each other within the same announcement
// interval and, dialling at once, open two RTCPeerConnections over two relayed signalling links. Under CPU
// load (e2e/webrtc.e2e.ts with two busy loops beside it) the initiator half of both often never
// completed: each tab was left holding only the recipient half of a different connection, which the
// other side aborted a few seconds after the relay went away. So the tab whose peer id sorts lower
// dials; the other waits, and dials itself only if a later sighting of that peer, at least
// RESPONDER_GRACE_MS after the first, still finds no direct link (the lower tab may be full or its dial
// may have failed).
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLogger } from '@otedama/shared/log'
import { errorMessage, BoundedMap } from '@otedama/shared/util'

const log = createLogger('p2p:webrtc')

/** Direct WebRTC links a browser keeps (gossipsub's mesh wants D = 6; a few spare). */
export const MAX_BROWSER_LINKS = 8
/** How long the higher-id tab leaves the dial to the lower-id one before dialling itself (ms). */
export const RESPONDER_GRACE_MS = 8_000
/** Peers whose first sighting we remember at most (the rest are simply treated as new). */
const MAX_REMEMBERED_SIGHTINGS = 1_000

export function isWebRtcAddress(addr: Multiaddr): boolean {
  return addr.getComponents().some((c) => c.name === 'webrtc')
}

/** True when the tab with id `self` is the one that dials `peer` first (the lower id dials). */
export function dialsFirst(self: string, peer: string): boolean {
  return self < peer
}

export class WebRtcDialer {
  private readonly dialing = new Set<string>()
  private readonly firstSeenMs = new BoundedMap<string, number>(MAX_REMEMBERED_SIGHTINGS)
  dialed = 0
  failed = 0

  constructor(
    private readonly node: Libp2p,
    private readonly now: () => number = Date.now
  ) {}

  start(): void {
    this.node.addEventListener('peer:discovery', (evt) => {
      const addrs = evt.detail.multiaddrs.filter(isWebRtcAddress)
      if (addrs.length > 0) void this.onSighting(evt.detail.id.toString(), addrs)
    })
  }

  /** Connections that are direct WebRTC (not the relayed signalling link). */
  directLinks(): number {
    return this.node.getConnections().filter((c) => c.multiplexer === '/webrtc' && c.limits == null).length
  }

  private hasDirectLink(peer: string): boolean {
    return this.node.getConnections().some((c) => c.remotePeer.toString() === peer && c.multiplexer === '/webrtc')
  }

  private async onSighting(peer: string, addrs: Multiaddr[]): Promise<void> {
    if (this.hasDirectLink(peer)) {
      this.firstSeenMs.delete(peer)
      return
    }
    if (!dialsFirst(this.node.peerId.toString(), peer)) {
      const now = this.now()
      const first = this.firstSeenMs.get(peer)
      if (first === undefined) {
        this.firstSeenMs.set(peer, now)
        return
      }
      if (now - first < RESPONDER_GRACE_MS) return
    }
    await this.dial(peer, addrs)
  }

  private async dial(peer: string, addrs: Multiaddr[]): Promise<void> {
    if (this.dialing.has(peer) || this.directLinks() >= MAX_BROWSER_LINKS || this.hasDirectLink(peer)) return
    this.dialing.add(peer)
    log.debug(`dialling ${peer} over WebRTC (${dialsFirst(this.node.peerId.toString(), peer) ? 'lower id dials first' : 'no link after the grace period'})`)
    try {
      await this.node.dial(addrs)
      this.dialed++
      this.firstSeenMs.delete(peer)
    } catch (err) {
      this.failed++
      log.debug(`WebRTC dial to ${peer} failed: ${errorMessage(err)}`)
    } finally {
      this.dialing.delete(peer)
    }
  }
}
