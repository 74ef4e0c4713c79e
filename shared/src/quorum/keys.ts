// libp2p peer keys as attesters: the key travels in protobuf form; the attester's identity is its
// peer id (multihash bytes), the same id libp2p uses on the wire.
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'

export type { PrivateKey, PublicKey }

/** Peer id bytes (the multihash) of a public key. */
export function peerIdBytesOf(publicKey: PublicKey): Uint8Array {
  return peerIdFromPublicKey(publicKey).toMultihash().bytes
}

export function publicKeyBytes(key: PublicKey): Uint8Array {
  return new Uint8Array(publicKeyToProtobuf(key))
}

/** Parses a protobuf public key; undefined when it is malformed (a reject for the caller). */
export function parsePublicKey(bytes: Uint8Array): PublicKey | undefined {
  try {
    return publicKeyFromProtobuf(bytes)
  } catch {
    return undefined
  }
}

export async function verifySignature(key: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    return await key.verify(message, signature)
  } catch {
    return false
  }
}
