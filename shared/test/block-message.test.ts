import { describe, expect, it } from 'vitest'
import { blockMessageCodec, encodeDevnetBlock, NETWORK_NAMES } from '../src/chain'

const header80 = new Uint8Array(80).fill(3)
const coinbaseLegacy = new Uint8Array(120).fill(4)
const share = new Uint8Array(300).fill(5)

describe('block-topic message codec by network', () => {
  it('devnet carries the block: header, tx count 1, coinbase, the bytes encodeDevnetBlock writes', () => {
    const codec = blockMessageCodec('devnet')
    const bytes = codec.encode({ header80, share, coinbaseLegacy: () => coinbaseLegacy })
    expect(bytes).toEqual(encodeDevnetBlock(header80, coinbaseLegacy))
    expect(codec.decode(bytes)).toEqual({ ok: true, message: { carries: 'devnet-block', header80, coinbaseLegacy } })
    expect(codec.decode(new Uint8Array(50))).toMatchObject({ ok: false, verdict: { kind: 'reject', reason: 'decode' } })
  })

  it('every other network carries the share as it is, and never builds the coinbase', () => {
    for (const network of NETWORK_NAMES.filter((n) => n !== 'devnet')) {
      const codec = blockMessageCodec(network)
      const bytes = codec.encode({
        header80,
        share,
        coinbaseLegacy: () => {
          throw new Error(`${network} built a coinbase`)
        }
      })
      expect(bytes).toBe(share)
      expect(codec.decode(bytes)).toEqual({ ok: true, message: { carries: 'share', share } })
    }
  })
})
