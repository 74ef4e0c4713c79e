// What travels on the block topic (relay/src/app/network.ts): on devnet a block is its header plus its
// coinbase (header 80 | varint 1 | legacy coinbase), as the devnet relays keep their chain; on coin
// networks it is the encoded share meeting the block target (relays holding its template submit it).
// The devnet framing mirrors relay/src/devnet/source.ts joinDevnetBlock/splitDevnetBlock (relay code
// cannot be imported here); it belongs in shared/ — see README.md.
import { ByteReader, ByteWriter } from '../../../shared/src/primitives/bytes'
import { HEADER_BYTES } from '../../../shared/src/primitives/header'
import { MAX_BLOCK_MESSAGE_BYTES } from '../../../shared/src/p2p'

export function encodeDevnetBlock (header80: Uint8Array, coinbaseLegacy: Uint8Array): Uint8Array {
  return new ByteWriter(HEADER_BYTES + 1 + coinbaseLegacy.length).bytes(header80).varint(1).bytes(coinbaseLegacy).finish()
}

export function decodeDevnetBlock (bytes: Uint8Array): { header80: Uint8Array; coinbaseLegacy: Uint8Array } | undefined {
  if (bytes.length > MAX_BLOCK_MESSAGE_BYTES || bytes.length <= HEADER_BYTES + 1) return undefined
  try {
    const r = new ByteReader(bytes)
    const header80 = r.bytes(HEADER_BYTES)
    if (r.varint() !== 1) return undefined
    return { header80, coinbaseLegacy: r.bytes(r.remaining) }
  } catch {
    return undefined
  }
}
