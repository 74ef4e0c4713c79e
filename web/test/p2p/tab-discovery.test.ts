import { TypedEventEmitter, peerDiscoverySymbol, type PeerDiscoveryEvents, type PeerInfo } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { RelayOnlyDiscovery } from '../../src/p2p/tab-discovery'

const RELAY = '12D3KooWRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR'
const TAB = '12D3KooWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

/** Stands in for pubsub peer discovery: emits what a decoded announcement would, and logs lifecycle calls. */
class AnnouncementSource extends TypedEventEmitter<PeerDiscoveryEvents> {
  readonly [peerDiscoverySymbol] = true
  readonly [Symbol.toStringTag] = 'announcements'
  readonly calls: string[] = []
  start(): void {
    this.calls.push('start')
  }
  afterStart(): void {
    this.calls.push('afterStart')
  }
  beforeStop(): void {
    this.calls.push('beforeStop')
  }
  stop(): void {
    this.calls.push('stop')
  }
  announce(info: PeerInfo): void {
    this.safeDispatchEvent('peer', { detail: info })
  }
}

const relayInfo = (): PeerInfo => ({
  id: peerIdFromString(RELAY),
  multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}`), multiaddr(`/ip4/127.0.0.1/tcp/4002/p2p/${RELAY}`)]
})
const tabInfo = (): PeerInfo => ({
  id: peerIdFromString(TAB),
  multiaddrs: [
    multiaddr(`/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${TAB}`),
    multiaddr(`/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}/p2p-circuit/p2p/${TAB}`)
  ]
})

describe('RelayOnlyDiscovery', () => {
  it('tells libp2p about relays and only the WebRTC dialer about tabs', () => {
    const source = new AnnouncementSource()
    const tabs: string[] = []
    const discovery = new RelayOnlyDiscovery(source as never, (info) => tabs.push(info.id.toString()))
    const toLibp2p: string[] = []
    discovery.addEventListener('peer', (evt) => toLibp2p.push(evt.detail.id.toString()))
    source.announce(tabInfo())
    source.announce(relayInfo())
    expect(toLibp2p).toEqual([RELAY])
    expect(tabs).toEqual([TAB])
  })

  it('passes libp2p lifecycle calls through (pubsub discovery subscribes in afterStart)', async () => {
    const source = new AnnouncementSource()
    const discovery = new RelayOnlyDiscovery(source as never, () => undefined)
    await discovery.start()
    await discovery.afterStart()
    await discovery.beforeStop()
    await discovery.stop()
    expect(source.calls).toEqual(['start', 'afterStart', 'beforeStop', 'stop'])
  })
})
