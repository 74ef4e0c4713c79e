import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import {
  dialsFirst,
  FIRST_RETRY_DELAY_MS,
  MAX_DIAL_ATTEMPTS,
  RESPONDER_GRACE_MS,
  WebRtcDialer,
  type DialTimers
} from '../../src/p2p/webrtc-dialer'

const LOW = '12D3KooWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const HIGH = '12D3KooWZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ'
const RELAY = '12D3KooWRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR'

/** Timers run by hand: `advance(ms)` fires every timer due by then, in order. */
class ManualTimers implements DialTimers {
  now = 0
  private next = 0
  private readonly pending = new Map<number, { at: number; fn: () => void }>()
  set(fn: () => void, ms: number): unknown {
    const handle = ++this.next
    this.pending.set(handle, { at: this.now + ms, fn })
    return handle
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number)
  }
  get scheduled(): number {
    return this.pending.size
  }
  async advance(ms: number): Promise<void> {
    const until = this.now + ms
    for (;;) {
      await settle()
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (due === undefined) break
      this.pending.delete(due[0])
      this.now = due[1].at
      due[1].fn()
      await settle()
    }
    this.now = until
  }
}

/** The part of libp2p the dialer uses: connections, dial. */
class FakeNode {
  readonly dials: string[] = []
  /** Dials that fail before one succeeds. */
  failNext = 0
  connections: Array<{ remotePeer: { toString(): string }; multiplexer: string; limits: undefined }> = []
  readonly timers = new ManualTimers()
  readonly dialer: WebRtcDialer
  constructor(readonly self: string) {
    this.dialer = new WebRtcDialer(this as never, this.timers)
  }
  get peerId() {
    return { toString: () => this.self }
  }
  getConnections() {
    return this.connections
  }
  async dial(addrs: Multiaddr[]): Promise<void> {
    this.dials.push(addrs.map(String).join(','))
    if (this.failNext > 0) {
      this.failNext--
      throw new Error('signal timed out')
    }
    this.link(addrs[0].toString().split('/p2p/').pop()!)
  }
  link(peer: string): void {
    this.connections.push({ remotePeer: { toString: () => peer }, multiplexer: '/webrtc', limits: undefined })
  }
  sight(peer: string): void {
    const addr = multiaddr(`/ip4/127.0.0.1/tcp/1/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${peer}`)
    this.dialer.sighted({
      id: { toString: () => peer } as never,
      multiaddrs: [addr, multiaddr('/ip4/127.0.0.1/tcp/2/ws')]
    })
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

  it('the lower id dials on the first sighting, its WebRTC address only', async () => {
    const node = new FakeNode(LOW)
    node.sight(HIGH)
    await settle()
    expect(node.dials).toHaveLength(1)
    expect(node.dials[0]).toContain(`/p2p-circuit/webrtc/p2p/${HIGH}`)
    expect(node.dials[0]).not.toContain('tcp/2')
  })

  it('the higher id waits out the grace period, then dials without another sighting', async () => {
    const node = new FakeNode(HIGH)
    node.sight(LOW)
    await node.timers.advance(RESPONDER_GRACE_MS - 1)
    expect(node.dials).toHaveLength(0)
    await node.timers.advance(1)
    expect(node.dials).toHaveLength(1)
  })

  it('the higher id never dials a peer that linked to it', async () => {
    const node = new FakeNode(HIGH)
    node.sight(LOW)
    node.link(LOW)
    await node.timers.advance(RESPONDER_GRACE_MS * 2)
    expect(node.dials).toHaveLength(0)
    expect(node.timers.scheduled).toBe(0)
  })

  it('retries a failed dial with backoff (identical announcements arrive only once), and stops once linked', async () => {
    const node = new FakeNode(LOW)
    node.failNext = 2
    node.sight(HIGH)
    await settle()
    expect(node.dials).toHaveLength(1)
    await node.timers.advance(FIRST_RETRY_DELAY_MS - 1)
    expect(node.dials).toHaveLength(1)
    await node.timers.advance(1)
    expect(node.dials).toHaveLength(2) // second failure: the next try waits twice as long
    await node.timers.advance(2 * FIRST_RETRY_DELAY_MS - 1)
    expect(node.dials).toHaveLength(2)
    await node.timers.advance(1)
    expect(node.dials).toHaveLength(3)
    expect(node.dialer.directLinks()).toBe(1)
    await node.timers.advance(10 * RESPONDER_GRACE_MS)
    expect(node.dials).toHaveLength(3)
    expect(node.timers.scheduled).toBe(0)
  })

  it('gives up after MAX_DIAL_ATTEMPTS until the peer is sighted again, and stop() cancels retries', async () => {
    const node = new FakeNode(LOW)
    node.failNext = Infinity
    node.sight(HIGH)
    await node.timers.advance(3_600_000)
    expect(node.dials).toHaveLength(MAX_DIAL_ATTEMPTS)
    node.sight(HIGH)
    await settle()
    await node.timers.advance(1)
    expect(node.dials).toHaveLength(MAX_DIAL_ATTEMPTS + 1)
    node.dialer.stop()
    expect(node.timers.scheduled).toBe(0)
  })
})
