// Quorum rules (DESIGN.md, Validation in quorums; issue 3 Tests) with real libp2p Ed25519 keys.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/primitives/bytes'
import { sha256d } from '../../src/primitives/hash'
import {
  Reputation,
  Tally,
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
  it('committee selection is the same on every peer, whatever order it learned the relays in', () => {
    const a = selectCommittee(ids, SUBJECT)
    const shuffled = [...ids].reverse().concat(ids.slice(0, 3)) // other order, with duplicates
    expect(selectCommittee(shuffled, SUBJECT).map(bytesToHex)).toEqual(a.map(bytesToHex))
    expect(a).toHaveLength(7)
    expect(selectCommittee(ids, sha256d(Uint8Array.of(9))).map(bytesToHex)).not.toEqual(a.map(bytesToHex))
    expect(() => selectCommittee(ids, SUBJECT, 2)).toThrow(/>= 3/)
  })

  it('a tally holding more than 2/3 of the committee weight confirms; 1/2 does not', async () => {
    const committee = selectCommittee(ids, SUBJECT, 6)
    const index = (id: Uint8Array) => ids.findIndex((x) => bytesToHex(x) === bytesToHex(id))
    const half = new Tally(committee, new Reputation())
    for (const m of committee.slice(0, 3)) half.add(m, 'valid', 1)
    for (const m of committee.slice(3)) half.add(m, 'invalid', 1)
    expect(half.confirmed()).toBeUndefined()
    const twoThirds = new Tally(committee, new Reputation())
    for (const m of committee.slice(0, 4)) twoThirds.add(m, 'valid', 1)
    expect(twoThirds.confirmed()).toBeUndefined() // exactly 2/3 is not "more than"
    const more = new Tally(committee, new Reputation())
    for (const m of committee.slice(0, 5)) {
      const a = await attest(index(m), 'valid')
      const check = await verifyAttestation(a, TAG)
      expect(check.ok).toBe(true)
      if (check.ok) more.add(check.attesterId, a.claim, a.time)
    }
    expect(more.confirmed()).toBe('valid')
  })

  it('attestations from outside the committee do not count', () => {
    const committee = selectCommittee(ids, SUBJECT, 3)
    const outsiders = ids.filter((id) => !committee.some((c) => bytesToHex(c) === bytesToHex(id)))
    const t = new Tally(committee, new Reputation())
    for (const o of outsiders) expect(t.add(o, 'valid', 1)).toBe(false)
    expect(t.confirmed()).toBeUndefined()
  })

  it('reputation moves: a relay proved wrong loses weight, a new relay starts low', () => {
    const committee = selectCommittee(ids, SUBJECT, 3)
    const rep = new Reputation()
    const [honest1, honest2, liar] = committee.map(bytesToHex)
    for (let i = 0; i < 10; i++) {
      rep.provedRight(honest1)
      rep.provedRight(honest2)
    }
    rep.provedWrong(liar)
    expect(rep.weightOf(honest1)).toBe(11)
    expect(rep.weightOf(liar)).toBe(0)
    expect(rep.weightOf('new-relay')).toBe(1)
    const t = new Tally(committee, rep)
    t.add(committee[2], 'invalid', 1)
    t.add(committee[0], 'valid', 1)
    expect(t.confirmed()).toBeUndefined() // 11 of 22
    t.add(committee[1], 'valid', 1)
    expect(t.confirmed()).toBe('valid')
    t.settle('valid')
    expect(rep.weightOf(honest1)).toBe(12)
  })

  it('rejects forged signatures: altered claim, altered subject, another key', async () => {
    const a = await attest(0, 'valid')
    expect((await verifyAttestation(a, TAG)).ok).toBe(true)
    expect(await verifyAttestation({ ...a, claim: 'invalid' }, TAG)).toEqual({ ok: false, reason: 'signature' })
    expect(await verifyAttestation({ ...a, subjectId: sha256d(a.subjectId) }, TAG)).toEqual({ ok: false, reason: 'signature' })
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
