// Deterministic committee (DESIGN.md, Validation in quorums): the k relays whose sha256(peer id bytes)
// is closest to the attested id by XOR distance (Kademlia's metric), ties broken by peer id bytes.
// Every peer with the same candidate list computes the same committee.
import { bytesToHex } from '../primitives/bytes'
import { sha256 } from '../primitives/hash'
import { DEFAULT_COMMITTEE_SIZE, MIN_COMMITTEE_SIZE } from './constants'

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

function xorDistance(a: Uint8Array, b: Uint8Array): Uint8Array {
  const d = new Uint8Array(32)
  for (let i = 0; i < 32; i++) d[i] = a[i] ^ b[i]
  return d
}

/** The committee for `subjectId` among `candidates` (peer id bytes); all of them when fewer than k. */
export function selectCommittee(candidates: Uint8Array[], subjectId: Uint8Array, k = DEFAULT_COMMITTEE_SIZE): Uint8Array[] {
  if (!Number.isInteger(k) || k < MIN_COMMITTEE_SIZE) throw new RangeError(`committee size must be an integer >= ${MIN_COMMITTEE_SIZE}, got ${k}`)
  if (subjectId.length !== 32) throw new RangeError('subject id must be 32 bytes')
  const unique = new Map<string, Uint8Array>()
  for (const c of candidates) unique.set(bytesToHex(c), c)
  const ranked = [...unique.values()].map((id) => ({ id, distance: xorDistance(sha256(id), subjectId) }))
  ranked.sort((x, y) => compareBytes(x.distance, y.distance) || compareBytes(x.id, y.id))
  return ranked.slice(0, k).map((r) => r.id)
}
