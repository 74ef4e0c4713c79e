// The browser peer's core without a browser: a relay-signed template believed (the page's relay alone:
// no quorum of weighted relays exists in an empty window), jobs built from it, shares mined at devnet's tiny share target, validated by the shared rules into our
// chain, and the Pool numbers derived from it; the outbox's acknowledgement rules; the dial policy.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { beforeAll, describe, expect, it } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { decodeDevnetBlock, encodeDevnetBlock } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { meetsTarget } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import {
  NO_WEIGHTS,
  encodeAttestation,
  encodeSignedTemplate,
  peerIdBytesOf,
  signAttestation,
  signTemplate
} from '@otedama/shared/quorum'
import type { TemplateAnnouncement } from '@otedama/shared/sharechain'
import type { Verdict } from '@otedama/shared/p2p'
import type { FoundShare } from '../../src/miner/job'
import { allowsInsecureLocal, dialableRelayAddrs } from '../../src/peer/dial-policy'
import { buildPeerJob, extranonceFor, shareBytesOf, type PeerJob } from '../../src/peer/job-factory'
import { RESEND_AFTER_MS, ShareOutbox, type OutboxStore } from '../../src/peer/outbox'
import { poolSnapshot } from '../../src/peer/pool-feed'
import { ShareState } from '../../src/peer/share-state'
import { TemplateQuorum, type ConfirmedTemplate } from '../../src/peer/template-quorum'
import type { HistoryEntry, OutboxEntry } from '../../src/storage/db'

const params = getChainParams('devnet')
const me = p2wpkhScript(new Uint8Array(20).fill(1))
const other = p2wpkhScript(new Uint8Array(20).fill(2))
let relayKey: PrivateKey
let strangerKey: PrivateKey

beforeAll(async () => {
  relayKey = await generateKeyPair('Ed25519')
  strangerKey = await generateKeyPair('Ed25519')
})

function announcement(state: ShareState, height = 5): TemplateAnnouncement {
  return {
    networkTag: state.rules.networkTag,
    prevHash: sha256d(Uint8Array.of(height)),
    height,
    version: 0x20000000,
    bits: 0x1e00ffff,
    curtime: Math.floor(Date.now() / 1000),
    coinbaseValue: 50_0000_0000n,
    witnessCommitment: undefined,
    merkleBranch: []
  }
}

/** The tab's quorum with the page's relay `relayKey` and an empty window: no quorum can exist. */
function loneQuorum(state: ShareState): TemplateQuorum {
  return new TemplateQuorum({
    networkTag: state.rules.networkTag,
    weights: () => NO_WEIGHTS,
    loneRelay: peerIdBytesOf(relayKey.publicKey)
  })
}

async function confirmedTemplate(state: ShareState, height = 5): Promise<ConfirmedTemplate> {
  const quorum = loneQuorum(state)
  let confirmed: ConfirmedTemplate | undefined
  quorum.onConfirmed((t) => {
    confirmed = t
  })
  const signed = encodeSignedTemplate(await signTemplate(announcement(state, height), relayKey))
  expect((await quorum.takeSignedTemplate(signed)).kind).toBe('accept')
  if (confirmed === undefined) throw new Error('template not confirmed')
  state.addTemplate(confirmed.id, confirmed.announcement)
  state.anchor(confirmed.announcement.prevHash, confirmed.announcement.height - 1)
  return confirmed
}

/** Grinds nonces on extranonce2 = 0 until the header meets the share target (devnet: ~256 tries). */
function mine(job: PeerJob): FoundShare {
  const header80 = job.mining.buildHeader(0)
  const view = new DataView(header80.buffer)
  for (let nonce = 0; nonce < 1_000_000; nonce++) {
    view.setUint32(76, nonce, true)
    const hash = sha256d(header80)
    if (meetsTarget(hash, job.mining.shareTarget)) {
      return {
        jobId: job.jobId,
        extranonce2: 0,
        nonce,
        header80: header80.slice(),
        hash,
        meetsShareTarget: true,
        meetsBlockTarget: false
      }
    }
  }
  throw new Error('no share found')
}

describe('browser peer core', () => {
  it('with no quorum possible, a template signed by the page relay is believed; one by another relay is not', async () => {
    const state = new ShareState(params)
    expect((await confirmedTemplate(state)).trust).toBe('relay-alone')
    const quorum = loneQuorum(state)
    let confirmed = false
    quorum.onConfirmed(() => {
      confirmed = true
    })
    const stranger = encodeSignedTemplate(await signTemplate(announcement(state, 9), strangerKey))
    expect((await quorum.takeSignedTemplate(stranger)).kind).toBe('accept') // a good signature
    expect(confirmed).toBe(false) // but not one the committee holds
    const forged = stranger.slice()
    forged[forged.length - 1] ^= 1
    expect((await quorum.takeSignedTemplate(forged)).kind).toBe('reject')
  })

  it('mines shares on its own coinbase that the shared validator accepts, and builds on them', async () => {
    const state = new ShareState(params)
    const template = await confirmedTemplate(state)
    const extranonce1 = Uint8Array.of(1, 2, 3, 4)
    const job1 = buildPeerJob({
      state,
      template,
      payoutScript: me,
      extranonce1,
      seq: 0,
      now: Math.floor(Date.now() / 1000)
    })
    const first = state.addLive(shareBytesOf(job1, mine(job1), state.rules.networkTag), 'mine')
    expect(first.verdict).toEqual({ kind: 'accept' })
    expect(state.tip?.height).toBe(0)

    const job2 = buildPeerJob({
      state,
      template,
      payoutScript: me,
      extranonce1,
      seq: 1,
      now: Math.floor(Date.now() / 1000)
    })
    expect(job2.shareJob.parent?.key).toBe(state.tip?.key)
    const found = mine(job2)
    const bytes = shareBytesOf(job2, found, state.rules.networkTag)
    expect(state.addLive(bytes).verdict).toEqual({ kind: 'accept' })
    expect(state.addLive(bytes).verdict.kind).toBe('ignore') // a duplicate is not punished

    // The extranonce in the share is extranonce1 then the pool-rolled extranonce2.
    expect(bytesToHex(extranonceFor(extranonce1, 0x01020304))).toBe('0102030404030201')

    const snap = poolSnapshot(state, bytesToHex(me), template.announcement)
    expect(snap.tipHeight).toBe(1)
    expect(snap.windowCount).toBe(2)
    expect(snap.myWindowShares).toBe(2)
    const bonus = (template.announcement.coinbaseValue * BigInt(state.rules.finderBonusPpm)) / 1_000_000n
    expect(snap.myExpectedPayout).toBe(template.announcement.coinbaseValue - bonus) // alone in the window
    expect(poolSnapshot(state, bytesToHex(other), template.announcement).myExpectedPayout).toBe(0n)
    expect(snap.recentShares.map((s) => s.mine)).toEqual([true, true])
  })

  it('a share paying another script than its coinbase is rejected', async () => {
    const state = new ShareState(params)
    const template = await confirmedTemplate(state)
    const job = buildPeerJob({
      state,
      template,
      payoutScript: me,
      extranonce1: Uint8Array.of(9, 9, 9, 9),
      seq: 0,
      now: Math.floor(Date.now() / 1000)
    })
    const found = mine(job)
    const lying = { ...job, shareJob: { ...job.shareJob, info: { ...job.shareJob.info, payoutScript: other } } }
    const verdict = state.addLive(shareBytesOf(lying, found, state.rules.networkTag)).verdict
    expect(verdict.kind).toBe('reject')
  })

  it('synced history is taken oldest first and a later tab derives the same tip', async () => {
    const a = new ShareState(params)
    const template = await confirmedTemplate(a)
    for (let i = 0; i < 4; i++) {
      const job = buildPeerJob({
        state: a,
        template,
        payoutScript: i % 2 === 0 ? me : other,
        extranonce1: Uint8Array.of(i, 0, 0, 0),
        seq: i,
        now: Math.floor(Date.now() / 1000)
      })
      expect(a.addLive(shareBytesOf(job, mine(job), a.rules.networkTag)).verdict.kind).toBe('accept')
    }
    const b = new ShareState(params)
    await confirmedTemplate(b)
    const tipFirst = [...a.chain.ancestors(a.tip!, 10)].map((n) => n.bytes)
    for (const bytes of tipFirst.reverse()) expect(b.addSynced(bytes).verdict.kind).toBe('accept')
    expect(b.tip?.key).toBe(a.tip?.key)
    expect(poolSnapshot(b, bytesToHex(me), template.announcement).myExpectedPayout).toBe(
      poolSnapshot(a, bytesToHex(me), template.announcement).myExpectedPayout
    )
  })
})

describe('history stitching', () => {
  it('a share ignored as not fresh joins as history once a descendant builds on it', async () => {
    // B mined S1 on block 5's template, then S2 on block 6's; A only knows block 6 (it joined later).
    const b = new ShareState(params)
    const t5 = await confirmedTemplate(b, 5)
    const job1 = buildPeerJob({
      state: b,
      template: t5,
      payoutScript: other,
      extranonce1: Uint8Array.of(7, 7, 7, 7),
      seq: 0,
      now: Math.floor(Date.now() / 1000)
    })
    const s1 = shareBytesOf(job1, mine(job1), b.rules.networkTag)
    expect(b.addLive(s1).verdict.kind).toBe('accept')
    const a = new ShareState(params)
    const t6 = await confirmedTemplate(a, 6)
    const job2 = buildPeerJob({
      state: b,
      template: t6,
      payoutScript: other,
      extranonce1: Uint8Array.of(7, 7, 7, 7),
      seq: 1,
      now: Math.floor(Date.now() / 1000)
    })
    const s2 = shareBytesOf(job2, mine(job2), b.rules.networkTag)

    const first = a.addLive(s1)
    expect(first.verdict).toMatchObject({ kind: 'ignore', reason: 'unknown-block' })
    expect(a.tip).toBeUndefined()
    expect(a.addLive(s2).verdict).toEqual({ kind: 'accept' })
    expect(a.tip?.height).toBe(1)
    expect(a.chain.getById(first.id!)).toBeDefined()
  })
})

describe('block statuses', () => {
  it("with no quorum possible, the page relay's block attestation sets the status; a stranger's does not", async () => {
    const state = new ShareState(params)
    const quorum = loneQuorum(state)
    const statuses: string[] = []
    quorum.onBlockStatus((hash, claim) => statuses.push(`${hash.slice(0, 8)} ${claim}`))
    const block = sha256d(Uint8Array.of(42))
    const attest = async (key: PrivateKey, claim: 'accepted' | 'confirmed', time: number): Promise<Uint8Array> =>
      encodeAttestation(
        await signAttestation(
          { networkTag: state.rules.networkTag, subjectKind: 'block', claim, subjectId: block, time },
          key
        )
      )
    expect((await quorum.takeAttestation(await attest(strangerKey, 'accepted', 1))).kind).toBe('ignore')
    expect(statuses).toEqual([])
    expect((await quorum.takeAttestation(await attest(relayKey, 'accepted', 1))).kind).toBe('accept')
    expect((await quorum.takeAttestation(await attest(relayKey, 'confirmed', 2))).kind).toBe('accept')
    expect(statuses).toEqual([
      `${bytesToHex(block).slice(0, 8)} accepted`,
      `${bytesToHex(block).slice(0, 8)} confirmed`
    ])
    const forged = await attest(relayKey, 'accepted', 3)
    forged[forged.length - 1] ^= 1
    expect((await quorum.takeAttestation(forged)).kind).toBe('reject')
  })
})

describe('share outbox', () => {
  function memoryStore(): OutboxStore & { outbox: Map<string, OutboxEntry>; history: Map<string, HistoryEntry> } {
    const outbox = new Map<string, OutboxEntry>()
    const history = new Map<string, HistoryEntry>()
    return {
      outbox,
      history,
      addToOutbox: async (e) => {
        outbox.set(e.id, e)
      },
      removeFromOutbox: async (id) => {
        outbox.delete(id)
      },
      listOutbox: async () => [...outbox.values()],
      recordHistory: async (e) => {
        history.set(e.id, e)
      }
    }
  }

  it('keeps a share until a relay holds it, re-sending meanwhile, and survives a restart', async () => {
    const store = memoryStore()
    const share = new Uint8Array(200).fill(7)
    const id = bytesToHex(sha256d(share.subarray(9, 89)))
    const published: Uint8Array[] = []
    let relayHolds = false
    const transport = {
      publish: async (_kind: 'share' | 'block', bytes: Uint8Array) => {
        published.push(bytes)
        return 1
      },
      fetchSharesById: async () => (relayHolds ? [share] : []),
      // No relay answers a push here: a re-send falls back to gossip.
      pushShare: async (): Promise<Verdict> => {
        throw new Error('no relay reachable')
      }
    }
    let clock = 1_000_000
    const outbox = new ShareOutbox('devnet', store, () => clock)
    await outbox.add(id, share, false)
    await outbox.send(transport, id)
    await outbox.checkAcks(transport)
    expect(published).toHaveLength(1) // reached a peer: not sent again at once
    clock += RESEND_AFTER_MS
    await outbox.checkAcks(transport)
    expect(published).toHaveLength(2) // unacknowledged past gossip's seen TTL: sent again
    published.length = 0
    expect(outbox.size).toBe(1)
    expect(store.history.get(id)?.status).toBe('pending')

    const restarted = new ShareOutbox('devnet', store) // a reload: the outbox comes back from IndexedDB
    await restarted.restore()
    expect(restarted.size).toBe(1)
    await restarted.sendAll(transport)
    expect(published).toHaveLength(1) // a reload sends what waited
    relayHolds = true
    const acked: string[] = []
    restarted.onAcknowledged((x) => acked.push(x))
    await restarted.checkAcks(transport)
    expect(acked).toEqual([id])
    expect(restarted.size).toBe(0)
    expect(store.outbox.size).toBe(0)
    expect(store.history.get(id)?.status).toBe('accepted')
  })

  it('a re-send goes by direct push, past a gossip re-publish that reaches 0 peers, and an accept acknowledges it at once', async () => {
    const store = memoryStore()
    const share = new Uint8Array(200).fill(9)
    const id = bytesToHex(sha256d(share.subarray(9, 89)))
    const published: Uint8Array[] = []
    const pushed: Uint8Array[] = []
    let asked = 0
    // The relays died and came back: gossipsub's seen cache drops a re-publish of the same bytes, so it
    // reaches nobody, and the relay's view does not hold the share (a by-id ask finds nothing).
    const transport = {
      publish: async (_kind: 'share' | 'block', bytes: Uint8Array) => {
        published.push(bytes)
        return published.length === 1 ? 1 : 0
      },
      fetchSharesById: async () => {
        asked++
        return []
      },
      pushShare: async (bytes: Uint8Array): Promise<Verdict> => {
        pushed.push(bytes)
        return { kind: 'accept' }
      }
    }
    const outbox = new ShareOutbox('devnet', store, () => 5_000_000)
    const acked: string[] = []
    outbox.onAcknowledged((x) => acked.push(x))
    await outbox.add(id, share, false)
    await outbox.send(transport, id) // the first send is gossip
    expect(published).toEqual([share])
    expect(pushed).toEqual([])
    await outbox.sendAll(transport) // a relay link came back: the re-send
    expect(pushed).toEqual([share])
    expect(published).toHaveLength(1) // not re-published on gossip, where it would reach 0 peers
    expect(acked).toEqual([id])
    expect(outbox.size).toBe(0)
    expect(store.outbox.size).toBe(0)
    expect(store.history.get(id)?.status).toBe('accepted')
    await outbox.checkAcks(transport)
    expect(asked).toBe(0) // nothing left to ask about
  })

  it('a pushed share the relay does not take stays pending and is not pushed again before RESEND_AFTER_MS', async () => {
    const store = memoryStore()
    const share = new Uint8Array(200).fill(5)
    const id = bytesToHex(sha256d(share.subarray(9, 89)))
    let pushes = 0
    const transport = {
      publish: async () => 0,
      fetchSharesById: async () => [],
      pushShare: async (): Promise<Verdict> => {
        pushes++
        return { kind: 'ignore', reason: 'unknown-parent' }
      }
    }
    let clock = 7_000_000
    const outbox = new ShareOutbox('devnet', store, () => clock)
    await outbox.add(id, share, false)
    await outbox.send(transport, id) // gossip reached no peer
    await outbox.checkAcks(transport) // never reached one: re-sent, by push
    expect(pushes).toBe(1)
    await outbox.checkAcks(transport) // the relay judged it: not pushed again at once
    expect(pushes).toBe(1)
    clock += RESEND_AFTER_MS
    await outbox.checkAcks(transport)
    expect(pushes).toBe(2)
    expect(outbox.size).toBe(1)
    expect(store.history.get(id)?.status).toBe('pending')
  })
})

describe('share outbox: shares that can never be taken', () => {
  it('a share no relay holds, that the chain says no relay can take any more, leaves as stale with the reason', async () => {
    const history = new Map<string, HistoryEntry>()
    const outboxed = new Map<string, OutboxEntry>()
    const store: OutboxStore = {
      addToOutbox: async (e) => {
        outboxed.set(e.id, e)
      },
      removeFromOutbox: async (id) => {
        outboxed.delete(id)
      },
      listOutbox: async () => [...outboxed.values()],
      recordHistory: async (e) => {
        history.set(e.id, e)
      }
    }
    const hopeless = new Set(['aa'])
    const transport = {
      publish: async () => 1,
      fetchSharesById: async () => [],
      pushShare: async (): Promise<Verdict> => ({ kind: 'ignore', reason: 'stale-share' })
    }
    const outbox = new ShareOutbox('devnet', store, Date.now, (id) =>
      hopeless.has(id) ? 'stale-share: too deep to be named as an uncle' : undefined
    )
    await outbox.add('aa', new Uint8Array(200).fill(1), false)
    await outbox.add('bb', new Uint8Array(200).fill(2), false)
    await outbox.checkAcks(transport)
    // The one that can still be taken waits on (re-sent, asked again); the other is said stale, and why.
    expect(outbox.size).toBe(1)
    expect([...outboxed.keys()]).toEqual(['bb'])
    expect(history.get('aa')).toMatchObject({
      status: 'stale',
      reason: 'stale-share: too deep to be named as an uncle'
    })
    expect(history.get('bb')?.status).toBe('pending')
  })

  it('the chain says a share can never be taken only off the best chain and too deep to be an uncle', async () => {
    const state = new ShareState(params)
    const template = await confirmedTemplate(state)
    const extranonce1 = Uint8Array.of(9, 9, 9, 9)
    let seq = 0
    const job = (x1 = extranonce1): PeerJob =>
      buildPeerJob({
        state,
        template,
        payoutScript: me,
        extranonce1: x1,
        seq: seq++,
        now: Math.floor(Date.now() / 1000)
      })
    const next = (): Uint8Array => {
      const j = job()
      return shareBytesOf(j, mine(j), state.rules.networkTag)
    }
    const add = (bytes: Uint8Array): string => {
      const r = state.addLive(bytes, 'mine')
      expect(r.verdict).toEqual({ kind: 'accept' })
      return bytesToHex(r.id!)
    }
    add(next())
    // Two finds on the same parent; only the first reaches our chain for now.
    const jobA = job()
    const jobB = job(Uint8Array.of(8, 8, 8, 8)) // another session's slice: another share
    const a = shareBytesOf(jobA, mine(jobA), state.rules.networkTag)
    const b = shareBytesOf(jobB, mine(jobB), state.rules.networkTag)
    const idA = add(a)
    const idB = bytesToHex(sha256d(b.subarray(9, 89)))
    expect(idB).not.toBe(idA)
    for (let i = 0; i < state.rules.maxUncleDepth - 1; i++) add(next())
    // Not in our chain, but the next share could still name it as an uncle.
    expect(state.tip!.height - 1).toBe(state.rules.maxUncleDepth - 1)
    expect(state.neverTaken(idB, b)).toBeUndefined()
    add(next())
    expect(state.neverTaken(idB, b)).toMatch(/^stale-share: height 1 is off the best chain and 3 below its tip/)
    // Held on a side branch that no best-chain share named (it came too late): the same.
    expect(state.addSynced(b).verdict).toEqual({ kind: 'accept' })
    expect(state.chain.get(idB)).toBeDefined()
    expect(state.neverTaken(idB, b)).toMatch(/^stale-share: height 1 /)
    expect(state.neverTaken(idA, a)).toBeUndefined() // on the best chain: fetched with its descendants
  })
})

describe('share outbox: blocks found offline', () => {
  it('keeps a block message with its share, sends every block before any share after a reconnect, and restores both', async () => {
    const store = {
      outbox: new Map<string, OutboxEntry>(),
      addToOutbox: async (e: OutboxEntry) => {
        store.outbox.set(e.id, e)
      },
      removeFromOutbox: async (id: string) => {
        store.outbox.delete(id)
      },
      listOutbox: async () => [...store.outbox.values()],
      recordHistory: async () => {}
    }
    const sent: string[] = []
    let peers = 0
    const transport = {
      publish: async (kind: 'share' | 'block', bytes: Uint8Array) => {
        if (peers > 0) sent.push(`${kind}:${bytes[0]}`)
        return peers
      },
      fetchSharesById: async () => [],
      pushShare: async (): Promise<Verdict> => ({ kind: 'ignore', reason: 'unused here' })
    }
    let clock = 2_000_000
    const outbox = new ShareOutbox('devnet', store, () => clock)
    const shareA = new Uint8Array(200).fill(1)
    const shareB = new Uint8Array(200).fill(2)
    await outbox.add('aa', shareA, true, new Uint8Array(150).fill(11))
    clock++
    await outbox.add('bb', shareB, false)
    await outbox.sendAll(transport) // no relay listens: nothing goes out, nothing is marked sent
    expect(sent).toEqual([])
    peers = 1 // the relay is back
    const restarted = new ShareOutbox('devnet', store)
    await restarted.restore()
    await restarted.sendAll(transport)
    expect(sent).toEqual(['block:11', 'share:1', 'share:2'])
    sent.length = 0
    await restarted.checkAcks(transport) // both reached a peer: no re-send before RESEND_AFTER_MS
    expect(sent).toEqual([])
  })
})

describe('dial policy and block messages', () => {
  it('allows ws:// and private addresses only from a plain-http or private origin', () => {
    expect(allowsInsecureLocal('http://127.0.0.1:8080')).toBe(true)
    expect(allowsInsecureLocal('https://192.168.1.4')).toBe(true)
    expect(allowsInsecureLocal('https://pool.example.org')).toBe(false)
    const addrs = [
      '/ip4/127.0.0.1/tcp/8081/ws/p2p/12D3',
      '/dns4/relay.example.org/tcp/443/wss/p2p/12D3',
      '/ip4/127.0.0.1/tcp/30303/p2p/12D3'
    ]
    expect(dialableRelayAddrs(addrs, false)).toEqual([addrs[1]])
    expect(dialableRelayAddrs(addrs, true)).toEqual([addrs[0], addrs[1]])
  })

  it('devnet block messages round-trip and garbage is refused', () => {
    const header = new Uint8Array(80).fill(3)
    const coinbase = new Uint8Array(120).fill(4)
    const decoded = decodeDevnetBlock(encodeDevnetBlock(header, coinbase))
    expect(decoded).toEqual({ ok: true, header80: header, coinbaseLegacy: coinbase })
    expect(decodeDevnetBlock(new Uint8Array(50))).toMatchObject({
      ok: false,
      verdict: { kind: 'reject', reason: 'decode' }
    })
  })
})
