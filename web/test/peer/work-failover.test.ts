// The tab's work source when its relay goes away (failover), on the real session, quorum follower and
// share state with a scripted network: where no quorum can exist the tab believes the page's relay
// alone; when that relay's link closes, it believes another linked relay alone at once and mines on its
// template, and says so; with nobody else linked at that moment it moves as soon as a relay links.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { bytesToHex, sha256d } from '@otedama/shared/primitives'
import { encodeSignedTemplate, peerIdBytesOf, signTemplate } from '@otedama/shared/quorum'
import { shareChainRules, type TemplateAnnouncement } from '@otedama/shared/sharechain'
import type { Verdict } from '@otedama/shared/p2p'
import type { BrowserNetwork, BrowserNetworkInit, RelayLinkView } from '../../src/peer/network'
import type { OutboxStore } from '../../src/peer/outbox'
import { PeerSession } from '../../src/peer/session'

const params = getChainParams('devnet')
let keys: { a: PrivateKey; b: PrivateKey }
const ids = { a: '', b: '' }
const sessions: PeerSession[] = []

beforeAll(async () => {
  keys = { a: await generateKeyPair('Ed25519'), b: await generateKeyPair('Ed25519') }
  ids.a = peerIdFromPrivateKey(keys.a).toString()
  ids.b = peerIdFromPrivateKey(keys.b).toString()
})

afterEach(async () => {
  await Promise.all(sessions.splice(0).map(async (s) => await s.stop()))
})

function announcement(height: number, curtime: number): TemplateAnnouncement {
  return {
    networkTag: shareChainRules(params).networkTag,
    prevHash: sha256d(Uint8Array.of(height)),
    height,
    version: 0x20000000,
    bits: 0x1e00ffff,
    curtime,
    coinbaseValue: 50_0000_0000n,
    witnessCommitment: undefined,
    merkleBranch: []
  }
}

const memoryStore: OutboxStore = {
  addToOutbox: async () => {},
  removeFromOutbox: async () => {},
  listOutbox: async () => [],
  recordHistory: async () => {}
}

/** A network whose relay links the test sets; it fires the session's link listeners when told. */
class ScriptedNetwork implements BrowserNetwork {
  readonly selfId = 'tab'
  links: RelayLinkView[] = []
  init!: BrowserNetworkInit
  private readonly up = new Set<() => void>()
  private readonly down = new Set<(id: string) => void>()
  topicPeers(): number {
    return 1
  }
  async publish(): Promise<number> {
    return 1
  }
  on(): () => void {
    return () => {}
  }
  async syncWindow(): Promise<Uint8Array[]> {
    return []
  }
  async fetchSharesById(): Promise<Uint8Array[]> {
    return []
  }
  async pushShare(): Promise<Verdict> {
    return { kind: 'ignore', reason: 'no relay in this test' }
  }
  peers(): [] {
    return []
  }
  onRelayConnected(h: () => void): () => void {
    this.up.add(h)
    return () => this.up.delete(h)
  }
  onRelayDown(h: (id: string) => void): () => void {
    this.down.add(h)
    return () => this.down.delete(h)
  }
  relayHealth(): RelayLinkView[] {
    return this.links
  }
  relayErred(): void {}
  async stop(): Promise<void> {}
  link(id: string, connected: boolean): void {
    this.links = [
      ...this.links.filter((l) => l.id !== id),
      { id, connected, recentErrors: 0, score: connected ? 0 : -1_000_000 }
    ]
  }

  relayDown(id: string): void {
    this.link(id, false)
    for (const h of this.down) h(id)
  }
  relayUp(id: string): void {
    this.link(id, true)
    for (const h of this.up) h()
  }
  /** A signed template of `key` arriving on gossip, through the session's own validator. */
  async gossipTemplate(key: PrivateKey, a: TemplateAnnouncement): Promise<void> {
    const verdict = await this.init.validators.template?.(encodeSignedTemplate(await signTemplate(a, key)), 'relay')
    expect(verdict?.kind).toBe('accept')
  }
}

/** A session on the page's relay A (no quorum can exist: an empty window), mining on A's template. */
async function joinedOnA(): Promise<{ session: PeerSession; net: ScriptedNetwork }> {
  const net = new ScriptedNetwork()
  const signedA = encodeSignedTemplate(await signTemplate(announcement(5, 1_000), keys.a))
  const session = new PeerSession(
    'http://127.0.0.1:8080',
    { network: 'devnet', peerId: ids.a, multiaddrs: [`/ip4/127.0.0.1/tcp/30304/ws/p2p/${ids.a}`] },
    {
      createNetwork: async (init) => {
        net.init = init
        return net
      },
      fetchWork: async () => ({ signedTemplate: signedA, attestations: [] }),
      store: memoryStore
    }
  )
  sessions.push(session)
  net.link(ids.a, true)
  await session.join()
  expect(session.template?.publisherHex).toBe(bytesToHex(peerIdBytesOf(keys.a.publicKey)))
  expect(session.trust().level).toBe('relay-alone')
  return { session, net }
}

describe('work source failover with no quorum possible', () => {
  it('the page relay dies: the tab believes the other linked relay alone at once and mines on its template', async () => {
    const { session, net } = await joinedOnA()
    net.link(ids.b, true)
    await net.gossipTemplate(keys.b, announcement(5, 1_001))
    // B's template is not believed while A is (no quorum: one relay's word).
    expect(session.template?.publisherHex).toBe(bytesToHex(peerIdBytesOf(keys.a.publicKey)))
    net.relayDown(ids.a)
    const bHex = bytesToHex(peerIdBytesOf(keys.b.publicKey))
    expect(session.template?.publisherHex).toBe(bHex)
    expect(session.template?.announcement.curtime).toBe(1_001)
    const trust = session.trust()
    expect(trust.level).toBe('relay-alone')
    expect(trust.relay !== undefined && bytesToHex(trust.relay)).toBe(bHex)
    // Templates of B that come later are believed; A's, back again, are not (B is the one believed now).
    await net.gossipTemplate(keys.b, announcement(6, 1_002))
    expect(session.template?.announcement.height).toBe(6)
    net.relayUp(ids.a)
    await net.gossipTemplate(keys.a, announcement(7, 1_003))
    expect(session.template?.publisherHex).toBe(bHex)
  })

  it('nobody else linked when the relay died: the first relay that links becomes the work source', async () => {
    const { session, net } = await joinedOnA()
    net.relayDown(ids.a)
    // Still A's last template: there is nothing else to mine on.
    expect(session.template?.publisherHex).toBe(bytesToHex(peerIdBytesOf(keys.a.publicKey)))
    await net.gossipTemplate(keys.b, announcement(5, 1_001))
    net.relayUp(ids.b)
    expect(session.template?.publisherHex).toBe(bytesToHex(peerIdBytesOf(keys.b.publicKey)))
  })
})
