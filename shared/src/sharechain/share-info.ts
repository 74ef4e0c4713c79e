// ShareInfo (docs/design.md, Work and shares step 3) and the OP_RETURN share commitment that binds it
// into the coinbase: OP_RETURN PUSH40 <network tag 8 bytes> <sha256d(ShareInfo) 32 bytes>.
import { ByteReader, ByteWriter, DecodeError } from '../primitives/bytes'
import { fastSha256dInto } from '../primitives/sha256-fast'
import {
  HASH_BYTES,
  MAX_ENCODED_UNCLES,
  MAX_PAYOUT_SCRIPT_BYTES,
  MAX_SHARE_INFO_BYTES,
  NETWORK_TAG_BYTES,
  SHARE_COMMITMENT_PAYLOAD_BYTES
} from './constants'

export interface ShareInfo {
  /** Parent share id (internal byte order); 32 zero bytes for the first share of a chain. */
  prevShareId: Uint8Array
  /** Who this share pays: the finder's output script. */
  payoutScript: Uint8Array
  /**
   * The miner's own share target as compact bits: at most the required target the retarget gives at
   * the parent (harder is allowed); the share is credited by this target's work.
   */
  shareBits: number
  /** Parent height + 1; 0 for the first share. */
  shareHeight: number
  /** Height of the block this share's header would be. */
  blockHeight: number
  /** Total coinbase value in base units (subsidy + fees of the template). */
  coinbaseValue: bigint
  /** Id of the template announcement the share was mined on. */
  templateId: Uint8Array
  /**
   * Ids of shares that lost a close race, credited here with a penalty: each within maxUncleDepth
   * below this share, its parent an ancestor of this share, named by no ancestor; strictly ascending.
   */
  uncles: Uint8Array[]
}

export const ZERO_HASH = new Uint8Array(HASH_BYTES)

const OP_RETURN = 0x6a

export function isZeroHash(h: Uint8Array): boolean {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return false
  return true
}

export function writeShareInfo(w: ByteWriter, info: ShareInfo): void {
  if (info.prevShareId.length !== HASH_BYTES || info.templateId.length !== HASH_BYTES) {
    throw new RangeError('prevShareId and templateId must be 32 bytes')
  }
  if (info.payoutScript.length < 1 || info.payoutScript.length > MAX_PAYOUT_SCRIPT_BYTES) {
    throw new RangeError(`payout script must be 1..${MAX_PAYOUT_SCRIPT_BYTES} bytes`)
  }
  if (info.uncles.length > MAX_ENCODED_UNCLES) throw new RangeError(`at most ${MAX_ENCODED_UNCLES} uncles`)
  w.bytes(info.prevShareId)
    .varBytes(info.payoutScript)
    .u32le(info.shareBits)
    .u32le(info.shareHeight)
    .u32le(info.blockHeight)
    .u64le(info.coinbaseValue)
    .bytes(info.templateId)
    .u8(info.uncles.length)
  for (const uncle of info.uncles) {
    if (uncle.length !== HASH_BYTES) throw new RangeError('uncle ids must be 32 bytes')
    w.bytes(uncle)
  }
}

/** A decoded payout script must be spendable and non-empty (its length limit is the reader's). */
export function checkPayoutScript(payoutScript: Uint8Array): void {
  if (payoutScript.length === 0) throw new DecodeError('payout-script', 'payout script is empty')
  if (payoutScript[0] === OP_RETURN) throw new DecodeError('payout-script', 'payout script is unspendable (OP_RETURN)')
}

/** Reads a serialized ShareInfo (share-codec's decodeShare reads the same layout in place). */
export function readShareInfo(r: ByteReader): ShareInfo {
  const prevShareId = r.bytes(HASH_BYTES)
  const payoutScript = r.varBytes(MAX_PAYOUT_SCRIPT_BYTES)
  checkPayoutScript(payoutScript)
  const shareBits = r.u32le()
  const shareHeight = r.u32le()
  const blockHeight = r.u32le()
  const coinbaseValue = r.u64le()
  const templateId = r.bytes(HASH_BYTES)
  const count = r.u8()
  if (count > MAX_ENCODED_UNCLES) throw new DecodeError('uncles', `${count} uncles, limit ${MAX_ENCODED_UNCLES}`)
  const uncles: Uint8Array[] = []
  for (let i = 0; i < count; i++) uncles.push(r.bytes(HASH_BYTES))
  return { prevShareId, payoutScript, shareBits, shareHeight, blockHeight, coinbaseValue, templateId, uncles }
}

/** The canonical serialization hashed by the commitment. */
export function encodeShareInfo(info: ShareInfo): Uint8Array {
  const w = new ByteWriter(MAX_SHARE_INFO_BYTES)
  writeShareInfo(w, info)
  return w.finish()
}

export function decodeShareInfo(b: Uint8Array): ShareInfo {
  const r = new ByteReader(b)
  const info = readShareInfo(r)
  r.expectEnd()
  return info
}

/** The first NETWORK_TAG_BYTES of the network id: carried by shares and commitments. */
export function networkTagOf(networkId: Uint8Array): Uint8Array {
  if (networkId.length !== HASH_BYTES) throw new RangeError('network id must be 32 bytes')
  return networkId.slice(0, NETWORK_TAG_BYTES)
}

/** Bytes of the commitment output's script: 0x6a 0x28 tag(8) sha256d(ShareInfo)(32) = 42 bytes. */
export const SHARE_COMMITMENT_SCRIPT_BYTES = 2 + SHARE_COMMITMENT_PAYLOAD_BYTES

export function shareCommitmentScript(networkTag: Uint8Array, shareInfoBytes: Uint8Array): Uint8Array {
  const script = new Uint8Array(SHARE_COMMITMENT_SCRIPT_BYTES)
  writeShareCommitmentScript(script, 0, networkTag, shareInfoBytes)
  return script
}

// The last ShareInfo hashed and its sha256d. Every share mined on one job carries the same ShareInfo,
// so a burst of shares from one miner (or a job rebuilt for the same parent) hashes it once; a miss
// costs one comparison that usually stops within the first 40 bytes. Kept in a fixed buffer: a fresh
// copy of 100+ bytes costs ~1 µs in Node 20 (an off-heap ArrayBuffer), as much as the hash.
const lastShareInfo = new Uint8Array(MAX_SHARE_INFO_BYTES)
let lastShareInfoLength = -1
const lastShareInfoDigest = new Uint8Array(HASH_BYTES)

function isLastShareInfo(b: Uint8Array): boolean {
  if (b.length !== lastShareInfoLength) return false
  for (let i = 0; i < b.length; i++) if (b[i] !== lastShareInfo[i]) return false
  return true
}

/** sha256d(ShareInfo) written to out[at..at+32), remembered for the next call with the same bytes. */
export function writeShareInfoDigest(shareInfoBytes: Uint8Array, out: Uint8Array, at: number): void {
  if (!isLastShareInfo(shareInfoBytes)) {
    fastSha256dInto(shareInfoBytes, lastShareInfoDigest, 0)
    if (shareInfoBytes.length <= MAX_SHARE_INFO_BYTES) {
      lastShareInfo.set(shareInfoBytes)
      lastShareInfoLength = shareInfoBytes.length
    } else lastShareInfoLength = -1
  }
  for (let i = 0; i < HASH_BYTES; i++) out[at + i] = lastShareInfoDigest[i]
}

/**
 * Writes the commitment script into `out` at `at` (hot path: no allocation). `shareInfoDigest`, when
 * given, is sha256d(ShareInfo) computed by the caller (benchmarks hash it with another implementation).
 */
export function writeShareCommitmentScript(
  out: Uint8Array,
  at: number,
  networkTag: Uint8Array,
  shareInfoBytes: Uint8Array,
  shareInfoDigest?: Uint8Array
): void {
  if (networkTag.length !== NETWORK_TAG_BYTES) throw new RangeError(`network tag must be ${NETWORK_TAG_BYTES} bytes`)
  out[at] = OP_RETURN
  out[at + 1] = SHARE_COMMITMENT_PAYLOAD_BYTES // a direct push of 40 bytes
  out.set(networkTag, at + 2)
  if (shareInfoDigest) out.set(shareInfoDigest, at + 2 + NETWORK_TAG_BYTES)
  else writeShareInfoDigest(shareInfoBytes, out, at + 2 + NETWORK_TAG_BYTES)
}
