// Which addresses the browser node may dial (docs/design.md, Network): public relays use wss://; plain ws://
// and private/loopback addresses only when the page itself came from such an origin (a local relay).
// The caller derives `allowInsecure` from the page's location; nothing here looks at `window`.
import type { ConnectionGater } from '@libp2p/interface'
import { isPrivate } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { WebSockets } from '@multiformats/multiaddr-matcher'

/**
 * True for `/ws` without TLS underneath (`/tls/ws` and `/wss` are secure). The matcher reads the address
 * from its start, so a circuit hop (`.../ws/p2p/<relay>/p2p-circuit/webrtc`) is judged by the transport
 * it rides on.
 */
export function isInsecureWebSocket(addr: Multiaddr): boolean {
  return WebSockets.matches(addr)
}

export function browserConnectionGater(allowInsecure: boolean): ConnectionGater {
  return {
    denyDialMultiaddr: (addr) => {
      if (allowInsecure) return false
      return isInsecureWebSocket(addr) || isPrivate(addr)
    }
  }
}
