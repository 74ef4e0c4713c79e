// Binding a share's work to a relay key (sharechain/README.md, Quorums): a miner that wants its work to
// give a relay a voice in committees puts a tag in its coinbase scriptSig after the BIP34 height push:
//   push("/otedama/") push(relay key)       relay key = first 20 bytes of sha256(peer id bytes)
// then the extranonce. The scriptSig is inside the coinbase, so the header's merkle root and the share's
// PoW cover the tag: nobody can move work from one key to another without redoing it. No share field
// changes; validators only require the BIP34 prefix, so a share without the tag is an unbound share.
import { bytesToHex, concatBytes, equalBytes } from '../primitives/bytes'
import { sha256 } from '../primitives/hash'
import { pushData } from '../primitives/script'
import { COINBASE_TAG } from '../sharechain/constants'

/** Bytes of a relay key: enough to make a collision (two peer ids, one key) cost 2^80 hashes. */
export const RELAY_KEY_BYTES = 20

const TAG_PUSH = pushData(COINBASE_TAG)
const OP_0 = 0x00
const OP_1NEGATE = 0x4f
const OP_1 = 0x51
const OP_16 = 0x60
/** Longest direct push a BIP34 height can be (heights up to 2^39 need at most 5 bytes). */
const MAX_HEIGHT_PUSH_BYTES = 8

/** The relay key of a peer id: sha256(peer id bytes), first RELAY_KEY_BYTES bytes. */
export function relayKeyOf(peerIdBytes: Uint8Array): Uint8Array {
  return sha256(peerIdBytes).subarray(0, RELAY_KEY_BYTES)
}

export function relayKeyHex(peerIdBytes: Uint8Array): string {
  return bytesToHex(relayKeyOf(peerIdBytes))
}

/** The scriptSig bytes after the height push that bind a share to `peerIdBytes` (job.ts `scriptSigTag`). */
export function relayBindingTag(peerIdBytes: Uint8Array): Uint8Array {
  return concatBytes(TAG_PUSH, pushData(relayKeyOf(peerIdBytes)))
}

/** Bytes taken by the height push at the start of a scriptSig; undefined when it is not a push. */
function heightPushLength(scriptSig: Uint8Array): number | undefined {
  const op = scriptSig[0]
  if (op === OP_0 || op === OP_1NEGATE || (op >= OP_1 && op <= OP_16)) return 1
  if (op >= 1 && op <= MAX_HEIGHT_PUSH_BYTES) return 1 + op
  return undefined
}

/** The relay key (hex) a share's scriptSig binds to; undefined for an unbound share. */
export function boundRelayKey(scriptSig: Uint8Array): string | undefined {
  const start = heightPushLength(scriptSig)
  if (start === undefined) return undefined
  const keyAt = start + TAG_PUSH.length + 1
  if (scriptSig.length < keyAt + RELAY_KEY_BYTES) return undefined
  if (!equalBytes(scriptSig.subarray(start, start + TAG_PUSH.length), TAG_PUSH)) return undefined
  if (scriptSig[keyAt - 1] !== RELAY_KEY_BYTES) return undefined
  return bytesToHex(scriptSig.subarray(keyAt, keyAt + RELAY_KEY_BYTES))
}
