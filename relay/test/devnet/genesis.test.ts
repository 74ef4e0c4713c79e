import { describe, expect, it } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { parseDevnetBlock } from '@otedama/shared/chain'
import { sha256d } from '@otedama/shared/primitives'
import { decodeHeader, encodeHeader, hashToDisplayHex } from '@otedama/shared/primitives'
import { bitsToTarget, meetsTarget } from '@otedama/shared/primitives'
import { decodeTx, txid } from '@otedama/shared/primitives'
import {
  DEVNET_GENESIS_HASH_HEX,
  DEVNET_GENESIS_NONCE,
  devnetGenesisBlock,
  findDevnetGenesisNonce
} from '../../src/devnet/genesis'

const params = getChainParams('devnet')
const fields = params.devnetGenesis!

describe('devnet genesis', () => {
  const { header80, coinbaseLegacy } = devnetGenesisBlock(params)
  const header = decodeHeader(header80)

  it('takes version, time and bits from the chain params, links to nothing and commits to its coinbase', () => {
    expect(header.version).toBe(fields.version)
    expect(header.time).toBe(fields.time)
    expect(header.bits).toBe(fields.bits)
    expect(header.prevHash).toEqual(new Uint8Array(32))
    expect(header.merkleRoot).toEqual(txid(decodeTx(coinbaseLegacy)))
  })

  it('its coinbase pushes the params message and has one OP_RETURN output of value 0', () => {
    const coinbase = decodeTx(coinbaseLegacy)
    expect(coinbase.inputs).toHaveLength(1)
    const scriptSig = coinbase.inputs[0].scriptSig
    expect(scriptSig[0]).toBe(fields.coinbaseMessage.length) // a direct push of the message bytes
    expect(new TextDecoder().decode(scriptSig.subarray(1))).toBe(fields.coinbaseMessage)
    expect(coinbase.outputs).toEqual([{ value: 0n, script: Uint8Array.of(0x6a) }])
  })

  it('the pinned nonce meets the genesis bits and gives the pinned hash', () => {
    expect(header.nonce).toBe(DEVNET_GENESIS_NONCE)
    expect(meetsTarget(sha256d(header80), bitsToTarget(fields.bits))).toBe(true)
    expect(hashToDisplayHex(sha256d(header80))).toBe(DEVNET_GENESIS_HASH_HEX)
    expect(parseDevnetBlock(params, header80, coinbaseLegacy).ok).toBe(true)
  })

  it('the nonces just below the pinned one do not meet the bits (the full scan is genesis.int.test.ts)', () => {
    expect(findDevnetGenesisNonce(params, DEVNET_GENESIS_NONCE - 2000, DEVNET_GENESIS_NONCE)).toBe(DEVNET_GENESIS_NONCE)
    expect(
      meetsTarget(sha256d(encodeHeader({ ...header, nonce: DEVNET_GENESIS_NONCE - 1 })), bitsToTarget(fields.bits))
    ).toBe(false)
  })
})
