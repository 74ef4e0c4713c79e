// docs/design.md, Network: a browser allows plain ws:// and private addresses only when the page itself was
// served from such an origin (plain http, or a private host: a local relay); a page from a public https
// origin dials wss:// only. Same rule as the node's gater (web/src/p2p/gater.ts allowInsecureForOrigin).

const PRIVATE_IPV4 = [/^127\./, /^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./]

/** True for loopback, private and link-local hosts (IPv4, IPv6 loopback/ULA, localhost names). */
export function isLocalHost (hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || host.startsWith('fe80:')) return true
  return PRIVATE_IPV4.some((re) => re.test(host))
}

/** Whether a page served from `origin` may dial ws:// and private addresses. */
export function allowsInsecureLocal (origin: string): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  return url.protocol === 'http:' || isLocalHost(url.hostname)
}

/** The multiaddrs this page may dial: wss only from public origins; ws and private hosts from local ones. */
export function dialableRelayAddrs (addrs: readonly string[], allowInsecureLocal: boolean): string[] {
  return addrs.filter((addr) => {
    const secure = addr.includes('/wss') || addr.includes('/tls/ws')
    const websocket = secure || /\/ws(\/|$)/.test(addr)
    if (!websocket) return false
    const host = /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)/.exec(addr)?.[1] ?? ''
    if (allowInsecureLocal) return true
    return secure && !isLocalHost(host)
  })
}
