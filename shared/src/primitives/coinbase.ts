// The coinbase transaction: BIP34 height, tag and extranonce in the scriptSig, the BIP141 witness
// commitment output and reserved value, and the Stratum coinb1/coinb2 split around the extranonce.
import { concatBytes, equalBytes, hexToBytes } from './bytes'
import { OP_0, OP_RETURN, pushData, scriptNumber } from './script'
import { encodeTx, type Transaction, type TxOut } from './tx'

/** Consensus: a coinbase scriptSig is 2..100 bytes (Core CheckTransaction, "bad-cb-length"). */
export const COINBASE_SCRIPTSIG_MIN_BYTES = 2
export const COINBASE_SCRIPTSIG_MAX_BYTES = 100
/** BIP141 commitment header bytes after OP_RETURN <36-byte push>. */
export const WITNESS_COMMITMENT_HEADER = hexToBytes('aa21a9ed')
/** BIP141: the coinbase witness is one 32-byte reserved value; all zeros today. */
export const COINBASE_WITNESS_RESERVED = new Uint8Array(32)
/** OP_RETURN, push 36, aa21a9ed: 6 bytes before the 32-byte commitment. */
const WITNESS_COMMITMENT_PREFIX = concatBytes(Uint8Array.of(OP_RETURN, 0x24), WITNESS_COMMITMENT_HEADER)
/** BIP141: a commitment output script is at least 38 bytes (prefix + 32). */
const WITNESS_COMMITMENT_SCRIPT_MIN_BYTES = 38

const NULL_TXID = new Uint8Array(32)
const COINBASE_VOUT = 0xffffffff
const DEFAULT_SEQUENCE = 0xffffffff
const DEFAULT_VERSION = 1
/** Largest height a BIP34 push is built for (the int32 block height range). */
const MAX_BLOCK_HEIGHT = 0x7fffffff

/**
 * BIP34 height push exactly as Core's `CScript() << height` (which BIP34 validation compares against):
 * OP_1..OP_16 for heights 1..16, OP_0 for 0, otherwise a minimal CScriptNum push.
 */
export function bip34HeightPush(height: number): Uint8Array {
  if (!Number.isInteger(height) || height < 0 || height > MAX_BLOCK_HEIGHT) {
    throw new RangeError(`block height must be 0..${MAX_BLOCK_HEIGHT}, got ${height}`)
  }
  if (height === 0) return Uint8Array.of(OP_0)
  // pushData maps a single byte 1..16 to OP_1..OP_16, as Core's push_int64 does.
  return pushData(scriptNumber(height))
}

/** OP_RETURN OP_PUSHBYTES_36 aa21a9ed <commitment32>. */
export function witnessCommitmentScript(commitment32: Uint8Array): Uint8Array {
  if (commitment32.length !== 32)
    throw new RangeError(`witness commitment must be 32 bytes, got ${commitment32.length}`)
  return concatBytes(WITNESS_COMMITMENT_PREFIX, commitment32)
}

/** Index of the output holding the witness commitment (BIP141: the last matching one), or -1. */
export function findWitnessCommitmentOutput(tx: Transaction): number {
  for (let i = tx.outputs.length - 1; i >= 0; i--) {
    const script = tx.outputs[i].script
    if (
      script.length >= WITNESS_COMMITMENT_SCRIPT_MIN_BYTES &&
      equalBytes(script.subarray(0, WITNESS_COMMITMENT_PREFIX.length), WITNESS_COMMITMENT_PREFIX)
    ) {
      return i
    }
  }
  return -1
}

export interface CoinbaseInit {
  height: number
  /** Raw bytes placed after the height push (e.g. pushData(tag)); default none. */
  scriptSigPrefix?: Uint8Array
  /** Raw bytes that end the scriptSig; miners roll them. */
  extranonce: Uint8Array
  /** Payout outputs, in final order (the witness commitment output is appended after them). */
  outputs: TxOut[]
  /** BIP141 commitment (from witnessCommitment()); adds the commitment output and the reserved value. */
  witnessCommitment?: Uint8Array
  version?: number
  locktime?: number
  sequence?: number
}

/** scriptSig = BIP34 height push || prefix || extranonce, checked against the consensus length. */
export function coinbaseScriptSig(height: number, scriptSigPrefix: Uint8Array, extranonce: Uint8Array): Uint8Array {
  const scriptSig = concatBytes(bip34HeightPush(height), scriptSigPrefix, extranonce)
  if (scriptSig.length < COINBASE_SCRIPTSIG_MIN_BYTES || scriptSig.length > COINBASE_SCRIPTSIG_MAX_BYTES) {
    throw new RangeError(
      `coinbase scriptSig is ${scriptSig.length} bytes; consensus allows ` +
        `${COINBASE_SCRIPTSIG_MIN_BYTES}..${COINBASE_SCRIPTSIG_MAX_BYTES} (shorten the tag or extranonce)`
    )
  }
  return scriptSig
}

export function buildCoinbaseTx(init: CoinbaseInit): Transaction {
  const scriptSig = coinbaseScriptSig(init.height, init.scriptSigPrefix ?? new Uint8Array(0), init.extranonce)
  const outputs: TxOut[] = init.outputs.map((o) => ({ value: o.value, script: o.script.slice() }))
  const witness: Uint8Array[] = []
  if (init.witnessCommitment !== undefined) {
    outputs.push({ value: 0n, script: witnessCommitmentScript(init.witnessCommitment) })
    witness.push(COINBASE_WITNESS_RESERVED.slice())
  }
  if (outputs.length === 0) throw new RangeError('coinbase needs at least one output')
  return {
    version: init.version ?? DEFAULT_VERSION,
    inputs: [
      {
        prevTxid: NULL_TXID.slice(),
        vout: COINBASE_VOUT,
        scriptSig,
        sequence: init.sequence ?? DEFAULT_SEQUENCE,
        witness
      }
    ],
    outputs,
    locktime: init.locktime ?? 0
  }
}

/**
 * Stratum v1 split of the legacy (txid) serialization around the extranonce, which must be the last
 * `extranonceBytes` of the scriptSig: coinb1 || extranonce || coinb2 is the serialized coinbase.
 */
export function coinbaseStratumParts(
  tx: Transaction,
  extranonceBytes: number
): { coinb1: Uint8Array; coinb2: Uint8Array } {
  const scriptSig = tx.inputs[0]?.scriptSig
  if (tx.inputs.length !== 1 || !scriptSig || scriptSig.length > COINBASE_SCRIPTSIG_MAX_BYTES) {
    throw new RangeError(
      `not a single-input coinbase with a scriptSig of at most ${COINBASE_SCRIPTSIG_MAX_BYTES} bytes`
    )
  }
  if (!Number.isInteger(extranonceBytes) || extranonceBytes < 0 || extranonceBytes > scriptSig.length) {
    throw new RangeError(`extranonce of ${extranonceBytes} bytes does not fit the ${scriptSig.length}-byte scriptSig`)
  }
  const serialized = encodeTx(tx, { witness: false })
  // Version (4) + input count (1) + prevout (36) + scriptSig length (1 byte, as it is <= 100) precede it.
  const scriptSigStart = 4 + 1 + 36 + 1
  const extranonceStart = scriptSigStart + scriptSig.length - extranonceBytes
  return {
    coinb1: serialized.slice(0, extranonceStart),
    coinb2: serialized.slice(extranonceStart + extranonceBytes)
  }
}
