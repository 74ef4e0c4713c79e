import { encodeTx } from '@otedama/shared/primitives'
import { buildCoinbaseTx } from '@otedama/shared/primitives'
import { powHash, sha256d, type PowAlgorithm } from '@otedama/shared/primitives'
import { encodeHeader } from '@otedama/shared/primitives'
import { merkleRoot } from '@otedama/shared/primitives'
import { meetsTarget } from '@otedama/shared/primitives'
import type { BlockTemplate } from '../../src/template/types'

/** Most nonces tried before giving up: at regtest/devnet difficulty half (or more) of them pass. */
const MAX_GRIND_NONCES = 100_000

export interface Payout {
  script: Uint8Array
  value: bigint
}

/** A legacy-serialized coinbase paying `payouts` (+ witness commitment) for `template`. */
export function coinbaseFor(template: BlockTemplate, payouts: Payout[], extranonce = new Uint8Array(8)): Uint8Array {
  const tx = buildCoinbaseTx({
    height: template.height,
    scriptSigPrefix: new TextEncoder().encode('/otedama-test/'),
    extranonce,
    outputs: payouts,
    ...(template.witnessCommitment !== undefined ? { witnessCommitment: template.witnessCommitment } : {})
  })
  return encodeTx(tx, { witness: false })
}

/** Finds a nonce whose PoW meets `target` (default: the block target); returns the 80-byte header. */
export function grindHeader(
  template: BlockTemplate,
  coinbaseLegacy: Uint8Array,
  pow: PowAlgorithm,
  target = template.target
): Uint8Array {
  const root = merkleRoot([sha256d(coinbaseLegacy), ...template.transactions.map((tx) => tx.txid)])
  const time = Math.max(template.curtime, template.mintime)
  for (let nonce = 0; nonce < MAX_GRIND_NONCES; nonce++) {
    const header = encodeHeader({
      version: template.version,
      prevHash: template.prevHash,
      merkleRoot: root,
      time,
      bits: template.bits,
      nonce
    })
    if (meetsTarget(powHash(pow, header), target)) return header
  }
  throw new Error(`no nonce below ${MAX_GRIND_NONCES} meets the target`)
}
