// How many payout outputs a coinbase may carry: it must fit the weight a block template leaves for it.
// Bitcoin Core and Litecoin Core reserve 4000 weight units for the coinbase (DEFAULT_BLOCK_RESERVED_WEIGHT,
// node/miner.h); a full template leaves no more. Worst case everywhere below, so the cap holds whatever the
// share commitment's exact layout and whatever payout scripts miners choose.

/** Weight the template reserves for the coinbase, WU (Core DEFAULT_BLOCK_RESERVED_WEIGHT). */
export const COINBASE_RESERVED_WEIGHT_WU = 4000
/** Non-witness bytes count 4 WU each, witness bytes 1 WU (BIP141). */
export const WITNESS_SCALE_FACTOR = 4

/** Consensus maximum coinbase scriptSig, bytes (Core: bad-cb-length above 100). */
export const MAX_COINBASE_SCRIPTSIG_BYTES = 100
/** Largest share-commitment script assumed: Core's standard OP_RETURN limit MAX_OP_RETURN_RELAY, bytes. */
export const MAX_SHARE_COMMITMENT_SCRIPT_BYTES = 83
/** OP_RETURN OP_PUSH36 aa21a9ed <32-byte commitment> (BIP141), bytes. */
export const WITNESS_COMMITMENT_SCRIPT_BYTES = 38
/** Largest standard payout script: P2WSH or P2TR, OP_n <32 bytes>; P2PKH is 25, P2SH 23, P2WPKH 22. */
export const MAX_PAYOUT_SCRIPT_BYTES = 34

/** An output: 8-byte value + 1-byte script length (scripts < 253 bytes) + script. */
function outputBytes(scriptBytes: number): number {
  return 8 + 1 + scriptBytes
}

/**
 * Weight of the coinbase without its payout outputs, worst case:
 * non-witness: version 4 + input count 1 + prevout 36 + scriptSig length 1 + scriptSig 100 + sequence 4
 *   + output count 1 + share commitment (8+1+83 = 92) + witness commitment (8+1+38 = 47) + locktime 4
 *   = 290 bytes = 1160 WU;
 * witness: marker 1 + flag 1 + stack items 1 + item length 1 + reserved value 32 = 36 WU.
 * Total 1196 WU.
 */
export function coinbaseFixedWeightWu(): number {
  const nonWitnessBytes =
    4 +
    1 +
    36 +
    1 +
    MAX_COINBASE_SCRIPTSIG_BYTES +
    4 +
    1 +
    outputBytes(MAX_SHARE_COMMITMENT_SCRIPT_BYTES) +
    outputBytes(WITNESS_COMMITMENT_SCRIPT_BYTES) +
    4
  const witnessBytes = 1 + 1 + 1 + 1 + 32
  return nonWitnessBytes * WITNESS_SCALE_FACTOR + witnessBytes
}

/** Weight of one worst-case payout output: (8+1+34) x 4 = 172 WU. */
export function payoutOutputWeightWu(): number {
  return outputBytes(MAX_PAYOUT_SCRIPT_BYTES) * WITNESS_SCALE_FACTOR
}

/**
 * The payout output cap: (4000 - 1196) / 172 = 16.3 -> 16 outputs (16 x 172 + 1196 = 3948 WU <= 4000).
 * Legacy sigops are no constraint: 16 P2PKH outputs cost 16 x 4 = 64 of the 400 sigops reserved.
 * Firmware: cgminer/bmminer/ESP-Miner take coinbases this size; NerdMiner truncates coinbases above
 * 255 bytes and cannot carry any PPLNS coinbase (see README).
 */
export const COINBASE_PAYOUT_OUTPUT_CAP = Math.floor(
  (COINBASE_RESERVED_WEIGHT_WU - coinbaseFixedWeightWu()) / payoutOutputWeightWu()
)
