// Chain facts checked against data: each daemon network's genesis hash is rebuilt from its published genesis
// header fields (Bitcoin Core / Litecoin Core chainparams.cpp CreateGenesisBlock arguments), and the coinbase
// output cap is checked by serializing a worst-case coinbase.
import { describe, expect, it } from 'vitest'
import { COINBASE_PAYOUT_OUTPUT_CAP, COINBASE_RESERVED_WEIGHT_WU, getChainParams, NETWORK_NAMES } from '../src/chain'
import type { NetworkName } from '../src/chain'
import { witnessCommitmentScript } from '../src/primitives/coinbase'
import { blockHash, displayHexToHash, encodeHeader, hashToDisplayHex } from '../src/primitives/header'
import { p2trScript } from '../src/primitives/script'
import { bitsToTarget } from '../src/primitives/target'
import { encodeTx, type Transaction } from '../src/primitives/tx'

// Genesis merkle roots (display hex): Bitcoin main/signet/regtest share one coinbase; Litecoin's three share theirs.
const BITCOIN_GENESIS_MERKLE = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b'
const TESTNET4_GENESIS_MERKLE = '7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e'
const LITECOIN_GENESIS_MERKLE = '97ddfbbae6be97fd6cdf3e7ca13232a3afff2353e29badfab7f73011edd4ced9'

// [network, merkle root, time, bits, nonce]
const GENESIS: [Exclude<NetworkName, 'devnet'>, string, number, number, number][] = [
  ['bitcoin', BITCOIN_GENESIS_MERKLE, 1231006505, 0x1d00ffff, 2083236893],
  ['bitcoin-testnet4', TESTNET4_GENESIS_MERKLE, 1714777860, 0x1d00ffff, 393743547],
  ['bitcoin-signet', BITCOIN_GENESIS_MERKLE, 1598918400, 0x1e0377ae, 52613770],
  ['bitcoin-regtest', BITCOIN_GENESIS_MERKLE, 1296688602, 0x207fffff, 2],
  ['litecoin', LITECOIN_GENESIS_MERKLE, 1317972665, 0x1e0ffff0, 2084524493],
  ['litecoin-testnet', LITECOIN_GENESIS_MERKLE, 1486949366, 0x1e0ffff0, 293345],
  ['litecoin-regtest', LITECOIN_GENESIS_MERKLE, 1296688602, 0x207fffff, 0]
]

describe('genesis blocks', () => {
  it.each(GENESIS)(
    '%s: genesisBlockHash is the hash of the published genesis header',
    (name, merkle, time, bits, nonce) => {
      const params = getChainParams(name)
      const merkleRoot = displayHexToHash(merkle)
      const header = encodeHeader({ version: 1, prevHash: new Uint8Array(32), merkleRoot, time, bits, nonce })
      expect(hashToDisplayHex(blockHash(header))).toBe(params.genesisBlockHash)
      // The genesis difficulty is within the chain's powLimit.
      expect(bitsToTarget(bits) <= params.powLimit).toBe(true)
    }
  )

  it('every daemon network has a genesis hash; devnet has genesis fields instead', () => {
    for (const name of NETWORK_NAMES) {
      const p = getChainParams(name)
      expect(p.genesisBlockHash === undefined, name).toBe(name === 'devnet')
      expect(p.devnetGenesis === undefined, name).toBe(name !== 'devnet')
    }
    const devnet = getChainParams('devnet')
    const expectedHashes = (1n << 256n) / (bitsToTarget(devnet.devnetGenesis!.bits) + 1n)
    // Documented figure: ~2^24 hashes per genesis-difficulty block, ~2^16 at powLimit.
    expect(expectedHashes >> 20n).toBe(16n)
    expect((1n << 256n) / (devnet.powLimit + 1n)).toBe(65537n)
  })
})

describe('coinbase output cap', () => {
  /** BIP141 weight: 3 x stripped size + total size. */
  function weight(tx: Transaction): number {
    return 3 * encodeTx(tx, { witness: false }).length + encodeTx(tx).length
  }

  function worstCaseCoinbase(payouts: number): Transaction {
    const payout = { value: 1n, script: p2trScript(new Uint8Array(32).fill(1)) }
    // Largest share commitment assumed: an 83-byte OP_RETURN script.
    const commitment = { value: 0n, script: Uint8Array.of(0x6a, 0x4c, 80, ...new Uint8Array(80)) }
    return {
      version: 2,
      inputs: [
        {
          prevTxid: new Uint8Array(32),
          vout: 0xffffffff,
          scriptSig: new Uint8Array(100), // consensus maximum
          sequence: 0xffffffff,
          witness: [new Uint8Array(32)]
        }
      ],
      outputs: [
        ...Array.from({ length: payouts }, () => payout),
        commitment,
        { value: 0n, script: witnessCommitmentScript(new Uint8Array(32)) }
      ],
      locktime: 0
    }
  }

  it('fits the 4000 WU coinbase reserve in the worst case, and one more output would not', () => {
    expect(COINBASE_PAYOUT_OUTPUT_CAP).toBe(16)
    expect(worstCaseCoinbase(0).outputs[COINBASE_PAYOUT_OUTPUT_CAP]).toBeUndefined()
    expect(weight(worstCaseCoinbase(COINBASE_PAYOUT_OUTPUT_CAP))).toBeLessThanOrEqual(COINBASE_RESERVED_WEIGHT_WU)
    expect(weight(worstCaseCoinbase(COINBASE_PAYOUT_OUTPUT_CAP + 1))).toBeGreaterThan(COINBASE_RESERVED_WEIGHT_WU)
  })

  it('no network allows more payout outputs than fit', () => {
    for (const name of NETWORK_NAMES) {
      expect(getChainParams(name).shareChain.maxCoinbaseOutputs, name).toBeLessThanOrEqual(COINBASE_PAYOUT_OUTPUT_CAP)
    }
  })
})
