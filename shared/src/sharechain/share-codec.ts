// The share on the wire (DESIGN.md, Work and shares step 4): a compact, versioned binary encoding.
//   u8 version (1) | network tag (8) | header (80) | ShareInfo | coinbase parts | merkle branch
// coinbase parts = u32 version | varBytes scriptSig (2..100) | u8 flags (bit 0: witness commitment)
//                  | [witness commitment 32] | u32 locktime
// merkle branch  = u8 count (<= MAX_MERKLE_BRANCH_STEPS) | count x 32 bytes
// Decoding is strict: size limits first, unknown versions/flags, oversize fields and trailing bytes fail.
import { ByteReader, ByteWriter, DecodeError } from '../primitives/bytes'
import { HEADER_BYTES, decodeHeader, type BlockHeader } from '../primitives/header'
import {
  HASH_BYTES,
  MAX_COINBASE_SCRIPTSIG_BYTES,
  MAX_MERKLE_BRANCH_STEPS,
  MAX_SHARE_BYTES,
  MIN_COINBASE_SCRIPTSIG_BYTES,
  MIN_SHARE_BYTES,
  NETWORK_TAG_BYTES,
  SHARE_CODEC_VERSION
} from './constants'
import { readShareInfo, writeShareInfo, type ShareInfo } from './share-info'

/** The coinbase fields a peer cannot derive from the share chain. */
export interface CoinbaseParts {
  version: number
  scriptSig: Uint8Array
  /** sha256d(witness root || reserved) from the template; absent when the template has none. */
  witnessCommitment: Uint8Array | undefined
  locktime: number
}

export interface Share {
  networkTag: Uint8Array
  header: BlockHeader
  /** The raw 80 header bytes: hashed for the share id and PoW without re-encoding. */
  header80: Uint8Array
  info: ShareInfo
  /** The raw ShareInfo bytes: hashed for the commitment without re-encoding. */
  infoBytes: Uint8Array
  coinbase: CoinbaseParts
  merkleBranch: Uint8Array[]
}

const FLAG_WITNESS_COMMITMENT = 0x01
const KNOWN_FLAGS = FLAG_WITNESS_COMMITMENT

export interface ShareFields {
  networkTag: Uint8Array
  header80: Uint8Array
  info: ShareInfo
  coinbase: CoinbaseParts
  merkleBranch: Uint8Array[]
}

export function encodeShare(s: ShareFields): Uint8Array {
  if (s.networkTag.length !== NETWORK_TAG_BYTES) throw new RangeError(`network tag must be ${NETWORK_TAG_BYTES} bytes`)
  if (s.header80.length !== HEADER_BYTES) throw new RangeError(`header must be ${HEADER_BYTES} bytes`)
  const { scriptSig, witnessCommitment } = s.coinbase
  if (scriptSig.length < MIN_COINBASE_SCRIPTSIG_BYTES || scriptSig.length > MAX_COINBASE_SCRIPTSIG_BYTES) {
    throw new RangeError(`coinbase scriptSig must be ${MIN_COINBASE_SCRIPTSIG_BYTES}..${MAX_COINBASE_SCRIPTSIG_BYTES} bytes`)
  }
  if (witnessCommitment && witnessCommitment.length !== HASH_BYTES) throw new RangeError('witness commitment must be 32 bytes')
  if (s.merkleBranch.length > MAX_MERKLE_BRANCH_STEPS) throw new RangeError(`merkle branch longer than ${MAX_MERKLE_BRANCH_STEPS}`)
  const w = new ByteWriter(MAX_SHARE_BYTES)
  w.u8(SHARE_CODEC_VERSION).bytes(s.networkTag).bytes(s.header80)
  writeShareInfo(w, s.info)
  w.u32le(s.coinbase.version >>> 0).varBytes(scriptSig).u8(witnessCommitment ? FLAG_WITNESS_COMMITMENT : 0)
  if (witnessCommitment) w.bytes(witnessCommitment)
  w.u32le(s.coinbase.locktime).u8(s.merkleBranch.length)
  for (const step of s.merkleBranch) {
    if (step.length !== HASH_BYTES) throw new RangeError('merkle branch steps must be 32 bytes')
    w.bytes(step)
  }
  return w.finish()
}

/** Strict decoding; throws DecodeError (code: size, version, eof, payout-script, flags, branch, trailing...). */
export function decodeShare(bytes: Uint8Array): Share {
  if (bytes.length > MAX_SHARE_BYTES) throw new DecodeError('size', `share is ${bytes.length} bytes, limit ${MAX_SHARE_BYTES}`)
  if (bytes.length < MIN_SHARE_BYTES) throw new DecodeError('eof', `share is ${bytes.length} bytes, minimum ${MIN_SHARE_BYTES}`)
  const r = new ByteReader(bytes)
  const version = r.u8()
  if (version !== SHARE_CODEC_VERSION) throw new DecodeError('version', `unknown share encoding version ${version}`)
  const networkTag = r.bytes(NETWORK_TAG_BYTES)
  const header80 = r.bytes(HEADER_BYTES)
  const infoStart = r.offset
  const info = readShareInfo(r)
  const infoBytes = bytes.slice(infoStart, r.offset)
  const coinbaseVersion = r.u32le()
  const scriptSig = r.varBytes(MAX_COINBASE_SCRIPTSIG_BYTES)
  if (scriptSig.length < MIN_COINBASE_SCRIPTSIG_BYTES) {
    throw new DecodeError('scriptsig', `coinbase scriptSig is ${scriptSig.length} bytes, minimum ${MIN_COINBASE_SCRIPTSIG_BYTES}`)
  }
  const flags = r.u8()
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new DecodeError('flags', `unknown coinbase flags 0x${flags.toString(16)}`)
  const witnessCommitment = flags & FLAG_WITNESS_COMMITMENT ? r.bytes(HASH_BYTES) : undefined
  const locktime = r.u32le()
  const steps = r.u8()
  if (steps > MAX_MERKLE_BRANCH_STEPS) throw new DecodeError('branch', `merkle branch of ${steps} steps, limit ${MAX_MERKLE_BRANCH_STEPS}`)
  // One copy of the branch, then a view per step (decoded on every validation: fewer copies).
  const branchBytes = r.bytes(steps * HASH_BYTES)
  const merkleBranch: Uint8Array[] = new Array(steps)
  for (let i = 0; i < steps; i++) merkleBranch[i] = branchBytes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)
  r.expectEnd()
  return {
    networkTag,
    header: decodeHeader(header80),
    header80,
    info,
    infoBytes,
    coinbase: { version: coinbaseVersion, scriptSig, witnessCommitment, locktime },
    merkleBranch
  }
}
