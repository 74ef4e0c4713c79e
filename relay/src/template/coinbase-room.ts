import { compactSizeLength } from '@otedama/shared/primitives'
import { HEADER_BYTES } from '@otedama/shared/primitives'
import { witnessCommitment } from '@otedama/shared/primitives'
import { hasRule } from './rules'
import type { BlockTemplate, TemplateTx } from './types'

/**
 * Room for the coinbase. A daemon's template leaves only a small reserve for the coinbase (Bitcoin
 * Core: 4 000 WU and 400 sigop cost); a PPLNS coinbase with many payees can need more. Then we drop
 * the transactions that pay least per weight unit (and subtract their fees) until the block fits.
 * Never dropped: the HogEx (Litecoin MWEB, always last) and any transaction another kept one spends.
 */

/** Largest output script an address can name (bytes): a witness program of 40 bytes (BIP141) + 2. */
export const MAX_PAYOUT_SCRIPT_BYTES = 42
/** Bytes of one payout output: 8 value + 1 length + script. */
export const MAX_PAYOUT_OUTPUT_BYTES = 8 + 1 + MAX_PAYOUT_SCRIPT_BYTES
/** Sigop cost of one payout output at worst (P2PKH: one legacy OP_CHECKSIG × 4). */
export const MAX_PAYOUT_SIGOP_COST = 4
/** The share-commitment OP_RETURN at most (bytes): 8 value + 1 length + standard OP_RETURN limit 83. */
export const MAX_SHARE_COMMITMENT_OUTPUT_BYTES = 8 + 1 + 83
/** The witness-commitment output (bytes): 8 value + 1 length + 38 script. */
export const WITNESS_COMMITMENT_OUTPUT_BYTES = 8 + 1 + 38
/** Coinbase parts besides outputs (bytes): version 4, input count 1, input 32+4+1+100+4, output count ≤ 3, locktime 4. */
export const COINBASE_FIXED_BYTES = 4 + 1 + (32 + 4 + 1 + 100 + 4) + 3 + 4
/** Coinbase witness (weight units): marker + flag, 1 item count, 1 length, 32-byte reserved value. */
export const COINBASE_WITNESS_WU = 2 + 1 + 1 + 32

export interface CoinbaseBudget {
  /** Weight units the coinbase can take at most. */
  weight: number
  /** Sigop cost the coinbase can take at most. */
  sigops: number
}

/** Upper bound of a coinbase with `payoutOutputs` payouts, a share commitment and (segwit) a witness commitment. */
export function coinbaseBudget(payoutOutputs: number, segwit: boolean): CoinbaseBudget {
  const baseBytes =
    COINBASE_FIXED_BYTES +
    payoutOutputs * MAX_PAYOUT_OUTPUT_BYTES +
    MAX_SHARE_COMMITMENT_OUTPUT_BYTES +
    (segwit ? WITNESS_COMMITMENT_OUTPUT_BYTES : 0)
  return { weight: baseBytes * 4 + (segwit ? COINBASE_WITNESS_WU : 0), sigops: payoutOutputs * MAX_PAYOUT_SIGOP_COST }
}

export interface FitResult {
  template: BlockTemplate
  /** Transactions left out, in template order. */
  dropped: TemplateTx[]
  /** False when even dropping every droppable transaction leaves too little room. */
  fits: boolean
}

function roomLeft(template: BlockTemplate, txs: TemplateTx[]): CoinbaseBudget {
  const overheadWu = (HEADER_BYTES + compactSizeLength(txs.length + 1)) * 4
  let weight = template.weightLimit - overheadWu
  let sigops = template.sigopLimit
  for (const tx of txs) {
    weight -= tx.weight
    sigops -= tx.sigops
  }
  return { weight, sigops }
}

/** Returns the template, with the fewest lowest-fee-rate transactions removed so that `needs` fits. */
export function fitCoinbase(template: BlockTemplate, needs: CoinbaseBudget): FitResult {
  const txs = template.transactions
  let room = roomLeft(template, txs)
  if (room.weight >= needs.weight && room.sigops >= needs.sigops) return { template, dropped: [], fits: true }

  const keptDependents = new Array<number>(txs.length).fill(0)
  for (const tx of txs) for (const d of tx.depends) keptDependents[d]++
  const hogExIndex = template.mweb !== undefined ? txs.length - 1 : -1
  const removed = new Array<boolean>(txs.length).fill(false)
  // Cheapest first: fee per weight unit, compared exactly as fee_a * weight_b < fee_b * weight_a.
  const order = txs
    .map((_, i) => i)
    .filter((i) => i !== hogExIndex)
    .sort((a, b) => {
      const lhs = txs[a].fee * BigInt(txs[b].weight)
      const rhs = txs[b].fee * BigInt(txs[a].weight)
      return lhs < rhs ? -1 : lhs > rhs ? 1 : a - b
    })
  let progress = true
  while ((room.weight < needs.weight || room.sigops < needs.sigops) && progress) {
    progress = false
    for (const i of order) {
      if (removed[i] || keptDependents[i] > 0) continue
      removed[i] = true
      for (const d of txs[i].depends) keptDependents[d]--
      room = { weight: room.weight + txs[i].weight, sigops: room.sigops + txs[i].sigops }
      progress = true
      break // re-scan from the cheapest: dropping a child may have freed its cheaper parent
    }
  }
  // The tx count varint may have shrunk; recompute exactly over what is kept.
  const kept: TemplateTx[] = []
  const dropped: TemplateTx[] = []
  const newIndex = new Array<number>(txs.length).fill(-1)
  txs.forEach((tx, i) => {
    if (removed[i]) {
      dropped.push(tx)
      return
    }
    newIndex[i] = kept.length
    kept.push({ ...tx, depends: tx.depends.map((d) => newIndex[d]) })
  })
  const droppedFees = dropped.reduce((sum, tx) => sum + tx.fee, 0n)
  const fitted: BlockTemplate = {
    ...template,
    transactions: kept,
    coinbaseValue: template.coinbaseValue - droppedFees,
    ...(hasRule(template.rules, 'segwit') ? { witnessCommitment: witnessCommitment(kept.map((tx) => tx.wtxid)) } : {})
  }
  const finalRoom = roomLeft(fitted, kept)
  return { template: fitted, dropped, fits: finalRoom.weight >= needs.weight && finalRoom.sigops >= needs.sigops }
}
