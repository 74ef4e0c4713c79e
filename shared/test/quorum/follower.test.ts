// QuorumFollower (sharechain/README.md, Quorums): votes weigh work, committees are seeded by what the
// publisher cannot choose, a confirmation needs > 2/3 of the committee's work from at least 3 distinct
// weighted relays, a signature is not a vote, and where no quorum can exist one relay's word is said plainly.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/primitives/bytes'
import { sha256d } from '../../src/primitives/hash'
import {
  MAX_CONFIRMED_RESULTS,
  MAX_FOLLOWED_SUBJECTS,
  NO_WEIGHTS,
  QuorumFollower,
  committeeSeed,
  fixedRelayWeights,
  peerIdBytesOf,
  relayKeyHex,
  selectCommittee,
  signAttestation,
  type AttestationBody,
  type Claim,
  type RelayWeights,
  type SubjectKind,
  type SubjectStatus
} from '../../src/quorum'
import { fakeHash, makeTemplate, testRules } from '../sharechain/fixtures'

const TAG = testRules().networkTag
const RULES = testRules()
let keys: PrivateKey[] = []
let ids: Uint8Array[] = []

beforeAll(async () => {
  keys = await Promise.all(Array.from({ length: 12 }, () => generateKeyPair('Ed25519')))
  ids = keys.map((k) => peerIdBytesOf(k.publicKey))
})

function body(claim: Claim, subjectId: Uint8Array, time = 100, subjectKind: SubjectKind = 'template'): AttestationBody {
  return { networkTag: TAG, subjectKind, claim, subjectId, time }
}

/** Equal work for ids[0..n). */
function equalWeights(n: number, work = 1000n): RelayWeights {
  return fixedRelayWeights(ids.slice(0, n).map((id) => [id, work] as const))
}

function follower(
  weights: () => RelayWeights,
  opts: { loneRelay?: Uint8Array; committeeSize?: number } = {}
): QuorumFollower {
  return new QuorumFollower({ weights, minAttesters: 3, ...opts })
}

/** Members (peer id bytes) of the template committee for `prevHash` under `weights`. */
function membersFor(weights: RelayWeights, prevHash: Uint8Array, k = 7): Uint8Array[] {
  const keys = selectCommittee(weights.byKey, committeeSeed('template', prevHash), k)
  return keys.map((key) => ids.find((id) => relayKeyHex(id) === key) as Uint8Array)
}

describe('QuorumFollower', () => {
  it('seven fresh keys with no work confirm nothing', async () => {
    // The share chain's window holds work, none of it bound to these keys.
    const f = follower(() => fixedRelayWeights([[ids[11], 5000n]]))
    const { template, id } = makeTemplate(RULES, fakeHash('prev-sybil'), 10)
    f.addTemplate(id, ids[0], template)
    for (const key of keys.slice(0, 7))
      expect(await f.takeAttestation(await signAttestation(body('valid', id), key), TAG)).toBe('not-member')
    const status = f.status(id) as SubjectStatus
    expect(status.confirmed).toBeUndefined()
    expect(status.claim).toBeUndefined()
    expect(status.committee.map((m) => m.relayKey)).toEqual([relayKeyHex(ids[11])])
    expect(status.totalWeight).toBe(5000n)
    expect(status.weightByClaim.valid).toBeUndefined()
    // An empty window: no key weighs anything, so nobody is on any committee.
    const empty = follower(() => NO_WEIGHTS)
    empty.addTemplate(id, ids[0], template)
    for (const key of ids.slice(0, 7)) expect(empty.addAttestation(key, body('valid', id))).toBe('not-member')
    expect(empty.status(id)?.committee).toEqual([])
    expect(empty.status(id)?.confirmed).toBeUndefined()
  })

  it('confirms only above 2/3 of the committee work: 1/2 and exactly 2/3 do not', () => {
    const weights = equalWeights(6)
    const f = follower(() => weights, { committeeSize: 6 })
    const decided: string[] = []
    f.onDecided((s) => decided.push(`${s.kind}:${s.trust}:${s.claim ?? ''}`))
    const { template, id } = makeTemplate(RULES, fakeHash('prev-a'), 10)
    f.addTemplate(id, ids[0], template)
    const members = membersFor(weights, template.prevHash, 6)
    for (let i = 0; i < 3; i++) expect(f.addAttestation(members[i], body('valid', id))).toBe('counted')
    expect(f.status(id)?.confirmed).toBeUndefined() // 3 of 6
    f.addAttestation(members[3], body('valid', id))
    expect(f.status(id)?.confirmed).toBeUndefined() // 4 of 6 = exactly 2/3, not more
    f.addAttestation(members[4], body('valid', id))
    const status = f.status(id) as SubjectStatus
    expect(status.confirmed).toBe('valid')
    expect(status.trust).toBe('quorum')
    expect(status.totalWeight).toBe(6000n)
    expect(status.weightByClaim.valid).toBe(5000n)
    expect(status.attestersByClaim.valid).toBe(5)
    expect(decided).toEqual(['template:quorum:valid'])
  })

  it('one relay with most of the window work still needs others: the minimum of distinct relays', () => {
    const weights = fixedRelayWeights([
      [ids[0], 90_000n],
      [ids[1], 5_000n],
      [ids[2], 5_000n]
    ])
    const f = follower(() => weights)
    const { template, id } = makeTemplate(RULES, fakeHash('prev-whale'), 10)
    f.addTemplate(id, ids[0], template)
    f.addAttestation(ids[0], body('valid', id))
    expect(f.status(id)?.weightByClaim.valid).toBe(90_000n) // 90 % of the committee's work ...
    expect(f.status(id)?.confirmed).toBeUndefined() // ... from one relay
    expect(f.status(id)?.trust).toBe('waiting')
    f.addAttestation(ids[1], body('valid', id))
    expect(f.status(id)?.confirmed).toBeUndefined() // 95 %, two relays
    f.addAttestation(ids[2], body('valid', id))
    expect(f.status(id)?.confirmed).toBe('valid')
  })

  it("the publisher's signature is not a vote", () => {
    const weights = equalWeights(3)
    const f = follower(() => weights)
    const { template, id } = makeTemplate(RULES, fakeHash('prev-sig'), 10)
    f.addTemplate(id, ids[0], template)
    f.addAttestation(ids[1], body('valid', id))
    f.addAttestation(ids[2], body('valid', id))
    const status = f.status(id) as SubjectStatus
    expect(status.votes.map((v) => bytesToHex(v.attesterId)).sort()).toEqual(
      [bytesToHex(ids[1]), bytesToHex(ids[2])].sort()
    )
    expect(status.confirmed).toBeUndefined() // two votes: the publisher's signature added none
    expect(status.publisherId).toEqual(ids[0])
    f.addAttestation(ids[0], body('valid', id)) // its attestation is its vote
    expect(f.status(id)?.confirmed).toBe('valid')
  })

  it('a publisher cannot choose its committee by grinding curtime: the seed is the parent block', () => {
    const weights = equalWeights(12)
    const f = follower(() => weights)
    const prev = fakeHash('prev-grind')
    const committees = new Set<string>()
    const ids12 = new Set<string>()
    for (let curtime = 0; curtime < 20; curtime++) {
      const { template, id } = makeTemplate(RULES, prev, 10, { curtime: 1_700_000_000 + curtime })
      ids12.add(bytesToHex(id))
      f.addTemplate(id, ids[0], template)
      committees.add((f.status(id) as SubjectStatus).committee.map((m) => m.relayKey).join(','))
    }
    expect(ids12.size).toBe(20) // twenty different templates ...
    expect(committees.size).toBe(1) // ... one committee
    // Another parent block draws another committee (with 12 equal relays and 7 seats, some differ).
    const others = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const { template, id } = makeTemplate(RULES, fakeHash(`prev-other-${i}`), 10)
      f.addTemplate(id, ids[0], template)
      others.add((f.status(id) as SubjectStatus).committee.map((m) => m.relayKey).join(','))
    }
    expect([...others].some((c) => !committees.has(c))).toBe(true)
  })

  it('attestations that arrive before the announcement count once it seeds the committee', () => {
    const weights = equalWeights(3)
    const f = follower(() => weights)
    const { template, id } = makeTemplate(RULES, fakeHash('prev-early'), 10)
    for (const member of ids.slice(0, 3)) expect(f.addAttestation(member, body('valid', id))).toBe('not-member')
    expect(f.status(id)?.trust).toBe('waiting')
    f.addTemplate(id, ids[0], template)
    expect(f.status(id)?.confirmed).toBe('valid')
  })

  it('where no quorum can exist it believes the lone relay, and says so; never another relay', () => {
    let weights = fixedRelayWeights([[ids[0], 1000n]])
    const f = follower(() => weights, { loneRelay: ids[0] })
    const decided: SubjectStatus[] = []
    f.onDecided((s) => decided.push(s))
    const own = makeTemplate(RULES, fakeHash('prev-lone'), 10)
    f.addTemplate(own.id, ids[0], own.template)
    expect(f.status(own.id)).toMatchObject({ trust: 'relay-alone', claim: 'valid', loneRelay: ids[0] })
    expect(f.status(own.id)?.confirmed).toBeUndefined()
    expect(decided.map((s) => s.idHex)).toEqual([bytesToHex(own.id)])
    const foreign = makeTemplate(RULES, fakeHash('prev-lone'), 10, { curtime: 1 })
    f.addTemplate(foreign.id, ids[5], foreign.template)
    expect(f.status(foreign.id)?.claim).toBeUndefined()
    // Blocks likewise: the lone relay's latest word.
    const block = sha256d(Uint8Array.of(7))
    f.addAttestation(ids[0], body('accepted', block, 100, 'block'))
    expect(f.status(block)).toMatchObject({ trust: 'relay-alone', claim: 'accepted' })
    // Three weighted relays: a quorum can exist, so the lone relay's word no longer decides.
    weights = fixedRelayWeights(
      ids.slice(0, 3).map((x) => [x, 1000n] as const),
      'next-tip'
    )
    expect(f.status(own.id)?.trust).toBe('waiting')
    expect(f.status(own.id)?.claim).toBeUndefined()
  })

  it("the lone relay can move (its own died): the new one's templates are believed, the old one's no longer", () => {
    const weights = fixedRelayWeights([[ids[0], 1000n]])
    const f = follower(() => weights, { loneRelay: ids[0] })
    const decided: SubjectStatus[] = []
    f.onDecided((s) => decided.push(s))
    const old = makeTemplate(RULES, fakeHash('prev-move'), 10)
    const next = makeTemplate(RULES, fakeHash('prev-move'), 10, { curtime: 2 })
    f.addTemplate(old.id, ids[0], old.template)
    f.addTemplate(next.id, ids[1], next.template)
    expect(f.status(next.id)?.claim).toBeUndefined()
    f.setLoneRelay(ids[1])
    expect(f.loneRelayId).toEqual(ids[1])
    expect(f.status(next.id)).toMatchObject({ trust: 'relay-alone', claim: 'valid', loneRelay: ids[1] })
    expect(f.status(old.id)?.claim).toBeUndefined()
    // Told at once (re-decided on the move), not only when asked.
    expect(decided.map((s) => s.idHex)).toEqual([bytesToHex(old.id), bytesToHex(next.id)])
  })

  it('redraws the committee when the weights move, counting votes that arrived early', () => {
    let weights = equalWeights(2)
    const f = follower(() => weights)
    const { template, id } = makeTemplate(RULES, fakeHash('prev-grow'), 10)
    f.addTemplate(id, ids[0], template)
    f.addAttestation(ids[0], body('valid', id))
    f.addAttestation(ids[1], body('valid', id))
    expect(f.addAttestation(ids[2], body('valid', id))).toBe('not-member')
    expect(f.status(id)?.confirmed).toBeUndefined()
    weights = fixedRelayWeights(
      ids.slice(0, 3).map((x) => [x, 1000n] as const),
      'next-tip'
    )
    expect(f.status(id)?.confirmed).toBe('valid')
  })

  it('a relay proved wrong down to 0 is not believed here; reputation moves once per claim', () => {
    const weights = equalWeights(3)
    const f = follower(() => weights)
    const { template, id } = makeTemplate(RULES, fakeHash('prev-rep'), 10)
    f.addTemplate(id, ids[0], template)
    f.addAttestation(ids[0], body('invalid', id))
    f.addAttestation(ids[1], body('valid', id))
    expect(f.status(id)?.attestersByClaim.invalid).toBe(1)
    f.proveClaim('template', id, 'valid')
    const rep = (x: Uint8Array): number => f.reputation.weightOf(bytesToHex(x))
    expect(rep(ids[0])).toBe(0) // floor(1 / 2) - 1, floored at 0
    expect(rep(ids[1])).toBe(2) // 1 + 1
    f.proveClaim('template', id, 'valid')
    expect(rep(ids[1])).toBe(2) // not twice
    f.addAttestation(ids[2], body('valid', id))
    expect(rep(ids[2])).toBe(2) // a later vote is judged on arrival
    const status = f.status(id) as SubjectStatus
    expect(status.attestersByClaim.invalid).toBeUndefined() // not believed: its vote counts for nothing ...
    expect(status.totalWeight).toBe(3000n) // ... while its work stays in the committee's total
    expect(status.weightByClaim.valid).toBe(2000n) // exactly 2/3 from two relays
    expect(status.confirmed).toBeUndefined()
  })

  it('verifies signatures in takeAttestation and refuses another network', async () => {
    const f = follower(() => equalWeights(3))
    const block = sha256d(Uint8Array.of(1))
    const a = await signAttestation(body('accepted', block, 100, 'block'), keys[0])
    expect(await f.takeAttestation(a, TAG)).toBe('counted')
    expect(await f.takeAttestation({ ...a, time: a.time + 1 }, TAG)).toBeUndefined() // signature no longer matches
    const other = new Uint8Array(TAG.length).fill(0xee)
    expect(
      await f.takeAttestation(
        await signAttestation({ ...body('accepted', block, 100, 'block'), networkTag: other }, keys[1]),
        TAG
      )
    ).toBeUndefined()
  })

  it('holds at most MAX_FOLLOWED_SUBJECTS tallies and remembers confirmed results in a bounded LRU', () => {
    const weights = equalWeights(3)
    const f = follower(() => weights)
    const subject = (i: number): Uint8Array => sha256d(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff))
    const confirmAll = (from: number, to: number): void => {
      for (let i = from; i < to; i++)
        for (const id of ids.slice(0, 3)) f.addAttestation(id, body('accepted', subject(i), 100, 'block'))
    }
    confirmAll(0, MAX_FOLLOWED_SUBJECTS + 5)
    expect(f.size).toBe(MAX_FOLLOWED_SUBJECTS)
    expect(f.status(subject(0))).toBeUndefined() // its tally is forgotten ...
    expect(f.confirmedClaim(bytesToHex(subject(0)))).toBe('accepted') // ... its result is not
    confirmAll(MAX_FOLLOWED_SUBJECTS + 5, MAX_CONFIRMED_RESULTS + 10)
    expect(f.size).toBe(MAX_FOLLOWED_SUBJECTS)
    expect(f.resultCount).toBe(MAX_CONFIRMED_RESULTS)
    expect(f.confirmedClaim(bytesToHex(subject(1)))).toBeUndefined() // the least recently used result went first
    expect(f.confirmedClaim(bytesToHex(subject(MAX_CONFIRMED_RESULTS + 9)))).toBe('accepted')
  })
})
