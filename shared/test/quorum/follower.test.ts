// QuorumFollower (DESIGN.md, Validation in quorums): tallies over the deterministic committee,
// confirmation above 2/3 of the committee's weight, reputation moved by local truth, bounded memory.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/primitives/bytes'
import { sha256d } from '../../src/primitives/hash'
import {
  MAX_CONFIRMED_RESULTS,
  MAX_FOLLOWED_SUBJECTS,
  QuorumFollower,
  peerIdBytesOf,
  selectCommittee,
  signAttestation,
  type AttestationBody,
  type Claim,
  type SubjectKind
} from '../../src/quorum'
import { fakeHash, makeTemplate, testRules } from '../sharechain/fixtures'

const TAG = testRules().networkTag
const SUBJECT = sha256d(Uint8Array.of(7, 7, 7))
const CANDIDATES = 10
const K = 6
let keys: PrivateKey[] = []
let ids: Uint8Array[] = []
let members: Uint8Array[] = []
let outsiders: Uint8Array[] = []

beforeAll(async () => {
  keys = await Promise.all(Array.from({ length: CANDIDATES + 2 }, () => generateKeyPair('Ed25519')))
  ids = keys.map((k) => peerIdBytesOf(k.publicKey))
  members = selectCommittee(ids.slice(0, CANDIDATES), SUBJECT, K)
  const memberSet = new Set(members.map(bytesToHex))
  outsiders = ids.slice(0, CANDIDATES).filter((id) => !memberSet.has(bytesToHex(id)))
})

function body (claim: Claim, time = 100, subjectId = SUBJECT, subjectKind: SubjectKind = 'template'): AttestationBody {
  return { networkTag: TAG, subjectKind, claim, subjectId, time }
}

function follower (opts: { minAttesters?: number, committeeSize?: number } = {}): QuorumFollower {
  return new QuorumFollower({ candidates: () => ids.slice(0, CANDIDATES), committeeSize: opts.committeeSize ?? K, minAttesters: opts.minAttesters ?? 3 })
}

describe('QuorumFollower', () => {
  it('confirms only above 2/3 of the committee weight: 1/2 and exactly 2/3 do not', () => {
    const f = follower()
    const confirmed: string[] = []
    f.onConfirmed((kind, idHex, claim) => confirmed.push(`${kind}:${idHex}:${claim}`))
    for (let i = 0; i < 3; i++) expect(f.addAttestation(members[i], body('valid'))).toBe('counted')
    expect(f.status(SUBJECT)?.confirmed).toBeUndefined() // 3 of 6
    f.addAttestation(members[3], body('valid'))
    expect(f.status(SUBJECT)?.confirmed).toBeUndefined() // 4 of 6 = exactly 2/3, not more
    f.addAttestation(members[4], body('valid'))
    const status = f.status(SUBJECT)
    expect(status?.confirmed).toBe('valid') // 5 of 6
    expect(status?.totalWeight).toBe(6)
    expect(status?.weightByClaim.valid).toBe(5)
    expect(confirmed).toEqual([`template:${bytesToHex(SUBJECT)}:valid`])
  })

  it('ignores attestations from relays off the committee', () => {
    const f = follower()
    for (const id of outsiders) expect(f.addAttestation(id, body('invalid'))).toBe('not-member')
    for (let i = 0; i < 2; i++) f.addAttestation(members[i], body('valid'))
    const status = f.status(SUBJECT)
    expect(status?.confirmed).toBeUndefined()
    expect(status?.weightByClaim.invalid).toBeUndefined()
    expect(status?.votes.filter((v) => v.member)).toHaveLength(2)
  })

  it('keeps each member\'s latest attestation only', () => {
    const f = follower()
    f.addAttestation(members[0], body('valid', 200))
    expect(f.addAttestation(members[0], body('invalid', 100))).toBe('stale')
    expect(f.addAttestation(members[0], body('invalid', 300))).toBe('counted')
    expect(f.status(SUBJECT)?.votes.map((v) => v.claim)).toEqual(['invalid'])
  })

  it('needs at least minAttesters agreeing members even when they hold the weight', () => {
    const few = ids.slice(0, 2)
    const f = new QuorumFollower({ candidates: () => few, committeeSize: 3, minAttesters: 3 })
    for (const id of few) f.addAttestation(id, body('valid'))
    expect(f.status(SUBJECT)?.committee).toHaveLength(2)
    expect(f.status(SUBJECT)?.confirmed).toBeUndefined()
  })

  it('counts a verified signed template as its publisher\'s valid attestation', async () => {
    const three = ids.slice(0, 3)
    const f = new QuorumFollower({ candidates: () => three, committeeSize: 3, minAttesters: 3 })
    const { template, id } = makeTemplate(testRules(), fakeHash('prev'), 10)
    expect(f.addTemplate(id, three[0], template)).toBe('counted')
    f.addAttestation(three[1], body('valid', template.curtime + 1, id))
    expect(f.status(id)?.confirmed).toBeUndefined()
    f.addAttestation(three[2], body('valid', template.curtime + 1, id))
    expect(f.status(id)?.confirmed).toBe('valid')
    expect(f.status(id)?.announcement).toEqual(template)
  })

  it('verifies signatures in takeAttestation and refuses another network', async () => {
    const three = ids.slice(0, 3)
    const f = new QuorumFollower({ candidates: () => three, committeeSize: 3, minAttesters: 3 })
    const a = await signAttestation(body('valid'), keys[0])
    expect(await f.takeAttestation(a, TAG)).toBe('counted')
    expect(await f.takeAttestation({ ...a, time: a.time + 1 }, TAG)).toBeUndefined() // signature no longer matches
    const other = new Uint8Array(TAG.length).fill(0xee)
    expect(await f.takeAttestation(await signAttestation({ ...body('valid'), networkTag: other }, keys[1]), TAG)).toBeUndefined()
  })

  it('recomputes the committee when the candidate list grows, counting votes that arrived early', () => {
    const list = ids.slice(0, 2)
    let version = 0
    const f = new QuorumFollower({ candidates: () => list, candidatesVersion: () => version, committeeSize: 3, minAttesters: 3 })
    f.addAttestation(ids[0], body('valid'))
    f.addAttestation(ids[1], body('valid'))
    expect(f.addAttestation(ids[2], body('valid'))).toBe('not-member')
    expect(f.status(SUBJECT)?.confirmed).toBeUndefined()
    list.push(ids[2])
    version++
    expect(f.status(SUBJECT)?.confirmed).toBe('valid')
  })

  it('moves reputation once per attestation proved right or wrong, including later ones', () => {
    const f = follower()
    f.addAttestation(members[0], body('valid'))
    f.addAttestation(members[1], body('invalid'))
    f.addAttestation(outsiders[0], body('invalid'))
    f.proveClaim('template', SUBJECT, 'valid')
    const weight = (id: Uint8Array): number => f.reputation.weightOf(bytesToHex(id))
    expect(weight(members[0])).toBe(2) // 1 + 1
    expect(weight(members[1])).toBe(0) // floor(1 / 2) - 1, floored at 0
    expect(weight(outsiders[0])).toBe(1) // not on the committee: not judged
    f.proveClaim('template', SUBJECT, 'valid') // proving again judges nothing twice
    expect(weight(members[0])).toBe(2)
    f.addAttestation(members[2], body('valid'))
    expect(weight(members[2])).toBe(2)
    // The weights now count: members[1] holds 0, so the committee weighs 2+0+2+1+1+1 = 7.
    expect(f.status(SUBJECT)?.totalWeight).toBe(7)
  })

  it('judges block claims by a judge that may not know yet, and never the relay itself', () => {
    const self = bytesToHex(members[0])
    const f = new QuorumFollower({ candidates: () => ids.slice(0, CANDIDATES), committeeSize: K, isSelf: (hex) => hex === self })
    const block = sha256d(Uint8Array.of(9))
    const blockMembers = selectCommittee(ids.slice(0, CANDIDATES), block, K)
    f.addAttestation(blockMembers[0], body('accepted', 100, block, 'block'))
    f.addAttestation(blockMembers[1], body('confirmed', 100, block, 'block'))
    let matured = false
    f.prove('block', block, (claim) => (claim === 'accepted' ? 'right' : claim === 'confirmed' && matured ? 'right' : undefined))
    const weight = (id: Uint8Array): number => f.reputation.weightOf(bytesToHex(id))
    expect(weight(blockMembers[0])).toBe(bytesToHex(blockMembers[0]) === self ? 1 : 2)
    expect(weight(blockMembers[1])).toBe(1)
    expect(f.unjudged('block', 10).map(bytesToHex)).toEqual([bytesToHex(block)])
    matured = true
    f.prove('block', block, (claim) => (claim === 'accepted' || claim === 'confirmed' ? 'right' : 'wrong'))
    expect(weight(blockMembers[1])).toBe(bytesToHex(blockMembers[1]) === self ? 1 : 2)
    expect(f.unjudged('block', 10)).toEqual([])
  })

  it('holds at most MAX_FOLLOWED_SUBJECTS tallies and remembers confirmed results in a bounded LRU', () => {
    const three = ids.slice(0, 3)
    const f = new QuorumFollower({ candidates: () => three, committeeSize: 3, minAttesters: 3 })
    const subject = (i: number): Uint8Array => sha256d(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff))
    const confirmAll = (from: number, to: number): void => {
      for (let i = from; i < to; i++) for (const id of three) f.addAttestation(id, body('valid', 100, subject(i)))
    }
    confirmAll(0, MAX_FOLLOWED_SUBJECTS + 5)
    expect(f.size).toBe(MAX_FOLLOWED_SUBJECTS)
    expect(f.status(subject(0))).toBeUndefined() // its tally is forgotten ...
    expect(f.confirmedClaim(bytesToHex(subject(0)))).toBe('valid') // ... its result is not
    confirmAll(MAX_FOLLOWED_SUBJECTS + 5, MAX_CONFIRMED_RESULTS + 10)
    expect(f.size).toBe(MAX_FOLLOWED_SUBJECTS)
    expect(f.resultCount).toBe(MAX_CONFIRMED_RESULTS)
    expect(f.confirmedClaim(bytesToHex(subject(1)))).toBeUndefined() // the least recently used result went first
    expect(f.confirmedClaim(bytesToHex(subject(MAX_CONFIRMED_RESULTS + 9)))).toBe('valid')
  })
})
