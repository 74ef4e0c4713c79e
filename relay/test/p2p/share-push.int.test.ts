// The share-push protocol over real libp2p: a peer pushes a share straight to a relay, past gossipsub's
// seen cache, and reads back the relay's verdict. The relay judges it as a live gossip share from that
// peer (validator, scoring), holds and forwards an accepted one, and refuses an oversized frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import {
  decodePushVerdict,
  frameStream,
  MAX_SHARE_MESSAGE_BYTES,
  networkProtocols,
  SHARE_PUSH_MAX_REPLY_BYTES
} from '@otedama/shared/p2p'
import {
  forgedShare,
  mineTestShare,
  shareIdOf,
  startTestNode,
  stopTestNodes,
  tcpAddr,
  waitFor,
  type TestNode
} from './fixtures'

const protocols = networkProtocols('devnet')

function holds(n: TestNode, share: Uint8Array): boolean {
  return n.store.byId.has(bytesToHex(shareIdOf(share)))
}

describe('share push (relay + Node peer, loopback)', () => {
  let relay: TestNode
  let pusher: TestNode

  beforeAll(async () => {
    relay = await startTestNode()
    pusher = await startTestNode({ bootstrap: [tcpAddr(relay.node)] })
    // The pusher is a gossip peer of the relay's (so the relay scores it) and is on the share topic (so
    // it hears what the relay forwards).
    await waitFor('the pusher on the relay share topic', () => relay.node.topicPeers('share').subscribers >= 1)
    await waitFor('the relay on the pusher share topic', () => pusher.node.topicPeers('share').subscribers >= 1)
  })

  afterAll(async () => {
    await stopTestNodes([pusher, relay])
  })

  it('a pushed share is held by the relay, answered accept, and forwarded on gossip', async () => {
    const share = mineTestShare('pushed-1')
    const verdict = await pusher.node.pushShare(relay.node.peerId, share)
    expect(verdict).toEqual({ kind: 'accept' })
    expect(holds(relay, share)).toBe(true)
    expect(relay.received.map(bytesToHex)).toContain(bytesToHex(share))
    // The pusher never published it, so its seen cache lets the relay's forward through.
    await waitFor('the relay to forward the pushed share on gossip', () =>
      pusher.received.some((s) => bytesToHex(s) === bytesToHex(share))
    )
    expect(relay.node.metrics().sharePush.accepted).toBe(1)
  })

  it('the same share pushed again is answered as a duplicate, at no cost to the pusher', async () => {
    const share = mineTestShare('pushed-2')
    expect(await pusher.node.pushShare(relay.node.peerId, share)).toEqual({ kind: 'accept' })
    const again = await pusher.node.pushShare(relay.node.peerId, share)
    expect(again).toEqual({ kind: 'ignore', reason: 'duplicate' })
    expect(relay.rejectedFrom).toEqual([])
    expect(relay.node.scoreOf(pusher.node.peerId)).toBeGreaterThanOrEqual(0)
  })

  it('an invalid share is answered reject and lowers the pusher score', async () => {
    const before = relay.node.scoreOf(pusher.node.peerId)
    const verdict = await pusher.node.pushShare(relay.node.peerId, forgedShare('pushed-forged'))
    expect(verdict).toEqual({ kind: 'reject', reason: 'pow' })
    expect(relay.rejectedFrom).toEqual([pusher.node.peerId.toString()])
    await waitFor('the pusher score to fall', () => relay.node.scoreOf(pusher.node.peerId) < Math.min(before, 0))
  })

  it('an oversized frame is refused before its payload is read', async () => {
    // pushShare refuses to send one; a hostile peer writes the frame itself.
    await expect(pusher.node.pushShare(relay.node.peerId, new Uint8Array(MAX_SHARE_MESSAGE_BYTES + 1))).rejects.toThrow(
      /above the/
    )
    const stream = frameStream(await pusher.node.libp2p.dialProtocol(relay.node.peerId, protocols.sharePush))
    await stream.write(new Uint8Array(MAX_SHARE_MESSAGE_BYTES + 1).fill(1))
    const verdict = decodePushVerdict(await stream.read(SHARE_PUSH_MAX_REPLY_BYTES))
    expect(verdict).toEqual({ kind: 'reject', reason: 'too-large' })
    await stream.close().catch(() => undefined)
    expect(relay.node.metrics().sharePush.refused).toBe(1)
    expect(relay.store.byId.size).toBe(2) // only the two valid shares above
  })
})
