// docs/design.md, Network: a browser allows plain ws:// and private addresses only when the page itself was
// served from such an origin (plain http, or a private host: a local relay); a page from a public https
// origin dials wss:// only. The node's gater (web/src/p2p/gater.ts) is built with this answer.

import { getNetConfig, isPrivateIp } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'

/** True for loopback, private and link-local hosts (IPv4, IPv6 loopback/ULA/link-local, localhost and mDNS .local names). */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true
  return isPrivateIp(host) === true
}

/** Whether a page served from `origin` may dial ws:// and private addresses. */
export function allowsInsecureLocal(origin: string): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  return url.protocol === 'http:' || isLocalHost(url.hostname)
}

/**
 * The multiaddrs this page may dial: direct WebSockets addresses only (no circuit hop), wss only from public
 * origins; ws and private hosts from local ones. Strings that are not multiaddrs are dropped.
 */
export function dialableRelayAddrs(addrs: readonly string[], allowInsecureLocal: boolean): string[] {
  return addrs.filter((addr) => {
    const ma = parseMultiaddr(addr)
    if (ma === undefined) return false
    const secure = WebSocketsSecure.exactMatch(ma)
    if (!secure && !WebSockets.exactMatch(ma)) return false
    if (allowInsecureLocal) return true
    return secure && !isLocalHost(getNetConfig(ma).host)
  })
}

function parseMultiaddr(addr: string): Multiaddr | undefined {
  try {
    return multiaddr(addr)
  } catch {
    return undefined
  }
}
