import type { ChainParams } from '@otedama/shared/chain'
import { sha256d } from '@otedama/shared/primitives'
import { encodeHeader, HEADER_BYTES, type BlockHeader } from '@otedama/shared/primitives'
import { OP_RETURN, pushData } from '@otedama/shared/primitives'
import { bitsToTarget, meetsTarget } from '@otedama/shared/primitives'
import { encodeTx, txid, type Transaction } from '@otedama/shared/primitives'

/**
 * devnet's block 0 nonce: the lowest nonce from 0 whose sha256d meets the genesis bits 0x1e00ffff
 * (params.devnetGenesis). Grinding it takes ~18.9 M hashes (~95 s at the 0.2 MH/s of sha256d in JS on
 * this loaded machine), too slow for every start, so it is recorded here;
 * relay/test/devnet/genesis.int.test.ts re-grinds it, relay/test/devnet/genesis.test.ts checks it meets
 * the bits. If the devnet genesis params change, DevnetChain refuses to start until this is recomputed.
 */
export const DEVNET_GENESIS_NONCE = 18_883_405
/** Hash of devnet's block 0 (display hex, as explorers show it): the header chain's devnet checkpoint. */
export const DEVNET_GENESIS_HASH_HEX = '000000502c5832bf06d9512cbba316863bf7185a65edd206598c8341ec7245c6'

const NULL_TXID = new Uint8Array(32)
const COINBASE_VOUT = 0xffffffff
const FINAL_SEQUENCE = 0xffffffff
const NONCE_OFFSET = 76

export interface DevnetGenesisBlock {
  header80: Uint8Array
  coinbaseLegacy: Uint8Array
}

function genesisFields(params: ChainParams): NonNullable<ChainParams['devnetGenesis']> {
  const g = params.devnetGenesis
  if (g === undefined) throw new TypeError(`${params.name} has no devnet genesis`)
  return g
}

/** The genesis coinbase: one input pushing the params' message, one output, a bare OP_RETURN of value 0 (pays nobody). */
export function devnetGenesisCoinbase(params: ChainParams): Transaction {
  const message = new TextEncoder().encode(genesisFields(params).coinbaseMessage)
  return {
    version: 1,
    inputs: [
      {
        prevTxid: NULL_TXID.slice(),
        vout: COINBASE_VOUT,
        scriptSig: pushData(message),
        sequence: FINAL_SEQUENCE,
        witness: []
      }
    ],
    outputs: [{ value: 0n, script: Uint8Array.of(OP_RETURN) }],
    locktime: 0
  }
}

export function devnetGenesisHeader(params: ChainParams, nonce = DEVNET_GENESIS_NONCE): BlockHeader {
  const g = genesisFields(params)
  return {
    version: g.version,
    prevHash: new Uint8Array(32),
    merkleRoot: txid(devnetGenesisCoinbase(params)),
    time: g.time,
    bits: g.bits,
    nonce
  }
}

export function devnetGenesisBlock(params: ChainParams, nonce = DEVNET_GENESIS_NONCE): DevnetGenesisBlock {
  return {
    header80: encodeHeader(devnetGenesisHeader(params, nonce)),
    coinbaseLegacy: encodeTx(devnetGenesisCoinbase(params), { witness: false })
  }
}

/** Scans nonces from..to (inclusive) for the first whose sha256d meets the genesis bits; undefined if none. */
export function findDevnetGenesisNonce(params: ChainParams, from = 0, to = 0xffffffff): number | undefined {
  const header80 = encodeHeader(devnetGenesisHeader(params, 0))
  const view = new DataView(header80.buffer, header80.byteOffset, HEADER_BYTES)
  const target = bitsToTarget(genesisFields(params).bits)
  for (let nonce = from; nonce <= to; nonce++) {
    view.setUint32(NONCE_OFFSET, nonce, true)
    if (meetsTarget(sha256d(header80), target)) return nonce
  }
  return undefined
}
