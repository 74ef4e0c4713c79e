// What a network's block topic carries, decided once here and picked by network name, so the peer that
// writes a block message and the peer that reads it cannot disagree:
// - devnet: the block itself, header + tx count 1 + coinbase (encodeDevnetBlock). Devnet has no coin
//   daemon: every relay keeps the chain itself, so each needs the block's body to extend it, and a
//   browser takes the header into its header chain.
// - every other network: the share that meets the block target, as on the share topic. The relays that
//   hold its template rebuild the coinbase from the share chain and submit the block to their daemon;
//   the coin's own network spreads the block from there.
import { decodeDevnetBlock, encodeDevnetBlock, type DevnetRefusal } from './devnet-rules'
import type { NetworkName } from './params'

/** A block-topic message, split: what the network's codec carries. */
export type BlockMessage =
  | { readonly carries: 'devnet-block'; readonly header80: Uint8Array; readonly coinbaseLegacy: Uint8Array }
  | { readonly carries: 'share'; readonly share: Uint8Array }

export type BlockMessageKind = BlockMessage['carries']

/** A find that meets the block target, as its finder holds it; each codec takes what its message carries. */
export interface BlockFind {
  readonly header80: Uint8Array
  /** The find as an encoded share. */
  readonly share: Uint8Array
  /** The find's coinbase (legacy serialization); built only where the message carries it. */
  coinbaseLegacy(): Uint8Array
}

export type BlockMessageDecode = { ok: true; message: BlockMessage } | { ok: false; verdict: DevnetRefusal }

export interface BlockMessageCodec {
  readonly carries: BlockMessageKind
  /** The block-topic message of a find. */
  encode(find: BlockFind): Uint8Array
  /** Splits a block-topic message; what it carries is checked by that part's own validation. */
  decode(bytes: Uint8Array): BlockMessageDecode
}

const DEVNET_BLOCK_CODEC: BlockMessageCodec = Object.freeze({
  carries: 'devnet-block',
  encode: (find: BlockFind) => encodeDevnetBlock(find.header80, find.coinbaseLegacy()),
  decode(bytes: Uint8Array): BlockMessageDecode {
    const block = decodeDevnetBlock(bytes)
    if (!block.ok) return block
    return {
      ok: true,
      message: { carries: 'devnet-block', header80: block.header80, coinbaseLegacy: block.coinbaseLegacy }
    }
  }
})

const SHARE_CODEC: BlockMessageCodec = Object.freeze({
  carries: 'share',
  encode: (find: BlockFind) => find.share,
  decode: (bytes: Uint8Array): BlockMessageDecode => ({ ok: true, message: { carries: 'share', share: bytes } })
})

/** Every network names its codec, so a network added to NetworkName must choose one to compile. */
const BLOCK_MESSAGE_CODECS: Readonly<Record<NetworkName, BlockMessageCodec>> = Object.freeze({
  devnet: DEVNET_BLOCK_CODEC,
  litecoin: SHARE_CODEC,
  'litecoin-testnet': SHARE_CODEC,
  'litecoin-regtest': SHARE_CODEC,
  bitcoin: SHARE_CODEC,
  'bitcoin-testnet4': SHARE_CODEC,
  'bitcoin-signet': SHARE_CODEC,
  'bitcoin-regtest': SHARE_CODEC
})

/** The block-topic codec of a network (the top of this file says why they differ). */
export function blockMessageCodec(network: NetworkName): BlockMessageCodec {
  return BLOCK_MESSAGE_CODECS[network]
}
