import { describe, expect, it } from 'vitest'
import { DecodeError, bytesToHex, equalBytes, hexToBytes } from '../src/primitives/bytes'
import { powHash } from '../src/primitives/hash'
import {
  HEADER_BYTES,
  blockHash,
  decodeHeader,
  displayHexToHash,
  encodeHeader,
  hashToDisplayHex
} from '../src/primitives/header'
import { bitsToTarget, meetsTarget } from '../src/primitives/target'

// Bitcoin mainnet block 0, raw header as serialized on the wire.
const BITCOIN_GENESIS_HEADER =
  '01000000' +
  '0000000000000000000000000000000000000000000000000000000000000000' +
  '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a' +
  '29ab5f49' + // time 1231006505
  'ffff001d' + // bits 0x1d00ffff
  '1dac2b7c' // nonce 2083236893

describe('Bitcoin genesis header', () => {
  it('decodes to its published fields', () => {
    const h = decodeHeader(hexToBytes(BITCOIN_GENESIS_HEADER))
    expect(h.version).toBe(1)
    expect(equalBytes(h.prevHash, new Uint8Array(32))).toBe(true)
    expect(hashToDisplayHex(h.merkleRoot)).toBe('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b')
    expect(h.time).toBe(1231006505)
    expect(h.bits).toBe(0x1d00ffff)
    expect(h.nonce).toBe(2083236893)
  })

  it('re-encodes byte-identically and hashes to the published block hash', () => {
    const raw = hexToBytes(BITCOIN_GENESIS_HEADER)
    const encoded = encodeHeader(decodeHeader(raw))
    expect(encoded.length).toBe(HEADER_BYTES)
    expect(bytesToHex(encoded)).toBe(BITCOIN_GENESIS_HEADER)
    expect(hashToDisplayHex(blockHash(raw))).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f')
    expect(meetsTarget(blockHash(raw), bitsToTarget(0x1d00ffff))).toBe(true)
  })
})

describe('Bitcoin block 125552 (fields as on the Bitcoin wiki "Block hashing algorithm" page)', () => {
  const header = {
    version: 1,
    prevHash: displayHexToHash('00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81'),
    merkleRoot: displayHexToHash('2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3'),
    time: 1305998791,
    bits: 440711666, // 0x1a44b9f2
    nonce: 2504433986
  }

  it('hashes to the published block hash, below its bits target', () => {
    const raw = encodeHeader(header)
    const hash = blockHash(raw)
    expect(hashToDisplayHex(hash)).toBe('00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d')
    expect(meetsTarget(hash, bitsToTarget(header.bits))).toBe(true)
  })

  it('fails PoW when the nonce changes', () => {
    const raw = encodeHeader({ ...header, nonce: header.nonce + 1 })
    expect(meetsTarget(blockHash(raw), bitsToTarget(header.bits))).toBe(false)
  })
})

describe('Litecoin genesis header (scrypt PoW)', () => {
  const raw = encodeHeader({
    version: 1,
    prevHash: new Uint8Array(32),
    merkleRoot: displayHexToHash('97ddfbbae6be97fd6cdf3e7ca13232a3afff2353e29badfab7f73011edd4ced9'),
    time: 1317972665,
    bits: 0x1e0ffff0,
    nonce: 2084524493
  })

  it('has the published block hash (sha256d)', () => {
    expect(hashToDisplayHex(blockHash(raw))).toBe('12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2')
  })

  it('has a scrypt PoW hash at or below its bits target, and the next nonce does not', () => {
    const target = bitsToTarget(0x1e0ffff0)
    expect(meetsTarget(powHash('scrypt', raw), target)).toBe(true)
    // The sha256d block hash is not the PoW on Litecoin: it is far above this target.
    expect(meetsTarget(blockHash(raw), target)).toBe(false)
    const other = raw.slice()
    other[76] ^= 1
    expect(meetsTarget(powHash('scrypt', other), target)).toBe(false)
  })
})

describe('header codec strictness', () => {
  it('rejects any length but 80', () => {
    for (const n of [0, 79, 81]) {
      expect(() => decodeHeader(new Uint8Array(n))).toThrow(DecodeError)
      expect(() => blockHash(new Uint8Array(n))).toThrow(DecodeError)
    }
  })

  it('keeps version-rolled versions (top bit set) as signed int32, encoding either form alike', () => {
    const base = decodeHeader(hexToBytes(BITCOIN_GENESIS_HEADER))
    const signed = encodeHeader({ ...base, version: -0x20000000 })
    const unsigned = encodeHeader({ ...base, version: 0xe0000000 })
    expect(bytesToHex(signed)).toBe(bytesToHex(unsigned))
    expect(bytesToHex(signed.subarray(0, 4))).toBe('000000e0')
    expect(decodeHeader(signed).version).toBe(-0x20000000)
  })

  it('rejects hashes of the wrong size and out-of-range fields', () => {
    const base = decodeHeader(hexToBytes(BITCOIN_GENESIS_HEADER))
    expect(() => encodeHeader({ ...base, prevHash: new Uint8Array(31) })).toThrow(RangeError)
    expect(() => encodeHeader({ ...base, nonce: 2 ** 32 })).toThrow(RangeError)
    expect(() => displayHexToHash('00')).toThrow(DecodeError)
  })

  it('display hex is the reversed internal order', () => {
    const internal = Uint8Array.from({ length: 32 }, (_, i) => i)
    const display = hashToDisplayHex(internal)
    expect(display.startsWith('1f1e1d')).toBe(true)
    expect(equalBytes(displayHexToHash(display), internal)).toBe(true)
  })
})
