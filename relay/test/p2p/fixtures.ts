// Test shares for the P2P tests until real share-chain shares are used: the share encoding's frame
// (version byte, 8-byte network tag, 80-byte header, payload) with real sha256d PoW under an easy
// target (hash's most significant byte zero: ~256 tries), so a validator can tell valid from forged.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { vi } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import {
  ACCEPT,
  reject,
  ignore,
  SHARE_HEADER_OFFSET,
  type ShareSyncSource,
  type Verdict,
  type WindowPage
} from '@otedama/shared/p2p'
import { createRelayNode, type RelayNode } from '../../src/p2p'

const TEST_SHARE_VERSION = 1
const HEADER_BYTES = 80
const PREV_HASH_OFFSET = SHARE_HEADER_OFFSET + 4

export function shareIdOf(share: Uint8Array): Uint8Array {
  return sha256d(share.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES))
}

export function parentIdOf(share: Uint8Array): Uint8Array {
  return share.subarray(PREV_HASH_OFFSET, PREV_HASH_OFFSET + 32)
}

/** A share with real PoW on its header: prev = parent id, merkle root = sha256d(label). */
export function mineTestShare(
  label: string,
  parentId: Uint8Array = new Uint8Array(32),
  payloadBytes = 300
): Uint8Array {
  const share = new Uint8Array(SHARE_HEADER_OFFSET + HEADER_BYTES + payloadBytes)
  share[0] = TEST_SHARE_VERSION
  const header = share.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES)
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES)
  view.setUint32(0, 0x20000000, true)
  header.set(parentId, 4)
  header.set(sha256d(new TextEncoder().encode(label)), 36)
  view.setUint32(68, Math.floor(Date.now() / 1000), true)
  view.setUint32(72, 0x207fffff, true)
  for (let nonce = 0; ; nonce++) {
    view.setUint32(76, nonce, true)
    if (meetsEasyTarget(header)) return share
  }
}

/** Same frame, PoW not done: what a hostile peer sends. */
export function forgedShare(label: string): Uint8Array {
  const share = mineTestShare(label)
  const view = new DataView(share.buffer, share.byteOffset + SHARE_HEADER_OFFSET, HEADER_BYTES)
  for (let nonce = view.getUint32(76, true) + 1; ; nonce++) {
    view.setUint32(76, nonce, true)
    if (!meetsEasyTarget(share.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES))) return share
  }
}

function meetsEasyTarget(header80: Uint8Array): boolean {
  return sha256d(header80)[31] === 0 // internal byte order: byte 31 is the most significant
}

/** Cheapest checks first: size, version, then the hash. */
export function validateTestShare(bytes: Uint8Array): Verdict {
  if (bytes.length < SHARE_HEADER_OFFSET + HEADER_BYTES || bytes.length > 4096) return reject('size')
  if (bytes[0] !== TEST_SHARE_VERSION) return reject('version')
  if (!meetsEasyTarget(bytes.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES))) return reject('pow')
  return ACCEPT
}

/** An in-memory chain of test shares by parent link: validator + sync source. */
export class TestShareStore implements ShareSyncSource {
  readonly byId = new Map<string, Uint8Array>()
  private tipKey: string | undefined

  validate = (bytes: Uint8Array, _from?: PeerId): Verdict => {
    const verdict = validateTestShare(bytes)
    if (verdict.kind !== 'accept') return verdict
    const key = bytesToHex(shareIdOf(bytes))
    if (this.byId.has(key)) return ignore('duplicate')
    const parent = parentIdOf(bytes)
    const parentKey = bytesToHex(parent)
    if (!parent.every((b) => b === 0) && !this.byId.has(parentKey)) {
      // Kept as an orphan (as the share chain's OrphanPool does) and connected when the parent arrives.
      this.orphans.set(parentKey, [...(this.orphans.get(parentKey) ?? []), bytes])
      return ignore('unknown-parent', parent.slice())
    }
    this.add(bytes)
    return ACCEPT
  }

  private readonly orphans = new Map<string, Uint8Array[]>()

  /** Shares below each share (0 for a root): the tip is the deepest, ties to the first seen, as in
   *  the share chain's most-work rule — whatever order gossip and parent fetches deliver them in. */
  private readonly depth = new Map<string, number>()

  add(bytes: Uint8Array): void {
    const key = bytesToHex(shareIdOf(bytes))
    this.byId.set(key, bytes)
    const depth = (this.depth.get(bytesToHex(parentIdOf(bytes))) ?? -1) + 1
    this.depth.set(key, depth)
    if (this.tipKey === undefined || depth > (this.depth.get(this.tipKey) ?? -1)) this.tipKey = key
    const children = this.orphans.get(key) ?? []
    this.orphans.delete(key)
    for (const child of children) this.add(child)
  }

  bestTip(): Uint8Array | undefined {
    return this.tipKey === undefined ? undefined : shareIdOf(this.byId.get(this.tipKey)!)
  }

  window(tip: Uint8Array, skip: number, count: number): WindowPage | undefined {
    let share = this.byId.get(bytesToHex(tip))
    if (share === undefined) return undefined
    const shares: Uint8Array[] = []
    for (let i = 0; share !== undefined; i++) {
      if (i >= skip + count) return { shares, more: true }
      if (i >= skip) shares.push(share)
      share = this.byId.get(bytesToHex(parentIdOf(share)))
    }
    return { shares, more: false }
  }

  sharesById(ids: Uint8Array[]): Uint8Array[] {
    return ids.map((id) => this.byId.get(bytesToHex(id))).filter((s): s is Uint8Array => s !== undefined)
  }
}

export interface TestNode {
  node: RelayNode
  store: TestShareStore
  dataDir: string
  received: Uint8Array[]
  /** Peer ids of the senders of every message this node's validator rejected. */
  rejectedFrom: string[]
}

export async function startTestNode(
  options: { bootstrap?: string[]; dataDir?: string; validate?: boolean } = {}
): Promise<TestNode> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'otedama-p2p-')))
  const store = new TestShareStore()
  const rejectedFrom: string[] = []
  const node = await createRelayNode(
    {
      network: 'devnet',
      dataDir,
      host: '127.0.0.1',
      tcpPort: 0,
      wsPort: 0,
      bootstrap: options.bootstrap,
      allowPrivateAddresses: true,
      inboundConnectionsPerHostPerSecond: 1000
    },
    {
      validators: {
        share: (bytes, from) => {
          const verdict = store.validate(bytes)
          if (verdict.kind === 'reject') rejectedFrom.push(from.toString())
          return verdict
        }
      },
      syncSource: store
    }
  )
  const received: Uint8Array[] = []
  node.on('share', (bytes) => received.push(bytes))
  await node.start()
  return { node, store, dataDir, received, rejectedFrom }
}

/** What a miner does with its own share: add it to its chain, then gossip it. */
export async function publishOwnShare(n: TestNode, share: Uint8Array): Promise<void> {
  if (n.store.validate(share).kind === 'accept') await n.node.publish('share', share)
  else throw new Error("test share does not extend the publisher's chain")
}

export async function stopTestNodes(nodes: TestNode[], removeData = true): Promise<void> {
  await Promise.all(nodes.map((n) => n.node.stop().catch(() => undefined)))
  if (removeData) await Promise.all(nodes.map((n) => rm(n.dataDir, { recursive: true, force: true })))
}

export function tcpAddr(node: RelayNode): string {
  const addr = node.multiaddrs().find((a) => !a.toString().includes('/ws'))
  if (addr === undefined) throw new Error('node has no TCP address')
  return addr.toString()
}

export function wsAddr(node: RelayNode): string {
  const addr = node.multiaddrs().find((a) => a.toString().includes('/ws'))
  if (addr === undefined) throw new Error('node has no WebSocket address')
  return addr.toString()
}

/** Waits (vi.waitFor, checking every 25 ms) until `check` is true; after `timeoutMs` it throws with `what`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`timed out waiting for ${what}`)
    },
    { timeout: timeoutMs, interval: 25 }
  )
}
