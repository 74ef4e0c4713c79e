// Test helper: builds devnet blocks on a parent with a real coinbase (buildCoinbaseTx) and grinds the
// nonce. At devnet's powLimit (bits 0x1f00ffff) a block takes ~65 536 hashes, ~0.3 s of JS sha256d here.
import { bytesToHex } from '@otedama/shared/primitives'
import { buildCoinbaseTx } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { encodeHeader, type BlockHeader } from '@otedama/shared/primitives'
import { p2wpkhScript, pushData } from '@otedama/shared/primitives'
import { bitsToTarget, meetsTarget } from '@otedama/shared/primitives'
import { encodeTx, txid, type Transaction, type TxOut } from '@otedama/shared/primitives'
import type { DevnetBlock, DevnetChain } from '../../src/devnet/chain'

/** Most nonces tried: 64 x the expected ~65 536 at powLimit (failing that is a broken test, not bad luck). */
const MAX_GRIND_NONCES = 1 << 22
const SUBSIDY_SATS = 50n * 100_000_000n

export const MINER_SCRIPT = p2wpkhScript(new Uint8Array(20).fill(7))

export interface BlockParts {
  header: BlockHeader
  coinbase: Transaction
  header80: Uint8Array
  coinbaseLegacy: Uint8Array
}

export interface BlockOptions {
  bits?: number
  time?: number
  outputs?: TxOut[]
  /** Height pushed in the scriptSig (BIP34); defaults to the block's height. */
  scriptSigHeight?: number
  /** Replaces the BIP34 push entirely (to leave it out). */
  scriptSig?: Uint8Array
  /** Extranonce seed: two blocks on one parent differ by it. */
  tag?: number
  merkleRoot?: Uint8Array
  /** Leave the nonce at 0 (no grinding): for proposal checks, which skip PoW. */
  grind?: boolean
}

/** Nonces already found, by header without nonce (hex): tests build the same blocks again and again. */
const foundNonces = new Map<string, number>()

/** Grinds the nonce until the header meets its own bits. */
export function grind(header: BlockHeader): BlockHeader {
  const target = bitsToTarget(header.bits)
  const header80 = encodeHeader(header)
  const key = bytesToHex(header80.subarray(0, 76))
  const known = foundNonces.get(key)
  if (known !== undefined) return { ...header, nonce: known }
  const view = new DataView(header80.buffer)
  for (let nonce = 0; nonce < MAX_GRIND_NONCES; nonce++) {
    view.setUint32(76, nonce, true)
    if (!meetsTarget(sha256d(header80), target)) continue
    foundNonces.set(key, nonce)
    return { ...header, nonce }
  }
  throw new Error(`no nonce below ${MAX_GRIND_NONCES} meets bits 0x${header.bits.toString(16)}`)
}

/** A nonce that fails the bits (for the bad-PoW case). */
export function failPow(header: BlockHeader): BlockHeader {
  const target = bitsToTarget(header.bits)
  let nonce = header.nonce
  while (meetsTarget(sha256d(encodeHeader({ ...header, nonce })), target)) nonce++
  return { ...header, nonce }
}

export function parts(header: BlockHeader, coinbase: Transaction): BlockParts {
  return { header, coinbase, header80: encodeHeader(header), coinbaseLegacy: encodeTx(coinbase, { witness: false }) }
}

/** A block on `parent` in `chain`, valid unless options break a rule. */
export function blockOn(chain: DevnetChain, parent: DevnetBlock, opts: BlockOptions = {}): BlockParts {
  const height = parent.height + 1
  const extranonce = new Uint8Array(8)
  new DataView(extranonce.buffer).setUint32(0, opts.tag ?? 0, true)
  const coinbase = buildCoinbaseTx({
    height: opts.scriptSigHeight ?? height,
    scriptSigPrefix: pushData(new TextEncoder().encode('otedama-test')),
    extranonce,
    outputs: opts.outputs ?? [{ value: SUBSIDY_SATS, script: MINER_SCRIPT }]
  })
  if (opts.scriptSig !== undefined) coinbase.inputs[0].scriptSig = opts.scriptSig
  const header: BlockHeader = {
    version: 0x20000000,
    prevHash: parent.hash,
    merkleRoot: opts.merkleRoot ?? txid(coinbase),
    time: opts.time ?? chain.minTime(parent) + 60,
    bits: opts.bits ?? chain.nextBits(parent),
    nonce: 0
  }
  return parts(opts.grind === false ? header : grind(header), coinbase)
}
