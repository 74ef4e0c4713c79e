// Share-chain encoding limits and fixed consensus details that docs/design.md leaves open.
// Every limit here is consensus: changing one changes what peers accept (document it in README.md).
import { MAX_PAYOUT_SCRIPT_BYTES as BUDGET_MAX_PAYOUT_SCRIPT_BYTES } from '../chain/coinbase-budget'

/** Version byte that starts every encoded share; unknown versions are rejected. */
export const SHARE_CODEC_VERSION = 2
/** Version byte of a template announcement's canonical encoding. */
export const TEMPLATE_CODEC_VERSION = 1

/** Bytes of the network id carried as a tag (share encoding, share commitment, template announcement). */
export const NETWORK_TAG_BYTES = 8
export const HASH_BYTES = 32

/** Largest payout script: P2WSH/P2TR (34 bytes), the size the coinbase output cap is computed for (chain/coinbase-budget.ts). */
export const MAX_PAYOUT_SCRIPT_BYTES = BUDGET_MAX_PAYOUT_SCRIPT_BYTES
/** Coinbase scriptSig length bounds (Bitcoin consensus, CheckTransaction: 2..100 bytes). */
export const MIN_COINBASE_SCRIPTSIG_BYTES = 2
export const MAX_COINBASE_SCRIPTSIG_BYTES = 100
/**
 * Longest coinbase merkle branch. A 4 MWU block holds at most ~16 700 transactions of 60 bytes
 * (weight 240 each), i.e. 15 levels; 20 leaves room without letting a peer send junk.
 */
export const MAX_MERKLE_BRANCH_STEPS = 20

/** Extranonce layout (docs/design.md, Work and shares): 4 bytes per miner session + 4 bytes workers roll. */
export const EXTRANONCE1_BYTES = 4
export const EXTRANONCE2_BYTES = 4
export const EXTRANONCE_BYTES = EXTRANONCE1_BYTES + EXTRANONCE2_BYTES

/** Short tag pushed after the BIP34 height in every coinbase we build (not checked: others may differ). */
export const COINBASE_TAG = asciiBytes('/otedama/')
/** The single coinbase input's sequence; fixed so peers can re-derive it (not carried in the share). */
export const COINBASE_SEQUENCE = 0xffffffff

/** OP_RETURN payload of the share commitment: network tag (8) + sha256d(ShareInfo) (32). */
export const SHARE_COMMITMENT_PAYLOAD_BYTES = NETWORK_TAG_BYTES + HASH_BYTES

/** Parts per million (finder bonus is expressed in ppm: 5000 = 0.5 %). */
export const PPM = 1_000_000n

/** Domain separator hashed with the parent id to seed the dust/overflow lottery. */
export const LOTTERY_DOMAIN = asciiBytes('otedama/lottery/1')

/** Most uncle ids a share encoding can carry (the network's maxUnclesPerShare is at most this). */
export const MAX_ENCODED_UNCLES = 8

// --- sizes of the share encoding (version, tag, header, ShareInfo, coinbase parts, branch) ---------
/** ShareInfo: prev id 32, script (1 + <=34), bits 4, share height 4, block height 4, value 8, template id 32, uncles (1 + 32 each). */
export const MAX_SHARE_INFO_BYTES =
  32 + 1 + MAX_PAYOUT_SCRIPT_BYTES + 4 + 4 + 4 + 8 + 32 + 1 + MAX_ENCODED_UNCLES * HASH_BYTES
/** ShareInfo without uncles and with the shortest payout script. */
const MIN_SHARE_INFO_BYTES = 32 + 1 + 1 + 4 + 4 + 4 + 8 + 32 + 1
/** Coinbase parts: version 4, scriptSig (1 + <=100), flags 1, witness commitment 32, locktime 4. */
export const MAX_COINBASE_PARTS_BYTES = 4 + 1 + MAX_COINBASE_SCRIPTSIG_BYTES + 1 + HASH_BYTES + 4
/** The whole encoded share; with an 11-step branch and no uncles a typical share is ~612 bytes (+32 per uncle). */
export const MAX_SHARE_BYTES =
  1 +
  NETWORK_TAG_BYTES +
  80 +
  MAX_SHARE_INFO_BYTES +
  MAX_COINBASE_PARTS_BYTES +
  1 +
  MAX_MERKLE_BRANCH_STEPS * HASH_BYTES
/** Smallest possible encoding (empty branch, shortest script and scriptSig): anything shorter is truncated. */
export const MIN_SHARE_BYTES = 1 + NETWORK_TAG_BYTES + 80 + MIN_SHARE_INFO_BYTES + (4 + 1 + 2 + 1 + 4) + 1

/** ASCII text as bytes (shared/ has no DOM typings for TextEncoder). */
export function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0x7f)
}
