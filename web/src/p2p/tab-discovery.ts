// Peer discovery on the discovery topic, split in two: relays (a directly dialable ws/wss address) go to
// libp2p as `peer:discovery` events, tabs (only relayed /p2p-circuit and /p2p-circuit/webrtc addresses)
// go to the WebRTC dialer alone.
//
// Why: the circuit-relay transport dials every peer libp2p discovers while it holds fewer relay
// reservations than it listens for (always, with one relay or during a relay outage), each dial aborted
// after 5 s. A tab announcement then made both tabs dial each other's /p2p-circuit/webrtc address at
// once, beside the WebRtcDialer's own one-side dial; under load the initiator halves did not finish in
// those 5 s, each tab was left with the recipient half of a connection the other side then aborted, and
// the direct link was gone as soon as the relay was (e2e/webrtc.e2e.ts failed that way in CI). Only
// the WebRtcDialer decides when a tab is dialled.
import {
  TypedEventEmitter,
  peerDiscoverySymbol,
  type PeerDiscovery,
  type PeerDiscoveryEvents,
  type PeerInfo
} from '@libp2p/interface'
import { pubsubPeerDiscovery } from '@libp2p/pubsub-peer-discovery'
import { isRelayAddress } from './relay-keeper'

type PubsubPeerDiscoveryInit = Parameters<typeof pubsubPeerDiscovery>[0]

/** The lifecycle hooks libp2p calls on a discovery module (pubsub discovery subscribes in afterStart). */
interface DiscoveryLifecycle {
  start?: () => void | Promise<void>
  afterStart?: () => void | Promise<void>
  beforeStop?: () => void | Promise<void>
  stop?: () => void | Promise<void>
  isStarted?: () => boolean
}

/** True when a peer announces an address we can dial without a relay in between (a relay). */
export function announcesRelay(info: PeerInfo): boolean {
  return info.multiaddrs.some(isRelayAddress)
}

export class RelayOnlyDiscovery extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery {
  readonly [peerDiscoverySymbol] = true
  readonly [Symbol.toStringTag] = 'otedama/relay-only-discovery'

  constructor(
    private readonly inner: PeerDiscovery & DiscoveryLifecycle,
    onTabSighting: (info: PeerInfo) => void
  ) {
    super()
    inner.addEventListener('peer', (evt) => {
      if (announcesRelay(evt.detail)) this.safeDispatchEvent('peer', { detail: evt.detail })
      else onTabSighting(evt.detail)
    })
  }

  isStarted(): boolean {
    return this.inner.isStarted?.() ?? true
  }

  async start(): Promise<void> {
    await this.inner.start?.()
  }

  async afterStart(): Promise<void> {
    await this.inner.afterStart?.()
  }

  async beforeStop(): Promise<void> {
    await this.inner.beforeStop?.()
  }

  async stop(): Promise<void> {
    await this.inner.stop?.()
  }
}

/** A libp2p peerDiscovery entry: pubsub discovery on `init.topics`, tabs handed to `onTabSighting`. */
export function relayOnlyPubsubDiscovery(init: PubsubPeerDiscoveryInit, onTabSighting: (info: PeerInfo) => void) {
  return (components: Parameters<ReturnType<typeof pubsubPeerDiscovery>>[0]): PeerDiscovery =>
    new RelayOnlyDiscovery(pubsubPeerDiscovery(init)(components) as PeerDiscovery & DiscoveryLifecycle, onTabSighting)
}
