// Browsers reach each other directly: a browser announces its `/p2p-circuit/webrtc` addresses (through
// its relay reservation) on the discovery topic; on discovering one we dial it, the relay carries the
// SDP/ICE signalling, and the data then flows browser to browser.
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLogger } from '../../../shared/src/log'

const log = createLogger('p2p:webrtc')

/** Direct WebRTC links a browser keeps (gossipsub's mesh wants D = 6; a few spare). */
export const MAX_BROWSER_LINKS = 8

export function isWebRtcAddress(addr: Multiaddr): boolean {
  return addr.getComponents().some((c) => c.name === 'webrtc')
}

export class WebRtcDialer {
  private readonly dialing = new Set<string>()
  dialed = 0
  failed = 0

  constructor(private readonly node: Libp2p) {}

  start(): void {
    this.node.addEventListener('peer:discovery', (evt) => {
      const addrs = evt.detail.multiaddrs.filter(isWebRtcAddress)
      if (addrs.length > 0) void this.dial(evt.detail.id.toString(), addrs)
    })
  }

  /** Connections that are direct WebRTC (not the relayed signalling link). */
  directLinks(): number {
    return this.node.getConnections().filter((c) => c.multiplexer === '/webrtc' && c.limits == null).length
  }

  private async dial(peer: string, addrs: Multiaddr[]): Promise<void> {
    if (this.dialing.has(peer) || this.directLinks() >= MAX_BROWSER_LINKS) return
    if (this.node.getConnections().some((c) => c.remotePeer.toString() === peer && c.multiplexer === '/webrtc')) return
    this.dialing.add(peer)
    try {
      await this.node.dial(addrs)
      this.dialed++
    } catch (err) {
      this.failed++
      log.debug(`WebRTC dial to ${peer} failed: ${(err as Error).message}`)
    } finally {
      this.dialing.delete(peer)
    }
  }
}
