import type { ChainParams } from '../../../shared/src/chain/params'
import { createHash } from 'node:crypto'
import { encodeHeader, type BlockHeader } from '../../../shared/src/primitives/header'
import { bitsToTarget, hashToBigInt } from '../../../shared/src/primitives/target'
import { pushData } from '../../../shared/src/primitives/script'
import { encodeTx, txid, type Transaction } from '../../../shared/src/primitives/tx'

/**
 * devnet's block 0, from the chain params (DESIGN.md: genesis fixed in its params). Its coinbase pushes
 * the params' message and has one output, a bare OP_RETURN of value 0, so genesis pays nobody.
 * The nonce is the lowest from 0 whose sha256d meets the genesis bits: 18 883 405 for the compiled-in
 * params, found by `findDevnetGenesisNonce` in 98 s here (too slow for every start, so recorded).
 * If the devnet genesis params change, DevnetChain refuses to start until this is recomputed.
 */
export const DEVNET_GENESIS_NONCE = 18_883_405
const OP_RETURN_ONLY = Uint8Array.of(0x6a)
const NULL_TXID = new Uint8Array(32)

export function devnetGenesisCoinbase (params: ChainParams): Transaction {
  const g = params.devnetGenesis
  if (g === undefined) throw new TypeError(`${params.name} has no devnet genesis`)
  return {
    version: 1,
    inputs: [{ prevTxid: NULL_TXID, vout: 0xffffffff, scriptSig: pushData(new TextEncoder().encode(g.coinbaseMessage)), sequence: 0xffffffff, witness: [] }],
    outputs: [{ value: 0n, script: OP_RETURN_ONLY }],
    locktime: 0
  }
}

export function devnetGenesisHeader (params: ChainParams, nonce = DEVNET_GENESIS_NONCE): BlockHeader {
  const g = params.devnetGenesis
  if (g === undefined) throw new TypeError(`${params.name} has no devnet genesis`)
  return { version: g.version, prevHash: new Uint8Array(32), merkleRoot: txid(devnetGenesisCoinbase(params)), time: g.time, bits: g.bits, nonce }
}

export interface DevnetGenesisBlock {
  header80: Uint8Array
  coinbaseLegacy: Uint8Array
}

export function devnetGenesisBlock (params: ChainParams, nonce = DEVNET_GENESIS_NONCE): DevnetGenesisBlock {
  return { header80: encodeHeader(devnetGenesisHeader(params, nonce)), coinbaseLegacy: encodeTx(devnetGenesisCoinbase(params), { witness: false }) }
}

/** Scans nonces from `from` for the first whose sha256d meets the genesis bits (node:crypto: ~200 kH/s here). */
export function findDevnetGenesisNonce (params: ChainParams, from = 0, to = 0xffffffff): number | undefined {
  const header = encodeHeader(devnetGenesisHeader(params, 0))
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
  const target = bitsToTarget(header.length === 80 ? view.getUint32(72, true) : 0)
  for (let nonce = from; nonce <= to; nonce++) {
    view.setUint32(76, nonce, true)
    const hash = createHash('sha256').update(createHash('sha256').update(header).digest()).digest()
    if (hashToBigInt(hash) <= target) return nonce
  }
  return undefined
}
