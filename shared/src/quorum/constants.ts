// Quorum limits and fixed choices (docs/design.md, Validation in quorums). Encodings are consensus between
// relays and browsers: changing one changes what peers accept.
import { asciiBytes } from '../sharechain/constants'

/** Committee size: default 7, never below 3; MIN_COMMITTEE_SIZE is also the least number of distinct
 *  weighted relays a confirmation needs (sharechain/README.md, Quorums). */
export const DEFAULT_COMMITTEE_SIZE = 7
export const MIN_COMMITTEE_SIZE = 3

/** Encoding version of attestations, batches and signed templates. */
export const QUORUM_CODEC_VERSION = 1
/** A libp2p public key in protobuf form: Ed25519 is 36 bytes, secp256k1 37; RSA keys are refused. */
export const MAX_PUBLIC_KEY_BYTES = 64
/** Ed25519 signatures are 64 bytes; secp256k1 DER signatures at most 72. */
export const MAX_SIGNATURE_BYTES = 72
/** One encoded attestation: fixed fields (1+8+1+1+32+4) plus key and signature with length bytes. */
export const MAX_ATTESTATION_BYTES = 47 + 1 + MAX_PUBLIC_KEY_BYTES + 1 + MAX_SIGNATURE_BYTES
/** Attestations per batch (matches p2p BATCH_MAX_ITEMS). */
export const MAX_ATTESTATIONS_PER_BATCH = 128

/** Domain separators: a signature for one purpose never verifies for another. */
export const ATTESTATION_DOMAIN = asciiBytes('otedama/attest/1')
export const TEMPLATE_SIGNATURE_DOMAIN = asciiBytes('otedama/template/1')

/** Local reputation (integers, never a vote's weight): a new relay starts at 1, earns +1 per attestation
 *  proved right up to the cap, and is halved (then -1) per attestation proved wrong; at 0 it is not believed. */
export const INITIAL_REPUTATION = 1
export const MAX_REPUTATION = 100
export const REPUTATION_REWARD = 1
