// The roster cannot be flushed (@otedama/shared src/sharechain/README.md, Quorums): relays are kept by the work
// their keys hold in the window; keys without work live only in a small bounded pending set, so a flood
// of fresh announcers (or one re-announcing often) never pushes out a relay with weight.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import { fixedRelayWeights, relayKeyHex, type RelayWeights } from '@otedama/shared/quorum'
import { MAX_PENDING_RELAYS, MAX_ROSTER_RELAYS, RelayRoster } from '../src/quorum/roster'

/** Stand-ins for peer id bytes (the roster only hashes them). */
const peerIds = (n: number): Uint8Array[] => Array.from({ length: n }, () => new Uint8Array(randomBytes(38)))

describe('relay roster', () => {
  it('a flood of announcers without work never pushes out a weighted relay', () => {
    const [self, ...honest] = peerIds(4)
    let weights: RelayWeights = fixedRelayWeights(
      honest.map((id) => [id, 1000n] as const),
      'tip-1'
    )
    const roster = new RelayRoster(self, () => weights)
    for (const id of honest) roster.add(id)
    expect(roster.size).toBe(3)
    const flood = peerIds(10 * MAX_PENDING_RELAYS)
    for (let round = 0; round < 3; round++) for (const id of flood) roster.add(id) // re-announcing buys nothing
    expect(roster.size).toBe(3)
    expect(roster.pendingSize).toBe(MAX_PENDING_RELAYS)
    expect(
      roster
        .relays()
        .map((r) => bytesToHex(r.peerId))
        .sort()
    ).toEqual(honest.map(bytesToHex).sort())
    for (const id of honest) expect(roster.peerIdOf(relayKeyHex(id))).toEqual(id)
    // A pending relay whose work enters the window moves in; one whose work left moves out.
    const newcomer = flood[flood.length - 1]
    weights = fixedRelayWeights([...honest.slice(1).map((id) => [id, 1000n] as const), [newcomer, 500n]], 'tip-2')
    expect(
      roster
        .relays()
        .map((r) => bytesToHex(r.peerId))
        .sort()
    ).toEqual([...honest.slice(1), newcomer].map(bytesToHex).sort())
    expect(roster.relays().at(-1)?.weight).toBe(500n) // heaviest first
    expect(roster.peerIdOf(relayKeyHex(honest[0]))).toEqual(honest[0]) // still known, as pending
  })

  it('keeps the heaviest MAX_ROSTER_RELAYS when more keys than that hold work', () => {
    const [self, ...many] = peerIds(MAX_ROSTER_RELAYS + 11)
    const weights = fixedRelayWeights(many.map((id, i) => [id, BigInt(i + 1)] as const))
    const roster = new RelayRoster(self, () => weights)
    for (const id of many) roster.add(id)
    const kept = roster.relays()
    expect(kept).toHaveLength(MAX_ROSTER_RELAYS)
    expect(kept.at(-1)?.weight).toBe(11n) // the ten lightest (work 1..10) are not kept
    expect(kept[0].weight).toBe(BigInt(MAX_ROSTER_RELAYS + 10))
  })

  it('counts ourselves only when our rigs did work in the window', () => {
    const [self, other] = peerIds(2)
    let weights = fixedRelayWeights([[other, 10n]], 'a')
    const roster = new RelayRoster(self, () => weights)
    roster.add(other)
    roster.add(self)
    expect(roster.size).toBe(1)
    weights = fixedRelayWeights(
      [
        [other, 10n],
        [self, 20n]
      ],
      'b'
    )
    expect(roster.relays().map((r) => bytesToHex(r.peerId))).toEqual([bytesToHex(self), bytesToHex(other)])
  })
})
