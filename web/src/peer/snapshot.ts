// A snapshot of the share window and the header chain's tip region, kept in IndexedDB per network so a
// reload has the window even when the relay cannot serve it (issue 8). The bytes are untrusted on the way
// back in: the codec checks framing, bounds, a checksum (a torn or bit-rotted write) and that the shares
// form one chain, each naming the one before as parent (an edited header breaks the link, so the whole
// snapshot is refused rather than restored in part); every share is then validated by ShareState under
// the synced rules, exactly as shares fetched by sync are.
//
// Layout: magic "OTSN" | version 1 | varint headerCount | 80-byte headers, oldest first
//       | varint shareCount | (varint length | encoded share), oldest first | first 4 bytes of sha256d(all before).
import { ByteReader, ByteWriter, equalBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { HEADER_BYTES } from '@otedama/shared/primitives'
import { MAX_SHARE_MESSAGE_BYTES } from '@otedama/shared/p2p'
import { shareMessageId } from '@otedama/shared/p2p'
import { decodeShare } from '@otedama/shared/sharechain'
import type { ShareState } from './share-state'

/** Shares kept, newest window first: the largest window of any network (8640 shares, ~8640 x 0.5 KB). */
export const SNAPSHOT_MAX_SHARES = 8_640
/** Headers kept below and at the header tip (80 bytes each: 5 KB). */
export const SNAPSHOT_MAX_HEADERS = 64
/** Largest snapshot, bytes: every share at the share-message limit, the headers, framing. */
export const SNAPSHOT_MAX_BYTES =
  SNAPSHOT_MAX_SHARES * (MAX_SHARE_MESSAGE_BYTES + 3) + SNAPSHOT_MAX_HEADERS * HEADER_BYTES + 64
/** How often a running peer saves its snapshot (ms); also saved on stop and on pagehide. */
export const SNAPSHOT_INTERVAL_MS = 30_000

const MAGIC = Uint8Array.of(0x4f, 0x54, 0x53, 0x4e) // "OTSN"
const VERSION = 1
const CHECKSUM_BYTES = 4

export interface ShareSnapshot {
  /** 80-byte headers, oldest first. */
  headers: Uint8Array[]
  /** Encoded shares, oldest first. */
  shares: Uint8Array[]
}

/** The IndexedDB key of a network's snapshot. */
export function snapshotKey(network: string): string {
  return `window:${network}`
}

export function encodeSnapshot(snapshot: ShareSnapshot): Uint8Array {
  if (snapshot.headers.length > SNAPSHOT_MAX_HEADERS)
    throw new RangeError(`${snapshot.headers.length} headers, limit ${SNAPSHOT_MAX_HEADERS}`)
  if (snapshot.shares.length > SNAPSHOT_MAX_SHARES)
    throw new RangeError(`${snapshot.shares.length} shares, limit ${SNAPSHOT_MAX_SHARES}`)
  const w = new ByteWriter().bytes(MAGIC).u8(VERSION).varint(snapshot.headers.length)
  for (const h of snapshot.headers) {
    if (h.length !== HEADER_BYTES) throw new RangeError(`header of ${h.length} bytes`)
    w.bytes(h)
  }
  w.varint(snapshot.shares.length)
  for (const s of snapshot.shares) {
    if (s.length > MAX_SHARE_MESSAGE_BYTES)
      throw new RangeError(`share of ${s.length} bytes, limit ${MAX_SHARE_MESSAGE_BYTES}`)
    w.varBytes(s)
  }
  const body = w.finish()
  return new ByteWriter(body.length + CHECKSUM_BYTES)
    .bytes(body)
    .bytes(sha256d(body).subarray(0, CHECKSUM_BYTES))
    .finish()
}

/** The snapshot, or why it is unusable (then the peer syncs the whole window as if there were none). */
export function decodeSnapshot(
  bytes: Uint8Array
): { ok: true; snapshot: ShareSnapshot } | { ok: false; reason: string } {
  if (bytes.length > SNAPSHOT_MAX_BYTES)
    return { ok: false, reason: `snapshot of ${bytes.length} bytes, limit ${SNAPSHOT_MAX_BYTES}` }
  if (bytes.length < MAGIC.length + 1 + CHECKSUM_BYTES) return { ok: false, reason: 'truncated' }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES)
  if (!equalBytes(sha256d(body).subarray(0, CHECKSUM_BYTES), bytes.subarray(body.length)))
    return { ok: false, reason: 'checksum' }
  try {
    const r = new ByteReader(body)
    if (!equalBytes(r.bytes(MAGIC.length), MAGIC)) return { ok: false, reason: 'magic' }
    const version = r.u8()
    if (version !== VERSION) return { ok: false, reason: `version ${version}` }
    const headers: Uint8Array[] = []
    for (let n = r.varint(SNAPSHOT_MAX_HEADERS); n > 0; n--) headers.push(r.bytes(HEADER_BYTES))
    const shares: Uint8Array[] = []
    for (let n = r.varint(SNAPSHOT_MAX_SHARES); n > 0; n--) shares.push(r.varBytes(MAX_SHARE_MESSAGE_BYTES))
    r.expectEnd()
    for (let i = 1; i < shares.length; i++) {
      if (!equalBytes(decodeShare(shares[i]).info.prevShareId, shareMessageId(shares[i - 1])))
        return { ok: false, reason: `share ${i} does not build on share ${i - 1}` }
    }
    return { ok: true, snapshot: { headers, shares } }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) }
  }
}

/** The window from our tip back (at most a window, SNAPSHOT_MAX_SHARES) and the best headers up to our header tip. */
export function takeSnapshot(state: ShareState): ShareSnapshot {
  const shares: Uint8Array[] = []
  const tip = state.tip
  const maxShares = Math.min(state.rules.windowShares, SNAPSHOT_MAX_SHARES)
  // With the uncles each share names (restored oldest first, an uncle precedes the share naming it).
  if (tip !== undefined) shares.push(...state.chain.syncPage(tip, 0, maxShares).shares)
  const headers: Uint8Array[] = []
  const chain = state.headers
  if (chain !== undefined) {
    for (let h = chain.tip.height; headers.length < SNAPSHOT_MAX_HEADERS; h--) {
      const hash = chain.hashAtHeight(h)
      const header80 = hash === undefined ? undefined : chain.get(hash)?.header80
      if (header80 === undefined) break // the checkpoint has no header bytes
      headers.push(header80)
    }
  }
  return { headers: headers.reverse(), shares: shares.reverse() }
}
