// The relay's p2p config read as multiaddrs (not strings): bootstrap entries must parse and end in a peer
// id; the listen addresses follow the bind host's address family.
import { describe, expect, it } from 'vitest'
import { listenAddrs, RelayP2pConfigError, validateRelayP2pConfig, type RelayP2pConfig } from '../../src/p2p/config'

const PEER = '12D3KooWEnHfdrZ2tHKjC8nbNucHDn7UW8WgS9LPbxNRH3VeZ9Xd'
const base: RelayP2pConfig = { network: 'devnet', dataDir: '/tmp/x', host: '127.0.0.1', tcpPort: 30303, wsPort: 8081 }

describe('relay p2p config', () => {
  it('accepts bootstrap addresses that end in /p2p/<peer id>', () => {
    expect(() =>
      validateRelayP2pConfig({
        ...base,
        bootstrap: [`/ip4/10.0.0.2/tcp/30303/p2p/${PEER}`, `/dnsaddr/relays.example.org/p2p/${PEER}`]
      })
    ).not.toThrow()
  })

  it('refuses a bootstrap address without a trailing peer id, or one that is not a multiaddr', () => {
    expect(() => validateRelayP2pConfig({ ...base, bootstrap: ['/ip4/10.0.0.2/tcp/30303'] })).toThrow(
      /does not end in \/p2p\/<peer id>/
    )
    expect(() =>
      validateRelayP2pConfig({ ...base, bootstrap: [`/ip4/10.0.0.2/tcp/30303/p2p/${PEER}/p2p-circuit`] })
    ).toThrow(RelayP2pConfigError)
    expect(() => validateRelayP2pConfig({ ...base, bootstrap: ['relay.example.org:30303/p2p/x'] })).toThrow(
      /is not a multiaddr/
    )
  })

  it("listens on TCP and WebSockets in the bind host's address family", () => {
    expect(listenAddrs(base).map(String)).toEqual(['/ip4/127.0.0.1/tcp/30303', '/ip4/127.0.0.1/tcp/8081/ws'])
    expect(listenAddrs({ ...base, host: '::' }).map(String)).toEqual(['/ip6/::/tcp/30303', '/ip6/::/tcp/8081/ws'])
    expect(listenAddrs({ ...base, host: 'localhost', tcpPort: 0, wsPort: 0 }).map(String)).toEqual([
      '/ip4/127.0.0.1/tcp/0',
      '/ip4/127.0.0.1/tcp/0/ws'
    ])
    expect(() => validateRelayP2pConfig({ ...base, host: 'relay.example.org' })).toThrow(
      /host must be an IPv4 or IPv6 address/
    )
  })
})
