// Gossip message ids (docs/design.md, Network): the share id for shares and blocks, a content hash otherwise.
// With StrictNoSign there is no sender/seqno in a message, so the id must come from the data alone.
import { sha256, sha256d } from '../primitives/hash'
import { NETWORK_TAG_BYTES } from '../sharechain/constants'

export const SHARE_HEADER_BYTES = 80
/** Where the header sits in an encoded share: after the version byte and the network tag (share-codec.ts). */
export const SHARE_HEADER_OFFSET = 1 + NETWORK_TAG_BYTES

/**
 * Share id = sha256d(header) read in place, without decoding the share. Messages too short to hold a
 * header get a content hash instead; validators reject them anyway.
 */
export function shareMessageId(data: Uint8Array): Uint8Array {
  if (data.length < SHARE_HEADER_OFFSET + SHARE_HEADER_BYTES) return contentMessageId(data)
  return sha256d(data.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + SHARE_HEADER_BYTES))
}

/** Content hash for headers, template announcements and attestation batches. */
export function contentMessageId(data: Uint8Array): Uint8Array {
  return sha256(data)
}
