// The browser's address rules, now read by @multiformats/multiaddr-matcher and @libp2p/utils' private-address
// check: which links are relayed, which addresses are WebRTC or a relay's WebSockets, what the gater refuses,
// and which relay addresses and origins count as local.
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { browserConnectionGater, isInsecureWebSocket } from '../../src/p2p/gater'
import { isRelayAddress } from '../../src/p2p/relay-keeper'
import { isWebRtcAddress } from '../../src/p2p/webrtc-dialer'
import { allowsInsecureLocal, dialableRelayAddrs, isLocalHost } from '../../src/peer/dial-policy'
import { linkOf } from '../../src/peer/libp2p-network'

const RELAY = '12D3KooWEnHfdrZ2tHKjC8nbNucHDn7UW8WgS9LPbxNRH3VeZ9Xd'
const TAB = '12D3KooWJQzvxHneHcVeNTRsLZLqVY6wZZnhScD8bCK6FxAYDyfu'

const ma = (s: string): Multiaddr => multiaddr(s)
const wsRelay = `/ip4/127.0.0.1/tcp/8081/ws/p2p/${RELAY}`
const wssRelay = `/dns4/relay.example.org/tcp/443/wss/p2p/${RELAY}`
const circuit = `${wssRelay}/p2p-circuit/p2p/${TAB}`
const circuitWebRtc = `${wssRelay}/p2p-circuit/webrtc/p2p/${TAB}`

describe('link kind of a connection', () => {
  const conn = (remoteAddr: string, multiplexer = '/yamux/1.0.0', limits?: object) => ({
    remoteAddr: ma(remoteAddr),
    multiplexer,
    limits
  })

  it('recognises a connection through a relay circuit as relayed', () => {
    expect(linkOf(conn(circuit, '/yamux/1.0.0', { bytes: 131_072n }))).toBe('relayed')
    expect(linkOf(conn(`${wsRelay}/p2p-circuit/p2p/${TAB}`))).toBe('relayed')
  })

  it('takes a direct WebSockets connection for what it is, and unlimited WebRTC as direct WebRTC', () => {
    expect(linkOf(conn(wsRelay))).toBe('websocket')
    expect(linkOf(conn(wssRelay))).toBe('websocket')
    expect(linkOf(conn(circuitWebRtc, '/webrtc'))).toBe('webrtc')
  })
})

describe('address kinds', () => {
  it('a WebRTC address is one through a circuit or a bare /webrtc, not a WebSockets one', () => {
    expect(isWebRtcAddress(ma(circuitWebRtc))).toBe(true)
    expect(isWebRtcAddress(ma(`/webrtc/p2p/${TAB}`))).toBe(true)
    expect(isWebRtcAddress(ma(circuit))).toBe(false)
    expect(isWebRtcAddress(ma(wsRelay))).toBe(false)
  })

  it('a relay address is a direct ws, wss or tls/ws address; nothing relayed or WebRTC', () => {
    expect(isRelayAddress(ma(wsRelay))).toBe(true)
    expect(isRelayAddress(ma(wssRelay))).toBe(true)
    expect(isRelayAddress(ma('/dns4/relay.example.org/tcp/443/tls/sni/relay.example.org/ws'))).toBe(true)
    expect(isRelayAddress(ma(circuit))).toBe(false)
    expect(isRelayAddress(ma(circuitWebRtc))).toBe(false)
    expect(isRelayAddress(ma(`/ip4/127.0.0.1/tcp/30303/p2p/${RELAY}`))).toBe(false)
  })

  it('plain /ws is insecure, also as the transport under a circuit hop; wss and tls/ws are not', () => {
    expect(isInsecureWebSocket(ma(wsRelay))).toBe(true)
    expect(isInsecureWebSocket(ma(`${wsRelay}/p2p-circuit/webrtc/p2p/${TAB}`))).toBe(true)
    expect(isInsecureWebSocket(ma(wssRelay))).toBe(false)
    expect(isInsecureWebSocket(ma(circuitWebRtc))).toBe(false)
    expect(isInsecureWebSocket(ma('/ip4/8.8.8.8/tcp/443/tls/ws'))).toBe(false)
  })
})

describe('private and public addresses', () => {
  it('the gater of a public page refuses private hosts and plain ws, and lets public wss through', () => {
    const gate = browserConnectionGater(false)
    const denied = (s: string): boolean => gate.denyDialMultiaddr!(ma(s)) as boolean
    expect(denied('/ip4/192.168.1.4/tcp/443/wss')).toBe(true)
    expect(denied('/ip4/10.0.0.7/tcp/443/wss')).toBe(true)
    expect(denied('/ip6/::1/tcp/443/wss')).toBe(true)
    expect(denied('/ip6/fd12:3456::1/tcp/443/wss')).toBe(true)
    expect(denied('/ip4/8.8.8.8/tcp/80/ws')).toBe(true)
    expect(denied('/ip4/8.8.8.8/tcp/443/wss')).toBe(false)
    expect(denied(wssRelay)).toBe(false)
    expect(browserConnectionGater(true).denyDialMultiaddr!(ma('/ip4/192.168.1.4/tcp/80/ws'))).toBe(false)
  })

  it('local hosts: loopback, private, link-local and localhost names; public ones are not', () => {
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.10',
      '169.254.1.1',
      '::1',
      '[::1]',
      'fd00::5',
      'fe80::1',
      'localhost',
      'pool.localhost'
    ]) {
      expect(isLocalHost(host), host).toBe(true)
    }
    for (const host of ['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', 'pool.example.org']) {
      expect(isLocalHost(host), host).toBe(false)
    }
  })

  it('origins: plain http or a private host may use local relays, a public https one may not', () => {
    expect(allowsInsecureLocal('https://[::1]:8443')).toBe(true)
    expect(allowsInsecureLocal('https://10.0.0.2')).toBe(true)
    expect(allowsInsecureLocal('https://8.8.8.8')).toBe(false)
    expect(allowsInsecureLocal('https://192.168.1.4')).toBe(true)
    expect(allowsInsecureLocal('https://relay.local:8443')).toBe(true)
    expect(allowsInsecureLocal('http://pool.example.org')).toBe(true)
    expect(allowsInsecureLocal('https://pool.example.org')).toBe(false)
  })

  it('dialable relay addresses: public wss only from a public page; direct ones only; junk dropped', () => {
    const addrs = [
      wsRelay,
      wssRelay,
      '/ip6/fd00::5/tcp/443/wss',
      '/ip4/8.8.8.8/tcp/443/tls/ws',
      circuit,
      `/ip4/127.0.0.1/tcp/30303/p2p/${RELAY}`,
      'not a multiaddr'
    ]
    expect(dialableRelayAddrs(addrs, false)).toEqual([wssRelay, '/ip4/8.8.8.8/tcp/443/tls/ws'])
    expect(dialableRelayAddrs(addrs, true)).toEqual([
      wsRelay,
      wssRelay,
      '/ip6/fd00::5/tcp/443/wss',
      '/ip4/8.8.8.8/tcp/443/tls/ws'
    ])
  })
})
