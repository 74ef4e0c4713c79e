// Browser test bundle for e2e/webrtc.e2e.ts: starts the real browser node in a page and exposes a few
// calls on `window.otedamaTest`. Test shares: the share encoding's frame with real sha256d PoW under an
// easy target (most significant hash byte zero), so the validator tells valid from forged.
import { bytesToHex } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { ACCEPT, reject, SHARE_HEADER_OFFSET, type Verdict } from '@otedama/shared/p2p'
import { createBrowserNode, type BrowserNode } from '../../src/p2p'
import { setLogLevel } from '@otedama/shared/log'
if (new URLSearchParams(location.search).has('debug')) setLogLevel('debug')

const HEADER_BYTES = 80

function headerOf(share: Uint8Array): Uint8Array {
  return share.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES)
}

function mine(label: string): Uint8Array {
  const share = new Uint8Array(SHARE_HEADER_OFFSET + HEADER_BYTES + 300)
  share[0] = 1
  const header = headerOf(share)
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES)
  header.set(sha256d(new TextEncoder().encode(label)), 36)
  for (let nonce = 0; ; nonce++) {
    view.setUint32(76, nonce, true)
    if (sha256d(header)[31] === 0) return share
  }
}

function validate(bytes: Uint8Array): Verdict {
  if (bytes.length < SHARE_HEADER_OFFSET + HEADER_BYTES || bytes.length > 4096) return reject('size')
  return sha256d(headerOf(bytes))[31] === 0 ? ACCEPT : reject('pow')
}

let node: BrowserNode | undefined
const received: string[] = []
/** gossipsub recipients of each publish() call, in order (a test that misses a share says where it went). */
const publishRecipients: number[] = []
/** Connections opened and closed, in order, for a failing test's message. */
const connectionEvents: string[] = []

// --- bench (bench/p2p-browser.bench.ts): shares stamped with the sender's wall clock in the payload ----
/** Payload offset of the float64 send stamp (outside the header: the share id is unchanged). */
const STAMP_OFFSET = SHARE_HEADER_OFFSET + HEADER_BYTES
/** Bench latencies kept at most (bounded memory). */
const MAX_BENCH_LATENCIES = 100_000
const wallNowMs = (): number => performance.timeOrigin + performance.now()
let premined: Uint8Array[] = []
let benchLatencies: number[] = []

function recordLatency(bytes: Uint8Array): void {
  if (bytes.length < STAMP_OFFSET + 8 || benchLatencies.length >= MAX_BENCH_LATENCIES) return
  const sent = new DataView(bytes.buffer, bytes.byteOffset + STAMP_OFFSET).getFloat64(0)
  if (sent > 0) benchLatencies.push(wallNowMs() - sent)
}

const api = {
  /** `unbounded`: no per-peer gossip rate bound (the bench's 1000 shares/s from one tab exceeds it). */
  async start(relayAddr: string, unbounded = false): Promise<string> {
    node = await createBrowserNode(
      {
        network: 'devnet',
        relays: [relayAddr],
        allowInsecure: true,
        iceServers: [],
        ...(unbounded ? { floodGuard: { messagesPerSecond: Infinity } } : {})
      },
      { validators: { share: validate } }
    )
    node.on('share', (bytes) => {
      received.push(bytesToHex(sha256d(headerOf(bytes))))
      recordLatency(bytes)
    })
    for (const type of ['connection:open', 'connection:close'] as const) {
      node.libp2p.addEventListener(type, (evt) => {
        const c = evt.detail
        connectionEvents.push(
          `${(performance.now() / 1000).toFixed(2)} ${type} ${c.remotePeer.toString().slice(-6)} ${c.multiplexer ?? '-'} ${c.limits == null ? 'direct' : 'limited'} ${c.direction} ${c.status}`
        )
      })
    }
    await node.start()
    return node.peerId.toString()
  },
  /** Our circuit (WebRTC-dialable) addresses once a reservation is held. */
  webrtcAddrs: (): string[] =>
    node!
      .multiaddrs()
      .map(String)
      .filter((a) => a.includes('/webrtc')),
  async dial(addr: string): Promise<void> {
    const { multiaddr } = await import('@multiformats/multiaddr')
    await node!.libp2p.dial(multiaddr(addr))
  },
  connections: () =>
    node!.libp2p.getConnections().map((c) => ({
      peer: c.remotePeer.toString(),
      multiplexer: c.multiplexer ?? null,
      limited: c.limits != null,
      addr: c.remoteAddr.toString()
    })),
  directPeers: (): string[] => node!.directPeers(),
  meshPeers: (): number => {
    const pubsub = node!.libp2p.services.pubsub as unknown as { mesh: Map<string, Set<string>> }
    return pubsub.mesh.get('/otedama/devnet/share/1')?.size ?? 0
  },
  async publish(label: string): Promise<string> {
    const share = mine(label)
    publishRecipients.push(await node!.publish('share', share))
    return bytesToHex(sha256d(headerOf(share)))
  },
  received: (): string[] => received.slice(),
  publishRecipients: (): number[] => publishRecipients.slice(),
  connectionEvents: (): string[] => connectionEvents.slice(),
  /** Mines `count` shares ahead of a bench run, so mining does not share the publishing loop's time. */
  premine(count: number, label: string): void {
    premined = Array.from({ length: count }, (_, i) => mine(`${label} ${i}`))
  },
  /** Publishes the premined shares at `perSecond`, each stamped as it leaves; resolves when all left. */
  async blast(perSecond: number): Promise<number> {
    const start = performance.now()
    let sent = 0
    for (const share of premined) {
      new DataView(share.buffer, share.byteOffset + STAMP_OFFSET).setFloat64(0, wallNowMs())
      void node!.publish('share', share)
      sent++
      const due = start + (sent * 1000) / perSecond
      if (due - performance.now() > 4) await new Promise((resolve) => setTimeout(resolve, due - performance.now()))
    }
    premined = []
    return (sent * 1000) / (performance.now() - start)
  },
  /** Latencies (ms) of stamped shares received since the last call. */
  takeLatencies(): number[] {
    const taken = benchLatencies
    benchLatencies = []
    return taken
  },
  async stop(): Promise<void> {
    await node?.stop()
  }
}

;(globalThis as unknown as { otedamaTest: typeof api }).otedamaTest = api
