// The restart snapshot: its codec (framing, bounds, checksum), what a running peer saves, and that a
// snapshot restored after a failed window sync is validated like synced shares: a tampered one adds
// nothing and leaves the state able to take the window from a relay (the full-sync fallback).
import { describe, expect, it } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { meetsTarget } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { SHARE_HEADER_OFFSET } from '@otedama/shared/p2p'
import { templateId, type TemplateAnnouncement } from '@otedama/shared/sharechain'
import { buildPeerJob, shareBytesOf } from '../../src/peer/job-factory'
import { PeerSession, type SnapshotStore } from '../../src/peer/session'
import { ShareState } from '../../src/peer/share-state'
import {
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_MAX_HEADERS,
  SNAPSHOT_MAX_SHARES,
  snapshotKey,
  takeSnapshot
} from '../../src/peer/snapshot'
import type { ConfirmedTemplate } from '../../src/peer/template-quorum'

const params = getChainParams('devnet')
const me = p2wpkhScript(new Uint8Array(20).fill(1))

function anchorTemplate(state: ShareState): ConfirmedTemplate {
  const announcement: TemplateAnnouncement = {
    networkTag: state.rules.networkTag,
    prevHash: sha256d(Uint8Array.of(5)),
    height: 5,
    version: 0x20000000,
    bits: 0x1e00ffff,
    curtime: Math.floor(Date.now() / 1000),
    coinbaseValue: 50_0000_0000n,
    witnessCommitment: undefined,
    merkleBranch: []
  }
  const id = templateId(announcement)
  state.addTemplate(id, announcement)
  state.anchor(announcement.prevHash, announcement.height - 1)
  return { id, idHex: bytesToHex(id), announcement }
}

/** Mines `count` shares on one chain into `state` (devnet share target: ~256 tries each); returns their bytes, oldest first. */
function mineChain(
  state: ShareState,
  template: ConfirmedTemplate,
  count: number
): { shares: Uint8Array[]; shareTarget: bigint } {
  const out: Uint8Array[] = []
  let shareTarget = 0n
  for (let seq = 0; seq < count; seq++) {
    const job = buildPeerJob({
      state,
      template,
      payoutScript: me,
      extranonce1: Uint8Array.of(1, 2, 3, 4),
      seq,
      now: Math.floor(Date.now() / 1000)
    })
    shareTarget = job.mining.shareTarget
    const header80 = job.mining.buildHeader(0)
    const view = new DataView(header80.buffer)
    let nonce = 0
    while (!meetsTarget(sha256d(header80), job.mining.shareTarget)) view.setUint32(76, ++nonce, true)
    const hash = sha256d(header80)
    const bytes = shareBytesOf(
      job,
      { jobId: job.jobId, extranonce2: 0, nonce, header80, hash, meetsShareTarget: true, meetsBlockTarget: false },
      state.rules.networkTag
    )
    expect(state.addLive(bytes, 'mine').verdict).toEqual({ kind: 'accept' })
    out.push(bytes)
  }
  return { shares: out, shareTarget }
}

/** A copy of `share` whose header nonce is changed so that its hash misses the share target (deterministic search). */
function breakPow(share: Uint8Array, target: bigint): Uint8Array {
  for (let flip = 1; flip < 256; flip++) {
    const copy = share.slice()
    copy[SHARE_HEADER_OFFSET + 76] ^= flip
    const hash = sha256d(copy.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + 80))
    if (!meetsTarget(hash, target)) return copy
  }
  throw new Error('no failing nonce found')
}

function memoryStore(): SnapshotStore & { map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>()
  return {
    map,
    saveSnapshot: async (k, b) => {
      map.set(k, b)
    },
    loadSnapshot: async (k) => map.get(k)
  }
}

function sessionWith(store: SnapshotStore): PeerSession {
  const deps = {
    createNetwork: async () => {
      throw new Error('unused')
    },
    fetchWork: async () => undefined,
    store: undefined as never,
    snapshots: store
  }
  return new PeerSession('http://127.0.0.1:8080', { network: 'devnet' } as never, deps)
}

describe('restart snapshot codec', () => {
  it('round-trips headers and shares, and refuses corruption, bad framing and over-limit counts', () => {
    const snapshot = {
      headers: [new Uint8Array(80).fill(7), new Uint8Array(80).fill(8)],
      shares: [new Uint8Array(300).fill(9)]
    }
    const bytes = encodeSnapshot(snapshot)
    expect(decodeSnapshot(bytes)).toEqual({ ok: true, snapshot })
    expect(decodeSnapshot(encodeSnapshot({ headers: [], shares: [] }))).toEqual({
      ok: true,
      snapshot: { headers: [], shares: [] }
    })

    const flipped = bytes.slice()
    flipped[100] ^= 1
    expect(decodeSnapshot(flipped)).toEqual({ ok: false, reason: 'checksum' })
    expect(decodeSnapshot(bytes.subarray(0, bytes.length - 1))).toEqual({ ok: false, reason: 'checksum' })
    expect(decodeSnapshot(new Uint8Array(3))).toEqual({ ok: false, reason: 'truncated' })
    expect(() => encodeSnapshot({ headers: [new Uint8Array(79)], shares: [] })).toThrow(RangeError)
    expect(() =>
      encodeSnapshot({ headers: Array(SNAPSHOT_MAX_HEADERS + 1).fill(new Uint8Array(80)), shares: [] })
    ).toThrow(RangeError)
    expect(() =>
      encodeSnapshot({ headers: [], shares: Array(SNAPSHOT_MAX_SHARES + 1).fill(Uint8Array.of(1)) })
    ).toThrow(RangeError)
  })

  it('saves the window oldest first, and restores it after a failed sync; a tampered one adds nothing and full sync still works', async () => {
    const source = new ShareState(params)
    const { shares, shareTarget } = mineChain(source, anchorTemplate(source), 3)
    const saved = takeSnapshot(source)
    expect(saved.shares).toEqual(shares)

    const store = memoryStore()
    const key = snapshotKey('devnet')
    store.map.set(key, encodeSnapshot(saved))
    const good = sessionWith(store)
    anchorTemplate(good.state)
    expect(await good.restoreSnapshot()).toBe(3)
    expect(good.state.tip?.id).toEqual(source.tip?.id)
    await good.saveSnapshot()
    expect(decodeSnapshot(store.map.get(key)!)).toEqual({ ok: true, snapshot: saved })

    // Out of order, or a header edited (checksum recomputed: a deliberate edit, not bit rot): not one chain.
    expect(decodeSnapshot(encodeSnapshot({ headers: [], shares: [shares[1], shares[0], shares[2]] }))).toMatchObject({
      ok: false
    })
    const edited = encodeSnapshot({ headers: [], shares: [breakPow(shares[0], shareTarget), ...shares.slice(1)] })
    expect(decodeSnapshot(edited)).toEqual({ ok: false, reason: 'share 1 does not build on share 0' })
    store.map.set(key, edited)
    const tampered = sessionWith(store)
    anchorTemplate(tampered.state)
    expect(await tampered.restoreSnapshot()).toBe(0)
    expect(tampered.state.tip).toBeUndefined()
    for (const s of shares) expect(tampered.state.addSynced(s).verdict).toEqual({ kind: 'accept' })
    expect(tampered.state.tip?.id).toEqual(source.tip?.id)

    // The newest share's PoW broken: the chain links hold, validation refuses it and keeps the two before it.
    store.map.set(
      key,
      encodeSnapshot({ headers: [], shares: [...shares.slice(0, 2), breakPow(shares[2], shareTarget)] })
    )
    const lastEdited = sessionWith(store)
    anchorTemplate(lastEdited.state)
    expect(await lastEdited.restoreSnapshot()).toBe(2)
    expect(lastEdited.state.addSynced(shares[2]).verdict).toEqual({ kind: 'accept' })
    expect(lastEdited.state.tip?.id).toEqual(source.tip?.id)

    // Corrupted bytes: refused by the checksum, nothing restored.
    const corrupt = encodeSnapshot(saved)
    corrupt[40] ^= 0xff
    store.map.set(key, corrupt)
    const rotten = sessionWith(store)
    anchorTemplate(rotten.state)
    expect(await rotten.restoreSnapshot()).toBe(0)
    expect(rotten.state.tip).toBeUndefined()
  })
})
