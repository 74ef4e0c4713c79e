// Browser test bundle for e2e/webrtc.e2e.ts: starts the real browser node in a page and exposes a few
// calls on `window.otedamaTest`. Test shares: the share encoding's frame with real sha256d PoW under an
// easy target (most significant hash byte zero), so the validator tells valid from forged.
import { bytesToHex } from '../../../shared/src/primitives/bytes'
import { sha256d } from '../../../shared/src/primitives/hash'
import { ACCEPT, reject, SHARE_HEADER_OFFSET, type Verdict } from '../../../shared/src/p2p'
import { createBrowserNode, type BrowserNode } from '../../src/p2p'

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

const api = {
  async start(relayAddr: string): Promise<string> {
    node = await createBrowserNode(
      { network: 'devnet', relays: [relayAddr], allowInsecure: true, iceServers: [] },
      { validators: { share: validate } }
    )
    node.onShare((bytes) => received.push(bytesToHex(sha256d(headerOf(bytes)))))
    await node.start()
    return node.peerId.toString()
  },
  /** Our circuit (WebRTC-dialable) addresses once a reservation is held. */
  webrtcAddrs: (): string[] => node!.multiaddrs().map(String).filter((a) => a.includes('/webrtc')),
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
    await node!.publishShare(share)
    return bytesToHex(sha256d(headerOf(share)))
  },
  received: (): string[] => received.slice(),
  async stop(): Promise<void> {
    await node?.stop()
  }
}

;(globalThis as unknown as { otedamaTest: typeof api }).otedamaTest = api
