// Quorum rules (sharechain/README.md, Quorums) with real libp2p Ed25519 keys: committees drawn by weight
// from a seed, tallies by work with a minimum of distinct relays, signatures and encodings.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/primitives/bytes'
import { sha256d } from '../../src/primitives/hash'
import {
  committeeSeed,
  fixedRelayWeights,
  log2Fixed,
  LOG2_FRACTION_BITS,
  relayKeyHex,
  tallyVotes,
  decodeAttestation,
  decodeAttestationBatch,
  decodeSignedTemplate,
  encodeAttestation,
  encodeAttestationBatch,
  encodeSignedTemplate,
  peerIdBytesOf,
  selectCommittee,
  signAttestation,
  signTemplate,
  verifyAttestation,
  verifySignedTemplate,
  type Attestation
} from '../../src/quorum'
import { makeTemplate, testNet, testRules } from '../sharechain/fixtures'

const TAG = testRules().networkTag
const SUBJECT = sha256d(Uint8Array.of(1, 2, 3))
let keys: PrivateKey[] = []
let ids: Uint8Array[] = []

beforeAll(async () => {
  keys = await Promise.all(Array.from({ length: 12 }, () => generateKeyPair('Ed25519')))
  ids = keys.map((k) => peerIdBytesOf(k.publicKey))
})

function attest(i: number, claim: 'valid' | 'invalid', time = 1): Promise<Attestation> {
  return signAttestation({ networkTag: TAG, subjectKind: 'template', claim, subjectId: SUBJECT, time }, keys[i])
}

describe('quorum', () => {
  it('log2Fixed is exact on powers of two and within one unit of log2 elsewhere', () => {
    const one = 1n << BigInt(LOG2_FRACTION_BITS)
    expect(log2Fixed(1n)).toBe(0n)
    expect(log2Fixed(2n)).toBe(one)
    expect(log2Fixed(1n << 255n)).toBe(255n * one)
    for (const x of [3n, 5n, 1000n, 123456789n]) {
      const expected = Math.log2(Number(x)) * 2 ** LOG2_FRACTION_BITS
      expect(Math.abs(Number(log2Fixed(x)) - expected)).toBeLessThanOrEqual(2)
    }
    expect(() => log2Fixed(0n)).toThrow(/below 1/)
  })

  it('the committee is the same on every peer with the same weights, and never draws a key without work', () => {
    const weights = fixedRelayWeights(ids.map((id, i) => [id, BigInt(1000 + i)] as const))
    const seed = committeeSeed('template', SUBJECT)
    const a = selectCommittee(weights.byKey, seed)
    expect(a).toHaveLength(7)
    const reversed = new Map([...weights.byKey].reverse())
    expect(selectCommittee(reversed, seed)).toEqual(a)
    expect(selectCommittee(weights.byKey, committeeSeed('template', sha256d(Uint8Array.of(9))))).not.toEqual(a)
    const withIdle = new Map([...weights.byKey, ['ff'.repeat(20), 0n]])
    expect(selectCommittee(withIdle, seed)).toEqual(a)
    expect(selectCommittee(new Map([['ff'.repeat(20), 0n]]), seed)).toEqual([])
    expect(() => selectCommittee(weights.byKey, seed, 2)).toThrow(/>= 3/)
    // Cached clocks (kept across redraws) give the same draw, and keys that left are dropped from the cache.
    const clocks = new Map<string, bigint>()
    expect(selectCommittee(weights.byKey, seed, 7, clocks)).toEqual(a)
    expect(selectCommittee(weights.byKey, seed, 7, clocks)).toEqual(a)
    const fewer = new Map([...weights.byKey].slice(0, 5))
    expect(selectCommittee(fewer, seed, 7, clocks)).toEqual(selectCommittee(fewer, seed, 7))
    expect(clocks.size).toBe(5)
  })

  it('draws by weight: a relay holding most of the work sits on nearly every committee, an idle-ish one on few', () => {
    const heavy = relayKeyHex(ids[0])
    const light = relayKeyHex(ids[1])
    const weights = fixedRelayWeights(ids.map((id, i) => [id, i === 0 ? 100_000n : 1_000n] as const))
    let heavySeats = 0
    let lightSeats = 0
    const seeds = 200
    for (let i = 0; i < seeds; i++) {
      const committee = selectCommittee(weights.byKey, committeeSeed('template', sha256d(Uint8Array.of(i, 1))), 3)
      if (committee.includes(heavy)) heavySeats++
      if (committee.includes(light)) lightSeats++
    }
    // heavy holds 100/111 of the work: it misses a 3-seat committee about 0.1 % of the time; each light
    // key (1/111) gets a seat about 2/11 of the time. Far apart for any honest draw.
    expect(heavySeats).toBeGreaterThanOrEqual(seeds * 0.95)
    expect(lightSeats).toBeLessThan(seeds * 0.5)
  })

  it('a tally confirms above 2/3 of the committee work from at least the minimum of distinct relays', () => {
    const weights = new Map([
      ['a', 90n],
      ['b', 5n],
      ['c', 5n],
      ['d', 0n]
    ])
    const committee = ['a', 'b', 'c']
    const weightOf = (k: string): bigint => weights.get(k) ?? 0n
    const votes = (keys: string[], claim: 'valid' | 'invalid' = 'valid', believed = true) =>
      keys.map((relayKey) => ({ relayKey, claim, time: 1, believed }))
    expect(tallyVotes(committee, weightOf, votes(['a']), 3).confirmed).toBeUndefined() // 90 % of the work, one relay
    expect(tallyVotes(committee, weightOf, votes(['a', 'b']), 3).confirmed).toBeUndefined() // 95 %, two relays
    expect(tallyVotes(committee, weightOf, votes(['a', 'b', 'c']), 3).confirmed).toBe('valid')
    expect(tallyVotes(committee, weightOf, votes(['b', 'c', 'd']), 3).confirmed).toBeUndefined() // 10 %; d is no member
    // Exactly 2/3 is not more than 2/3.
    const even = (k: string): bigint => (k === 'x' ? 0n : 1n)
    expect(tallyVotes(['a', 'b', 'c'], even, votes(['a', 'b']), 2).confirmed).toBeUndefined()
    expect(tallyVotes(['a', 'b', 'c', 'e', 'f', 'g'], even, votes(['a', 'b', 'c', 'e', 'f']), 3).confirmed).toBe(
      'valid'
    )
    // A member not believed here (proved wrong to 0) weighs in the total, not in the agreement.
    const result = tallyVotes(committee, weightOf, [...votes(['b', 'c']), ...votes(['a'], 'valid', false)], 3)
    expect(result.confirmed).toBeUndefined()
    expect(result.totalWeight).toBe(100n)
    expect(result.byClaim.get('valid')).toEqual({ weight: 10n, attesters: 2 })
  })

  it('rejects forged signatures: altered claim, altered subject, another key', async () => {
    const a = await attest(0, 'valid')
    expect((await verifyAttestation(a, TAG)).ok).toBe(true)
    expect(await verifyAttestation({ ...a, claim: 'invalid' }, TAG)).toEqual({ ok: false, reason: 'signature' })
    expect(await verifyAttestation({ ...a, subjectId: sha256d(a.subjectId) }, TAG)).toEqual({
      ok: false,
      reason: 'signature'
    })
    const b = await attest(1, 'valid')
    expect(await verifyAttestation({ ...a, publicKey: b.publicKey }, TAG)).toEqual({ ok: false, reason: 'signature' })
    expect(await verifyAttestation({ ...a, publicKey: new Uint8Array(5) }, TAG)).toEqual({ ok: false, reason: 'key' })
    expect(await verifyAttestation(a, new Uint8Array(8))).toEqual({ ok: false, reason: 'network' })
  })

  it('attestations and batches round-trip; trailing bytes are refused', async () => {
    const items = await Promise.all([0, 1, 2].map((i) => attest(i, 'valid', 100 + i)))
    expect(decodeAttestation(encodeAttestation(items[0]))).toEqual(items[0])
    const batch = encodeAttestationBatch(items)
    expect(decodeAttestationBatch(batch)).toEqual(items)
    expect(() => decodeAttestationBatch(Uint8Array.from([...batch, 0]))).toThrow(/trailing/)
  })

  it('signed template announcements verify, and a forged one does not', async () => {
    const net = testNet()
    const { template, id } = makeTemplate(net.rules, net.headers.tip.hash, 1001)
    const signed = await signTemplate(template, keys[0])
    const check = await verifySignedTemplate(decodeSignedTemplate(encodeSignedTemplate(signed)), net.rules.networkTag)
    expect(check.ok && bytesToHex(check.templateId)).toBe(bytesToHex(id))
    expect(check.ok && bytesToHex(check.publisherId)).toBe(bytesToHex(ids[0]))
    const tampered = { ...signed, announcement: signed.announcement.slice() }
    tampered.announcement[60] ^= 1
    expect(await verifySignedTemplate(tampered, net.rules.networkTag)).toEqual({ ok: false, reason: 'signature' })
  })
})
