import { bytesToHex } from '@otedama/shared/primitives'
import { relayKeyHex, type RelayWeights } from '@otedama/shared/quorum'
import { BoundedMap } from '@otedama/shared/util'

/** Relays with work kept by peer id, at most (count); beyond it the lightest are not kept. The window
 *  holds at most windowShares bound keys (8 640 on the largest network), so this bounds a flood of
 *  keys that each did a little work, while every relay with real weight fits. */
export const MAX_ROSTER_RELAYS = 1024
/** Relays heard (a verified signed template) whose key has no work in the window yet, at most (count,
 *  the least recently heard goes first). They have no vote; they are kept only so that, once their
 *  work enters the window, their peer id is known at once. */
export const MAX_PENDING_RELAYS = 64

/**
 * The relays this relay knows by peer id (sharechain/README.md, Quorums). Committees do not come from
 * here: they are drawn from the weights alone (relay keys with work in the share chain's window), which
 * every peer computes the same. The roster maps those keys to peer ids (for the API and for fetching
 * templates) and is kept by weight: announcing often buys nothing, and keys without work live only in a
 * small pending set that cannot push a weighted relay out.
 */
export class RelayRoster {
  private readonly weighted = new Map<string, Uint8Array>()
  private readonly pending = new BoundedMap<string, Uint8Array>(MAX_PENDING_RELAYS)
  private weightsVersion: string | undefined
  private readonly selfKey: string

  constructor(
    private readonly selfId: Uint8Array,
    private readonly weights: () => RelayWeights
  ) {
    this.selfKey = relayKeyHex(selfId)
  }

  /** A relay proved itself one (a verified signed template or attestation of our network). */
  add(peerIdBytes: Uint8Array): void {
    const key = relayKeyHex(peerIdBytes)
    if (key === this.selfKey || this.weighted.has(key)) return
    this.refresh()
    const weight = this.weights().byKey.get(key) ?? 0n
    if (weight > 0n) {
      this.weighted.set(key, peerIdBytes)
      this.trim()
      return
    }
    this.pending.delete(key)
    this.pending.set(key, peerIdBytes)
  }

  /** Peer id of a relay key, when known (ourselves included). */
  peerIdOf(relayKey: string): Uint8Array | undefined {
    if (relayKey === this.selfKey) return this.selfId
    this.refresh()
    return this.weighted.get(relayKey) ?? this.pending.get(relayKey)
  }

  /** Weighted relays known by peer id, ourselves included when we have work: [peer id, work], heaviest first. */
  relays(): Array<{ peerId: Uint8Array; weight: bigint }> {
    this.refresh()
    const byKey = this.weights().byKey
    const out = [...this.weighted].map(([key, peerId]) => ({ peerId, weight: byKey.get(key) ?? 0n }))
    const own = byKey.get(this.selfKey) ?? 0n
    if (own > 0n) out.push({ peerId: this.selfId, weight: own })
    return out.sort((a, b) =>
      a.weight > b.weight ? -1 : a.weight < b.weight ? 1 : bytesToHex(a.peerId) < bytesToHex(b.peerId) ? -1 : 1
    )
  }

  /** Weighted relays known by peer id (ourselves included when we have work). */
  get size(): number {
    return this.relays().length
  }

  get pendingSize(): number {
    return this.pending.size
  }

  /** On new weights: pending relays that gained work move in, weighted ones that lost it move out. */
  private refresh(): void {
    const w = this.weights()
    if (w.version === this.weightsVersion) return
    this.weightsVersion = w.version
    for (const [key, peerId] of this.weighted) {
      if ((w.byKey.get(key) ?? 0n) > 0n) continue
      this.weighted.delete(key)
      this.pending.set(key, peerId)
    }
    for (const [key, peerId] of this.pending) {
      if ((w.byKey.get(key) ?? 0n) === 0n) continue
      this.pending.delete(key)
      this.weighted.set(key, peerId)
    }
    this.trim()
  }

  /** Keeps the MAX_ROSTER_RELAYS heaviest. */
  private trim(): void {
    if (this.weighted.size <= MAX_ROSTER_RELAYS) return
    const byKey = this.weights().byKey
    const ranked = [...this.weighted.keys()].sort((a, b) => {
      const wa = byKey.get(a) ?? 0n
      const wb = byKey.get(b) ?? 0n
      return wa > wb ? -1 : wa < wb ? 1 : a < b ? -1 : 1
    })
    for (const key of ranked.slice(MAX_ROSTER_RELAYS)) this.weighted.delete(key)
  }
}
