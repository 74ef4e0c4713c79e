// Weight that costs work (sharechain/README.md, Quorums): the relay key a share binds to in its coinbase
// scriptSig, the work of each key in the tip's window, the same on two peers holding the same chain.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes } from '../../src/primitives/bytes'
import { bip34HeightPush } from '../../src/primitives/coinbase'
import { pushData } from '../../src/primitives/script'
import { COINBASE_TAG } from '../../src/sharechain/constants'
import { buildShareJob, jobShare } from '../../src/sharechain/job'
import type { ShareNode } from '../../src/sharechain/node'
import {
  RelayWeightBook,
  boundRelayKey,
  peerIdBytesOf,
  relayBindingTag,
  relayKeyHex,
  windowRelayWeights
} from '../../src/quorum'
import { START_TIME, grind, nextExtranonce, payoutScriptOf, testNet, testRules, type Net } from '../sharechain/fixtures'

let relays: Uint8Array[] = []

beforeAll(async () => {
  relays = await Promise.all([0, 1, 2].map(async () => peerIdBytesOf((await generateKeyPair('Ed25519')).publicKey)))
})

/** Mines and adds a share by `payee` whose coinbase binds to `relay` (none: the default tag). */
function addBound(net: Net, payee: string, relay: Uint8Array | undefined, ownShareTarget?: bigint): ShareNode {
  const parent = net.chain.tip
  const timestamp = parent ? parent.timestamp + net.rules.shareIntervalSeconds : START_TIME
  const job = buildShareJob({
    chain: net.chain,
    template: net.template,
    templateId: net.templateId,
    payoutScript: payoutScriptOf(payee),
    parent,
    now: timestamp,
    ...(relay !== undefined ? { scriptSigTag: relayBindingTag(relay) } : {}),
    ...(ownShareTarget !== undefined ? { ownShareTarget } : {})
  })
  const extranonce = nextExtranonce()
  const bytes = jobShare(
    job,
    net.rules.networkTag,
    extranonce,
    grind(job, extranonce, job.shareTarget, false, undefined, timestamp)
  )
  const v = net.validator.validate(bytes, 'live')
  if (v.verdict.kind !== 'accept') throw new Error(`share not accepted: ${JSON.stringify(v.verdict)}`)
  return net.chain.add(v.share!, v.id!, bytes).node
}

describe('relay key binding', () => {
  it('reads the key back after any BIP34 height push; an untagged or other-tagged scriptSig binds to nothing', () => {
    const tag = relayBindingTag(relays[0])
    for (const height of [0, 1, 16, 17, 1000, 500_000, 2 ** 31 - 1]) {
      const scriptSig = concatBytes(bip34HeightPush(height), tag, new Uint8Array(8).fill(0xab))
      expect(scriptSig.length).toBeLessThanOrEqual(100)
      expect(boundRelayKey(scriptSig)).toBe(relayKeyHex(relays[0]))
    }
    expect(relayKeyHex(relays[0])).toHaveLength(40)
    expect(boundRelayKey(concatBytes(bip34HeightPush(1000), pushData(COINBASE_TAG), new Uint8Array(8)))).toBeUndefined()
    expect(
      boundRelayKey(concatBytes(bip34HeightPush(1000), pushData(Uint8Array.of(1, 2, 3)), pushData(new Uint8Array(20))))
    ).toBeUndefined()
    // A 19-byte key push is not a binding.
    expect(
      boundRelayKey(
        concatBytes(bip34HeightPush(1000), pushData(COINBASE_TAG), pushData(new Uint8Array(19)), new Uint8Array(8))
      )
    ).toBeUndefined()
  })
})

describe('relay weights from the window', () => {
  it("credit each key the work of its shares in the tip's window; unbound work credits no key", () => {
    const net = testNet(testRules({ windowShares: 6 }))
    const nodes = [
      addBound(net, 'alice', relays[0]),
      addBound(net, 'bob', relays[1]),
      addBound(net, 'carol', undefined),
      addBound(net, 'alice', relays[0]),
      addBound(net, 'dave', relays[2]),
      addBound(net, 'erin', relays[0]),
      addBound(net, 'frank', relays[1]),
      addBound(net, 'gina', relays[1])
    ]
    const inWindow = nodes.slice(-6) // windowShares = 6: the two oldest have left
    const expected = new Map<string, bigint>()
    const keys = [relays[0], relays[1], undefined, relays[0], relays[2], relays[0], relays[1], relays[1]].slice(-6)
    inWindow.forEach((n, i) => {
      const k = keys[i]
      if (k !== undefined) expected.set(relayKeyHex(k), (expected.get(relayKeyHex(k)) ?? 0n) + n.work)
    })
    const w = windowRelayWeights(net.chain.tip, net.rules.windowShares, net.rules.unclePenaltyPercent)
    expect(w.byKey).toEqual(expected)
    expect(w.windowWork).toBe(inWindow.reduce((sum, n) => sum + n.poolWork, 0n))
    expect(w.version).toBe(net.chain.tip?.key)
  })

  it('are identical on two peers holding the same chain, and follow the tip', () => {
    const a = testNet()
    const shares: Uint8Array[] = []
    for (let i = 0; i < 12; i++)
      shares.push(addBound(a, `miner${i % 4}`, i % 3 === 2 ? undefined : relays[i % 3]).bytes)
    const b = testNet()
    for (const bytes of shares) {
      const v = b.validator.validate(bytes, 'live')
      expect(v.verdict.kind).toBe('accept')
      b.chain.add(v.share!, v.id!, bytes)
    }
    const bookA = new RelayWeightBook(a.chain)
    const bookB = new RelayWeightBook(b.chain)
    const wa = bookA.current()
    expect([...wa.byKey.keys()].sort()).toEqual([relayKeyHex(relays[0]), relayKeyHex(relays[1])].sort())
    expect(bookB.current().byKey).toEqual(wa.byKey)
    expect(bookB.current().version).toBe(wa.version)
    // One more bound share on A only: A's weights move, B's do not until it holds the share.
    const next = addBound(a, 'miner9', relays[2])
    expect(bookA.current().byKey.get(relayKeyHex(relays[2]))).toBe(next.work)
    expect(bookB.current().byKey.has(relayKeyHex(relays[2]))).toBe(false)
    expect(bytesToHex(next.id)).not.toBe(wa.version)
  })
})
