import { ByteWriter, bytesToHex, equalBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { decodeHeader, HEADER_BYTES } from '@otedama/shared/primitives'
import { merkleRoot } from '@otedama/shared/primitives'
import { COINBASE_WITNESS_RESERVED } from '@otedama/shared/primitives'
import type { BlockTemplate } from '../template/types'

/** Smallest legacy coinbase (bytes): version 4, 1 input of 41 + 2-byte scriptSig, 1 empty output 9, locktime 4. */
const MIN_COINBASE_BYTES = 4 + 1 + 43 + 1 + 9 + 4
/** Litecoin MWEB: the block's transactions are followed by this byte and the serialized MWEB block. */
const MWEB_PRESENT = 0x01

export class BlockAssemblyError extends Error {
  override readonly name = 'BlockAssemblyError'
}

/**
 * The BIP144 (witness) serialization of a coinbase given in legacy form: marker and flag after the
 * version, and one witness item, the 32-byte reserved value, before the locktime (BIP141).
 */
export function coinbaseWithWitness(legacy: Uint8Array): Uint8Array {
  const w = new ByteWriter(legacy.length + 2 + 1 + 1 + 32)
  w.bytes(legacy.subarray(0, 4)).u8(0x00).u8(0x01)
  w.bytes(legacy.subarray(4, legacy.length - 4))
  w.varint(1).varBytes(COINBASE_WITNESS_RESERVED)
  w.bytes(legacy.subarray(legacy.length - 4))
  return w.finish()
}

/**
 * Serializes a block: header, transaction count, the coinbase (with its witness reserved value on
 * segwit chains), the template's transactions in template order, then the MWEB block when present.
 * Checks first that the header commits to exactly these transactions.
 */
export function assembleBlock(template: BlockTemplate, header80: Uint8Array, coinbaseLegacy: Uint8Array): Uint8Array {
  if (header80.length !== HEADER_BYTES)
    throw new BlockAssemblyError(`header must be ${HEADER_BYTES} bytes, got ${header80.length}`)
  if (coinbaseLegacy.length < MIN_COINBASE_BYTES)
    throw new BlockAssemblyError(`coinbase of ${coinbaseLegacy.length} bytes is too short`)
  if (coinbaseLegacy[4] === 0x00)
    throw new BlockAssemblyError('coinbase must be given in legacy serialization (no witness marker)')
  const header = decodeHeader(header80)
  if (!equalBytes(header.prevHash, template.prevHash))
    throw new BlockAssemblyError('header builds on another block than the template')
  const root = merkleRoot([sha256d(coinbaseLegacy), ...template.transactions.map((tx) => tx.txid)])
  if (!equalBytes(root, header.merkleRoot)) {
    throw new BlockAssemblyError(
      `header merkle root ${bytesToHex(header.merkleRoot)} does not match coinbase + template transactions (${bytesToHex(root)})`
    )
  }
  const coinbase = template.witnessCommitment !== undefined ? coinbaseWithWitness(coinbaseLegacy) : coinbaseLegacy
  const bodyBytes = template.transactions.reduce((n, tx) => n + tx.data.length, 0)
  const w = new ByteWriter(
    HEADER_BYTES + 9 + coinbase.length + bodyBytes + (template.mweb !== undefined ? 1 + template.mweb.length : 0)
  )
  w.bytes(header80)
    .varint(template.transactions.length + 1)
    .bytes(coinbase)
  for (const tx of template.transactions) w.bytes(tx.data)
  if (template.mweb !== undefined) w.u8(MWEB_PRESENT).bytes(template.mweb)
  return w.finish()
}
