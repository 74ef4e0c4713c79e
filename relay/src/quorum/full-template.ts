import type { NetworkName } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { encodeTx } from '@otedama/shared/primitives'
import { buildCoinbaseTx, witnessCommitmentScript } from '@otedama/shared/primitives'
import { encodeHeader, hashToDisplayHex } from '@otedama/shared/primitives'
import { merkleRoot } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { assembleBlock } from '../block/assemble'
import { parseBlockTemplate, TemplateFormatError } from '../template/parse-gbt'
import type { BlockTemplate } from '../template/types'

/** Largest full template fetched from a peer (bytes): a 4 MWU block as hex plus JSON, as the RPC limit. */
export const MAX_FULL_TEMPLATE_BYTES = 24 * 1024 * 1024

/**
 * A full template on the wire between relays (/otedama/<net>/template/1), in getblocktemplate's own
 * JSON shape, so the receiver checks it with the same strict parser as a daemon's answer (hashes,
 * dependencies, fees, witness commitment) before its own daemon sees it.
 */
export function encodeFullTemplate(t: BlockTemplate): Uint8Array {
  const json = {
    version: t.version >>> 0,
    rules: t.rules,
    previousblockhash: hashToDisplayHex(t.prevHash),
    transactions: t.transactions.map((tx) => ({
      data: bytesToHex(tx.data),
      txid: hashToDisplayHex(tx.txid),
      hash: hashToDisplayHex(tx.wtxid),
      depends: tx.depends.map((d) => d + 1),
      fee: Number(tx.fee),
      sigops: tx.sigops,
      weight: tx.weight
    })),
    coinbasevalue: Number(t.coinbaseValue),
    bits: t.bits.toString(16).padStart(8, '0'),
    curtime: t.curtime,
    mintime: t.mintime,
    height: t.height,
    weightlimit: t.weightLimit,
    sigoplimit: t.sigopLimit,
    ...(t.witnessCommitment !== undefined
      ? { default_witness_commitment: bytesToHex(witnessCommitmentScript(t.witnessCommitment)) }
      : {}),
    ...(t.mweb !== undefined ? { mweb: bytesToHex(t.mweb) } : {})
  }
  return new TextEncoder().encode(JSON.stringify(json))
}

export function decodeFullTemplate(bytes: Uint8Array, network: NetworkName): BlockTemplate {
  if (bytes.length > MAX_FULL_TEMPLATE_BYTES)
    throw new TemplateFormatError('template', `exceeds ${MAX_FULL_TEMPLATE_BYTES} bytes`)
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new TemplateFormatError('template', 'is not UTF-8 JSON')
  }
  return parseBlockTemplate(raw, network)
}

/** Anyone-can-spend output for proposal blocks: they are checked, never mined. */
const OP_TRUE = Uint8Array.of(0x51)

/**
 * A block on `template` for proposal mode (getblocktemplate {mode: 'proposal'}), which checks
 * everything but PoW: a minimal coinbase claiming the full value, the template's transactions.
 */
export function proposalBlock(template: BlockTemplate): Uint8Array {
  const coinbase = buildCoinbaseTx({
    height: template.height,
    extranonce: new Uint8Array(8),
    outputs: [{ value: template.coinbaseValue, script: OP_TRUE }],
    ...(template.witnessCommitment !== undefined ? { witnessCommitment: template.witnessCommitment } : {})
  })
  const coinbaseLegacy = encodeTx(coinbase, { witness: false })
  const root = merkleRoot([sha256d(coinbaseLegacy), ...template.transactions.map((tx) => tx.txid)])
  const header80 = encodeHeader({
    version: template.version,
    prevHash: template.prevHash,
    merkleRoot: root,
    time: Math.max(template.curtime, template.mintime),
    bits: template.bits,
    nonce: 0
  })
  return assembleBlock(template, header80, coinbaseLegacy)
}
