// Legacy (txid) serialization of a share's coinbase, written straight into one buffer (hot path of
// validation): version | 1 input (null prevout, scriptSig, COINBASE_SEQUENCE) | outputs | locktime.
// Outputs: the payouts (pre-serialized once per parent/value/finder), then the share commitment,
// then the witness commitment when the template has one.
import { ByteWriter } from '../primitives/bytes'
import { sha256d } from '../primitives/hash'
import { COINBASE_SEQUENCE, HASH_BYTES, MAX_COINBASE_SCRIPTSIG_BYTES } from './constants'
import type { PayoutOutput } from './payouts'
import { SHARE_COMMITMENT_SCRIPT_BYTES, writeShareCommitmentScript } from './share-info'

/** Payout outputs serialized once (value u64 | varBytes script each) and reused for every share. */
export interface SerializedPayouts {
  outputs: PayoutOutput[]
  count: number
  bytes: Uint8Array
}

export function serializePayouts(outputs: PayoutOutput[]): SerializedPayouts {
  const w = new ByteWriter(outputs.length * 44)
  for (const o of outputs) w.u64le(o.value).varBytes(o.script)
  return { outputs, count: outputs.length, bytes: w.finish() }
}

/** version 4 + input count 1 + null prevout 36 + scriptSig length 1 (scriptSig <= 100 bytes). */
export const COINBASE_SCRIPTSIG_OFFSET = 4 + 1 + 36 + 1
const COMMITMENT_OUTPUT_BYTES = 8 + 1 + SHARE_COMMITMENT_SCRIPT_BYTES
/** BIP141 witness commitment script: OP_RETURN PUSH36 0xaa21a9ed, then the 32-byte commitment. */
const WITNESS_COMMITMENT_PREFIX = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed)
const WITNESS_COMMITMENT_SCRIPT_BYTES = WITNESS_COMMITMENT_PREFIX.length + HASH_BYTES
const WITNESS_OUTPUT_BYTES = 8 + 1 + WITNESS_COMMITMENT_SCRIPT_BYTES
/** Output counts stay below 0xfd so the count is one byte (maxPayoutOutputs is far below). */
const MAX_SINGLE_BYTE_COUNT = 0xfc

export interface CoinbaseFields {
  version: number
  scriptSig: Uint8Array
  payouts: Pick<SerializedPayouts, 'count' | 'bytes'>
  networkTag: Uint8Array
  /** Raw ShareInfo bytes the commitment hashes. */
  shareInfoBytes: Uint8Array
  /** sha256d(shareInfoBytes) when the caller already has it; computed (and remembered) otherwise. */
  shareInfoDigest?: Uint8Array
  witnessCommitment: Uint8Array | undefined
  locktime: number
}

/** Bytes of the coinbase's legacy serialization. */
export function shareCoinbaseBytes(f: CoinbaseFields): number {
  const sigLen = f.scriptSig.length
  if (sigLen > MAX_COINBASE_SCRIPTSIG_BYTES)
    throw new RangeError(`scriptSig over ${MAX_COINBASE_SCRIPTSIG_BYTES} bytes`)
  const outCount = f.payouts.count + 1 + (f.witnessCommitment ? 1 : 0)
  if (outCount > MAX_SINGLE_BYTE_COUNT) throw new RangeError(`too many coinbase outputs: ${outCount}`)
  if (f.witnessCommitment && f.witnessCommitment.length !== HASH_BYTES)
    throw new RangeError(`witness commitment must be ${HASH_BYTES} bytes`)
  return (
    COINBASE_SCRIPTSIG_OFFSET +
    sigLen +
    4 +
    1 +
    f.payouts.bytes.length +
    COMMITMENT_OUTPUT_BYTES +
    (f.witnessCommitment ? WITNESS_OUTPUT_BYTES : 0) +
    4
  )
}

/** Writes the legacy serialization into out[0..shareCoinbaseBytes(f)), every byte of it. */
function writeShareCoinbase(f: CoinbaseFields, out: Uint8Array, view: DataView): void {
  const sigLen = f.scriptSig.length
  view.setUint32(0, f.version >>> 0, true)
  out[4] = 1
  out.fill(0, 5, 37) // the null prevout txid
  view.setUint32(37, 0xffffffff, true) // the null prevout index
  out[41] = sigLen
  out.set(f.scriptSig, COINBASE_SCRIPTSIG_OFFSET)
  let at = COINBASE_SCRIPTSIG_OFFSET + sigLen
  view.setUint32(at, COINBASE_SEQUENCE, true)
  at += 4
  out[at++] = f.payouts.count + 1 + (f.witnessCommitment ? 1 : 0)
  out.set(f.payouts.bytes, at)
  at += f.payouts.bytes.length
  out.fill(0, at, at + 8) // commitment value 0
  at += 8
  out[at++] = SHARE_COMMITMENT_SCRIPT_BYTES
  writeShareCommitmentScript(out, at, f.networkTag, f.shareInfoBytes, f.shareInfoDigest)
  at += SHARE_COMMITMENT_SCRIPT_BYTES
  if (f.witnessCommitment) {
    out.fill(0, at, at + 8) // witness commitment value 0
    at += 8
    out[at++] = WITNESS_COMMITMENT_SCRIPT_BYTES
    out.set(WITNESS_COMMITMENT_PREFIX, at)
    out.set(f.witnessCommitment, at + WITNESS_COMMITMENT_PREFIX.length)
    at += WITNESS_COMMITMENT_SCRIPT_BYTES
  }
  view.setUint32(at, f.locktime >>> 0, true)
}

/** The coinbase's legacy serialization (what Stratum miners hash and txid covers). */
export function serializeShareCoinbase(f: CoinbaseFields): Uint8Array {
  const out = new Uint8Array(shareCoinbaseBytes(f))
  writeShareCoinbase(f, out, new DataView(out.buffer))
  return out
}

// Validation rebuilds a coinbase per share: it is written into this reused buffer (grown on demand,
// never shrunk; a coinbase is at most a few KiB) and hashed from there.
let coinbaseScratch = new Uint8Array(1024)
let coinbaseScratchView = new DataView(coinbaseScratch.buffer)

export function shareCoinbaseTxid(f: CoinbaseFields): Uint8Array {
  const length = shareCoinbaseBytes(f)
  if (length > coinbaseScratch.length) {
    coinbaseScratch = new Uint8Array(length)
    coinbaseScratchView = new DataView(coinbaseScratch.buffer)
  }
  writeShareCoinbase(f, coinbaseScratch, coinbaseScratchView)
  return sha256d(coinbaseScratch.subarray(0, length))
}

/**
 * Stratum's split: coinb1 || extranonce || coinb2 == the serialized coinbase, where the extranonce
 * is the last `extranonceBytes` of the scriptSig.
 */
export function splitForStratum(
  serialized: Uint8Array,
  scriptSigLength: number,
  extranonceBytes: number
): { coinb1: Uint8Array; coinb2: Uint8Array } {
  const extranonceStart = COINBASE_SCRIPTSIG_OFFSET + scriptSigLength - extranonceBytes
  return {
    coinb1: serialized.slice(0, extranonceStart),
    coinb2: serialized.slice(extranonceStart + extranonceBytes)
  }
}
