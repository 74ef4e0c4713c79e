// Which addresses the browser node may dial (docs/design.md, Network): public relays use wss://; plain ws://
// and private/loopback addresses only when the page itself came from such an origin (a local relay).
// The caller derives `allowInsecure` from the page's location; nothing here looks at `window`.
import type { ConnectionGater } from '@libp2p/interface'
import { isPrivate } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/** True for `/ws` without TLS underneath (`/tls/ws` and `/wss` are secure). */
export function isInsecureWebSocket(addr: Multiaddr): boolean {
  const names = addr.getComponents().map((c) => c.name)
  // Only the transport part before a circuit hop matters: `/p2p-circuit/webrtc` rides on it.
  const hop = names.indexOf('p2p-circuit')
  const transport = hop < 0 ? names : names.slice(0, hop)
  return transport.includes('ws') && !transport.includes('tls')
}

export function browserConnectionGater(allowInsecure: boolean): ConnectionGater {
  return {
    denyDialMultiaddr: (addr) => {
      if (allowInsecure) return false
      return isInsecureWebSocket(addr) || isPrivate(addr)
    }
  }
}

/** The rule for callers: a page served from http:// or from a private/loopback host may use local relays. */
export function allowInsecureForOrigin(origin: { protocol: string; hostname: string }): boolean {
  if (origin.protocol === 'http:') return true
  const host = origin.hostname
  return host === 'localhost' || host.endsWith('.local') || /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host) || host === '[::1]'
}
