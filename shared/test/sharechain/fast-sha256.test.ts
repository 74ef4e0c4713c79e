// The hot-path sha256d agrees with the reference (@noble/hashes via primitives/hash) and FIPS vectors.
import { describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes, hexToBytes } from '../../src/primitives/bytes'
import { sha256d } from '../../src/primitives/hash'
import { foldMerkleBranch } from '../../src/primitives/merkle'
import { fastSha256d, fastSha256dPair } from '../../src/sharechain/fast-sha256'
import { foldBranch } from '../../src/sharechain/merkle-fold'

describe('fast sha256d', () => {
  it('matches a known answer: sha256d("abc")', () => {
    // sha256("abc") = ba7816bf...15ad (FIPS 180-2 B.1); sha256 of that digest:
    expect(bytesToHex(fastSha256d(Uint8Array.of(0x61, 0x62, 0x63)))).toBe(bytesToHex(sha256d(Uint8Array.of(0x61, 0x62, 0x63))))
    expect(bytesToHex(fastSha256d(Uint8Array.of(0x61, 0x62, 0x63)))).toBe('4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358')
  })

  it('matches the reference for every length 0..300 and random contents', () => {
    let seed = 1
    for (let len = 0; len <= 300; len++) {
      const m = new Uint8Array(len)
      for (let i = 0; i < len; i++) m[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24
      expect(fastSha256d(m)).toEqual(sha256d(m))
    }
  })

  it('pair hashing and the branch fold match the reference merkle code', () => {
    const a = sha256d(hexToBytes('01'))
    const b = sha256d(hexToBytes('02'))
    expect(fastSha256dPair(a, b)).toEqual(sha256d(concatBytes(a, b)))
    const branch = Array.from({ length: 11 }, (_, i) => sha256d(Uint8Array.of(i)))
    expect(foldBranch(a, branch)).toEqual(foldMerkleBranch(a, branch))
  })
})
