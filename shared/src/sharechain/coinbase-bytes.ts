// Legacy (txid) serialization of a share's coinbase, written straight into one buffer (hot path of
// validation): version | 1 input (null prevout, scriptSig, COINBASE_SEQUENCE) | outputs | locktime.
// Outputs: the payouts (pre-serialized once per parent/value/finder), then the share commitment,
// then the witness commitment when the template has one.
import { ByteWriter } from '../primitives/bytes'
import { witnessCommitmentScript } from '../primitives/coinbase'
import { fastSha256d } from './fast-sha256'
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
const WITNESS_COMMITMENT_SCRIPT_BYTES = 6 + HASH_BYTES
const WITNESS_OUTPUT_BYTES = 8 + 1 + WITNESS_COMMITMENT_SCRIPT_BYTES
/** Output counts stay below 0xfd so the count is one byte (maxPayoutOutputs is far below). */
const MAX_SINGLE_BYTE_COUNT = 0xfc

export interface CoinbaseFields {
  version: number
  scriptSig: Uint8Array
  payouts: SerializedPayouts
  networkTag: Uint8Array
  /** Raw ShareInfo bytes the commitment hashes. */
  shareInfoBytes: Uint8Array
  witnessCommitment: Uint8Array | undefined
  locktime: number
}

/** The coinbase's legacy serialization (what Stratum miners hash and txid covers). */
export function serializeShareCoinbase(f: CoinbaseFields): Uint8Array {
  const sigLen = f.scriptSig.length
  if (sigLen > MAX_COINBASE_SCRIPTSIG_BYTES) throw new RangeError(`scriptSig over ${MAX_COINBASE_SCRIPTSIG_BYTES} bytes`)
  const outCount = f.payouts.count + 1 + (f.witnessCommitment ? 1 : 0)
  if (outCount > MAX_SINGLE_BYTE_COUNT) throw new RangeError(`too many coinbase outputs: ${outCount}`)
  const total =
    COINBASE_SCRIPTSIG_OFFSET + sigLen + 4 + 1 + f.payouts.bytes.length + COMMITMENT_OUTPUT_BYTES +
    (f.witnessCommitment ? WITNESS_OUTPUT_BYTES : 0) + 4
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, f.version >>> 0, true)
  out[4] = 1
  // bytes 5..36 stay zero: the null prevout txid
  view.setUint32(37, 0xffffffff, true)
  out[41] = sigLen
  out.set(f.scriptSig, COINBASE_SCRIPTSIG_OFFSET)
  let at = COINBASE_SCRIPTSIG_OFFSET + sigLen
  view.setUint32(at, COINBASE_SEQUENCE, true)
  at += 4
  out[at++] = outCount
  out.set(f.payouts.bytes, at)
  at += f.payouts.bytes.length
  at += 8 // commitment value 0
  out[at++] = SHARE_COMMITMENT_SCRIPT_BYTES
  writeShareCommitmentScript(out, at, f.networkTag, f.shareInfoBytes)
  at += SHARE_COMMITMENT_SCRIPT_BYTES
  if (f.witnessCommitment) {
    at += 8
    out[at++] = WITNESS_COMMITMENT_SCRIPT_BYTES
    out.set(witnessCommitmentScript(f.witnessCommitment), at)
    at += WITNESS_COMMITMENT_SCRIPT_BYTES
  }
  view.setUint32(at, f.locktime >>> 0, true)
  return out
}

export function shareCoinbaseTxid(f: CoinbaseFields): Uint8Array {
  return fastSha256d(serializeShareCoinbase(f))
}

/**
 * Stratum's split: coinb1 || extranonce || coinb2 == the serialized coinbase, where the extranonce
 * is the last `extranonceBytes` of the scriptSig.
 */
export function splitForStratum(serialized: Uint8Array, scriptSigLength: number, extranonceBytes: number): { coinb1: Uint8Array; coinb2: Uint8Array } {
  const extranonceStart = COINBASE_SCRIPTSIG_OFFSET + scriptSigLength - extranonceBytes
  return {
    coinb1: serialized.slice(0, extranonceStart),
    coinb2: serialized.slice(extranonceStart + extranonceBytes)
  }
}
