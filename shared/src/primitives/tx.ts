// Transactions: legacy and BIP144 witness serialization, strict decoding, txid and wtxid.
import { ByteReader, ByteWriter, DecodeError } from './bytes'
import { sha256d } from './hash'
import { MAX_SCRIPT_BYTES } from './script'

/** Largest transaction accepted (bytes, with witness): 4 MB, the block weight limit (BIP141 MAX_BLOCK_WEIGHT / 1). */
export const MAX_TX_BYTES = 4_000_000
/** Smallest serialized input: 32 prevTxid + 4 vout + 1 script length + 4 sequence = 41 bytes. */
const MIN_TXIN_BYTES = 41
/** Smallest serialized output: 8 value + 1 script length = 9 bytes. */
const MIN_TXOUT_BYTES = 9
/** Inputs per transaction: as many as fit in MAX_TX_BYTES (97 560). */
export const MAX_TX_INPUTS = Math.floor(MAX_TX_BYTES / MIN_TXIN_BYTES)
/** Outputs per transaction: as many as fit in MAX_TX_BYTES (444 444). */
export const MAX_TX_OUTPUTS = Math.floor(MAX_TX_BYTES / MIN_TXOUT_BYTES)
/**
 * Witness stack items per input: consensus MAX_STACK_SIZE (1000, script/script.h) plus a tapscript's
 * script, control block and annex, which are not counted on the stack.
 */
export const MAX_WITNESS_ITEMS = 1_003
/** A single witness item: tapscript leaves have no 10 000-byte limit, so only the tx size bounds them. */
export const MAX_WITNESS_ITEM_BYTES = MAX_TX_BYTES
/** Output values are int64 in consensus; negative values do not exist. */
const MAX_OUTPUT_VALUE = (1n << 63n) - 1n

const WITNESS_MARKER = 0x00
const WITNESS_FLAG = 0x01

export interface TxIn {
  /** Internal byte order (as sha256d outputs it). */
  prevTxid: Uint8Array
  vout: number
  scriptSig: Uint8Array
  sequence: number
  /** Witness stack items; empty when the input has no witness. */
  witness: Uint8Array[]
}

export interface TxOut {
  /** Satoshis (or litoshis). */
  value: bigint
  script: Uint8Array
}

export interface Transaction {
  /** int32 in consensus. */
  version: number
  inputs: TxIn[]
  outputs: TxOut[]
  locktime: number
}

export interface EncodeTxOptions {
  /** Default true: BIP144 serialization when any input has a witness. false: legacy (txid) form. */
  witness?: boolean
}

export function hasWitness(tx: Transaction): boolean {
  return tx.inputs.some((input) => input.witness.length > 0)
}

export function encodeTx(tx: Transaction, opts: EncodeTxOptions = {}): Uint8Array {
  const withWitness = (opts.witness ?? true) && hasWitness(tx)
  const w = new ByteWriter()
  w.i32le(tx.version | 0)
  if (withWitness) w.u8(WITNESS_MARKER).u8(WITNESS_FLAG)
  w.varint(tx.inputs.length)
  for (const input of tx.inputs) {
    if (input.prevTxid.length !== 32) throw new RangeError('prevTxid must be 32 bytes')
    w.bytes(input.prevTxid).u32le(input.vout).varBytes(input.scriptSig).u32le(input.sequence)
  }
  w.varint(tx.outputs.length)
  for (const output of tx.outputs) w.u64le(output.value).varBytes(output.script)
  if (withWitness) {
    for (const input of tx.inputs) {
      w.varint(input.witness.length)
      for (const item of input.witness) w.varBytes(item)
    }
  }
  w.u32le(tx.locktime)
  return w.finish()
}

/**
 * Reads one transaction from `r` (inside a block or a share), leaving the reader after it.
 * Strict: canonical varints, counts and sizes within the limits above, at least one input and one
 * output, no witness flag other than 0x01, no witness section that is all empty (Core: superfluous).
 */
export function decodeTxPartial(r: ByteReader): Transaction {
  const start = r.offset
  const version = r.i32le()
  let inputCount = r.varint(MAX_TX_INPUTS)
  let segwit = false
  if (inputCount === 0) {
    // BIP144: marker 0x00 then flag; a zero-input legacy transaction is invalid anyway.
    const flag = r.u8()
    if (flag !== WITNESS_FLAG) throw new DecodeError('tx-witness-flag', `unknown witness flag 0x${flag.toString(16)}`)
    segwit = true
    inputCount = r.varint(MAX_TX_INPUTS)
    if (inputCount === 0) throw new DecodeError('tx-no-inputs', 'transaction has no inputs')
  }
  const inputs: TxIn[] = []
  for (let i = 0; i < inputCount; i++) {
    inputs.push({
      prevTxid: r.bytes(32),
      vout: r.u32le(),
      scriptSig: r.varBytes(MAX_SCRIPT_BYTES),
      sequence: r.u32le(),
      witness: []
    })
    checkTxSize(r, start)
  }
  const outputCount = r.varint(MAX_TX_OUTPUTS)
  if (outputCount === 0) throw new DecodeError('tx-no-outputs', 'transaction has no outputs')
  const outputs: TxOut[] = []
  for (let i = 0; i < outputCount; i++) {
    const value = r.u64le()
    if (value > MAX_OUTPUT_VALUE) throw new DecodeError('tx-value-range', `output ${i} value ${value} exceeds int64`)
    outputs.push({ value, script: r.varBytes(MAX_SCRIPT_BYTES) })
    checkTxSize(r, start)
  }
  if (segwit) {
    for (const input of inputs) {
      const items = r.varint(MAX_WITNESS_ITEMS)
      for (let j = 0; j < items; j++) {
        input.witness.push(r.varBytes(MAX_WITNESS_ITEM_BYTES))
        checkTxSize(r, start)
      }
    }
    if (!inputs.some((input) => input.witness.length > 0)) {
      throw new DecodeError('tx-witness-empty', 'witness serialization with all witnesses empty')
    }
  }
  const locktime = r.u32le()
  checkTxSize(r, start)
  return { version, inputs, outputs, locktime }
}

/** Decodes exactly one transaction; trailing bytes are an error. */
export function decodeTx(b: Uint8Array): Transaction {
  if (b.length > MAX_TX_BYTES)
    throw new DecodeError('tx-size', `transaction of ${b.length} bytes exceeds ${MAX_TX_BYTES}`)
  const r = new ByteReader(b)
  const tx = decodeTxPartial(r)
  r.expectEnd()
  return tx
}

function checkTxSize(r: ByteReader, start: number): void {
  if (r.offset - start > MAX_TX_BYTES) {
    throw new DecodeError('tx-size', `transaction exceeds ${MAX_TX_BYTES} bytes`)
  }
}

/** sha256d of the legacy serialization (internal byte order). */
export function txid(tx: Transaction): Uint8Array {
  return sha256d(encodeTx(tx, { witness: false }))
}

/** sha256d of the witness serialization; equals txid when the transaction has no witness. */
export function wtxid(tx: Transaction): Uint8Array {
  return sha256d(encodeTx(tx, { witness: true }))
}
