// Template announcement (docs/design.md, Work and shares step 2): what a relay publishes about a block
// template, without transaction bodies. Its template id is sha256d of this canonical encoding:
//   u8 version (1) | network tag (8) | prevHash 32 | u32 height | i32 version | u32 bits | u32 curtime
//   | u64 coinbaseValue | u8 flags (bit 0: witness commitment) | [witness commitment 32]
//   | u8 branch count (<= MAX_MERKLE_BRANCH_STEPS) | branch
// Signing is the quorum module's job (quorum/signed-template.ts).
import { ByteReader, ByteWriter, DecodeError } from '../primitives/bytes'
import { sha256d } from '../primitives/hash'
import { HASH_BYTES, MAX_MERKLE_BRANCH_STEPS, NETWORK_TAG_BYTES, TEMPLATE_CODEC_VERSION } from './constants'

export interface TemplateAnnouncement {
  networkTag: Uint8Array
  /** Previous block hash, internal byte order. */
  prevHash: Uint8Array
  /** Height of the block being built. */
  height: number
  /** Block version (int32; version-rolling rigs change the bits inside the BIP310 mask). */
  version: number
  /** Block target, compact. */
  bits: number
  /** Template time (unix seconds). */
  curtime: number
  /** Subsidy + fees, base units. */
  coinbaseValue: bigint
  /** Witness commitment (sha256d(witness root || reserved)), when the template carries one. */
  witnessCommitment: Uint8Array | undefined
  /** Merkle branch for the coinbase slot (position 0), leaf side first. */
  merkleBranch: Uint8Array[]
}

/** Largest encoding: fixed fields + witness commitment + a full branch. */
export const MAX_TEMPLATE_ANNOUNCEMENT_BYTES =
  1 + NETWORK_TAG_BYTES + HASH_BYTES + 4 + 4 + 4 + 4 + 8 + 1 + HASH_BYTES + 1 + MAX_MERKLE_BRANCH_STEPS * HASH_BYTES

const FLAG_WITNESS_COMMITMENT = 0x01

export function encodeTemplateAnnouncement(t: TemplateAnnouncement): Uint8Array {
  if (t.networkTag.length !== NETWORK_TAG_BYTES) throw new RangeError(`network tag must be ${NETWORK_TAG_BYTES} bytes`)
  if (t.prevHash.length !== HASH_BYTES) throw new RangeError('prevHash must be 32 bytes')
  if (t.witnessCommitment && t.witnessCommitment.length !== HASH_BYTES)
    throw new RangeError('witness commitment must be 32 bytes')
  if (t.merkleBranch.length > MAX_MERKLE_BRANCH_STEPS)
    throw new RangeError(`merkle branch longer than ${MAX_MERKLE_BRANCH_STEPS}`)
  const w = new ByteWriter(MAX_TEMPLATE_ANNOUNCEMENT_BYTES)
  w.u8(TEMPLATE_CODEC_VERSION).bytes(t.networkTag).bytes(t.prevHash)
  w.u32le(t.height)
    .i32le(t.version | 0)
    .u32le(t.bits)
    .u32le(t.curtime)
    .u64le(t.coinbaseValue)
  w.u8(t.witnessCommitment ? FLAG_WITNESS_COMMITMENT : 0)
  if (t.witnessCommitment) w.bytes(t.witnessCommitment)
  w.u8(t.merkleBranch.length)
  for (const step of t.merkleBranch) {
    if (step.length !== HASH_BYTES) throw new RangeError('merkle branch steps must be 32 bytes')
    w.bytes(step)
  }
  return w.finish()
}

export function decodeTemplateAnnouncement(b: Uint8Array): TemplateAnnouncement {
  if (b.length > MAX_TEMPLATE_ANNOUNCEMENT_BYTES) {
    throw new DecodeError(
      'size',
      `template announcement is ${b.length} bytes, limit ${MAX_TEMPLATE_ANNOUNCEMENT_BYTES}`
    )
  }
  const r = new ByteReader(b)
  const version = r.u8()
  if (version !== TEMPLATE_CODEC_VERSION)
    throw new DecodeError('version', `unknown template encoding version ${version}`)
  const networkTag = r.bytes(NETWORK_TAG_BYTES)
  const prevHash = r.bytes(HASH_BYTES)
  const height = r.u32le()
  const blockVersion = r.i32le()
  const bits = r.u32le()
  const curtime = r.u32le()
  const coinbaseValue = r.u64le()
  const flags = r.u8()
  if ((flags & ~FLAG_WITNESS_COMMITMENT) !== 0)
    throw new DecodeError('flags', `unknown template flags 0x${flags.toString(16)}`)
  const witnessCommitment = flags & FLAG_WITNESS_COMMITMENT ? r.bytes(HASH_BYTES) : undefined
  const steps = r.u8()
  if (steps > MAX_MERKLE_BRANCH_STEPS)
    throw new DecodeError('branch', `merkle branch of ${steps} steps, limit ${MAX_MERKLE_BRANCH_STEPS}`)
  const merkleBranch: Uint8Array[] = []
  for (let i = 0; i < steps; i++) merkleBranch.push(r.bytes(HASH_BYTES))
  r.expectEnd()
  return {
    networkTag,
    prevHash,
    height,
    version: blockVersion,
    bits,
    curtime,
    coinbaseValue,
    witnessCommitment,
    merkleBranch
  }
}

/** Template id: sha256d of the canonical encoding (internal byte order). */
export function templateId(t: TemplateAnnouncement): Uint8Array {
  return sha256d(encodeTemplateAnnouncement(t))
}
