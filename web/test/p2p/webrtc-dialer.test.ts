import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { dialsFirst, RESPONDER_GRACE_MS, WebRtcDialer } from '../../src/p2p/webrtc-dialer'

const LOW = '12D3KooWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const HIGH = '12D3KooWZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ'
const RELAY = '12D3KooWRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR'

/** The part of libp2p the dialer uses: discovery events, connections, dial. */
class FakeNode {
  readonly dials: string[] = []
  connections: Array<{ remotePeer: { toString(): string }; multiplexer: string; limits: undefined }> = []
  private listener: ((evt: { detail: { id: { toString(): string }; multiaddrs: Multiaddr[] } }) => void) | undefined
  constructor(readonly self: string) {}
  get peerId() {
    return { toString: () => this.self }
  }
  addEventListener(_type: string, listener: NonNullable<FakeNode['listener']>): void {
    this.listener = listener
  }
  getConnections() {
    return this.connections
  }
  async dial(addrs: Multiaddr[]): Promise<void> {
    this.dials.push(addrs.map(String).join(','))
  }
  sight(peer: string): void {
    const addr = multiaddr(`/ip4/127.0.0.1/tcp/1/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${peer}`)
    this.listener!({ detail: { id: { toString: () => peer }, multiaddrs: [addr, multiaddr('/ip4/127.0.0.1/tcp/2/ws')] } })
  }
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
}

describe('WebRtcDialer: one side dials', () => {
  it('orders the pair by peer id', () => {
    expect(dialsFirst(LOW, HIGH)).toBe(true)
    expect(dialsFirst(HIGH, LOW)).toBe(false)
  })

  it('the lower id dials on the first sighting', async () => {
    const node = new FakeNode(LOW)
    new WebRtcDialer(node as never).start()
    node.sight(HIGH)
    await settle()
    expect(node.dials).toHaveLength(1)
    expect(node.dials[0]).toContain(`/p2p-circuit/webrtc/p2p/${HIGH}`)
    expect(node.dials[0]).not.toContain('tcp/2')
  })

  it('the higher id waits, then dials when a sighting after the grace period still finds no link', async () => {
    let now = 1_000_000
    const node = new FakeNode(HIGH)
    new WebRtcDialer(node as never, () => now).start()
    node.sight(LOW)
    now += RESPONDER_GRACE_MS - 1
    node.sight(LOW)
    await settle()
    expect(node.dials).toHaveLength(0)
    now += 1
    node.sight(LOW)
    await settle()
    expect(node.dials).toHaveLength(1)
  })

  it('the higher id never dials a peer that linked to it', async () => {
    let now = 1_000_000
    const node = new FakeNode(HIGH)
    new WebRtcDialer(node as never, () => now).start()
    node.sight(LOW)
    node.connections.push({ remotePeer: { toString: () => LOW }, multiplexer: '/webrtc', limits: undefined })
    now += RESPONDER_GRACE_MS * 2
    node.sight(LOW)
    await settle()
    expect(node.dials).toHaveLength(0)
  })
})
