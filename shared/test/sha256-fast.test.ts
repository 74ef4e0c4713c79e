// The allocation-free SHA-256 (primitives/sha256-fast) against FIPS known answers and two independent
// implementations: node:crypto (OpenSSL) and @noble/hashes.
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes, hexToBytes } from '../src/primitives/bytes'
import {
  fastFoldMerkleBranch,
  fastSha256,
  fastSha256d,
  fastSha256dFromMidstate,
  fastSha256dInto,
  fastSha256dPair,
  sha256Midstate
} from '../src/primitives/sha256-fast'

const nodeSha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest())
const nodeSha256d = (b: Uint8Array): Uint8Array => nodeSha256(nodeSha256(b))
const ascii = (s: string) => new TextEncoder().encode(s)

/** Position-0 fold written out with noble: node = sha256d(node || sibling). */
function nobleFold(leaf: Uint8Array, branch: Uint8Array[]): Uint8Array {
  let node = leaf
  for (const sibling of branch) node = nobleSha256(nobleSha256(concatBytes(node, sibling)))
  return node
}

describe('fast SHA-256', () => {
  it('matches FIPS 180-2 known answers (one block, two blocks, empty)', () => {
    expect(bytesToHex(fastSha256(ascii('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    )
    expect(bytesToHex(fastSha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'
    )
    expect(bytesToHex(fastSha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    )
  })

  it('sha256d matches a real block id: Bitcoin block 125552', () => {
    const header = hexToBytes(
      '0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695'
    )
    expect(bytesToHex(fastSha256d(header).reverse())).toBe(
      '00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d'
    )
  })

  it('equals node:crypto and noble for every length 0..300, and around the scratch-buffer size', () => {
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 1000, 2038, 2039, 2040, 2048, 2100, 5000]
    for (const len of lengths) {
      const m = new Uint8Array(randomBytes(len))
      expect(bytesToHex(fastSha256(m))).toBe(bytesToHex(nodeSha256(m)))
      expect(bytesToHex(fastSha256d(m))).toBe(bytesToHex(nodeSha256d(m)))
      expect(bytesToHex(fastSha256d(m))).toBe(bytesToHex(nobleSha256(nobleSha256(m))))
    }
  })

  it('hashes views at an offset into a larger buffer', () => {
    const big = new Uint8Array(randomBytes(300))
    const view = big.subarray(7, 7 + 250)
    expect(bytesToHex(fastSha256d(view))).toBe(bytesToHex(nodeSha256d(view.slice())))
  })

  it('fastSha256dInto writes the digest at an offset and nothing else', () => {
    const m = new Uint8Array(randomBytes(111))
    const out = new Uint8Array(50).fill(0xee)
    fastSha256dInto(m, out, 9)
    expect(bytesToHex(out.subarray(9, 41))).toBe(bytesToHex(nodeSha256d(m)))
    expect(out.subarray(0, 9).every((b) => b === 0xee) && out.subarray(41).every((b) => b === 0xee)).toBe(true)
  })

  it('pair hashing and the merkle fold match node:crypto and noble', () => {
    for (let steps = 0; steps <= 12; steps++) {
      const leaf = new Uint8Array(randomBytes(32))
      const branch = Array.from({ length: steps }, () => new Uint8Array(randomBytes(32)))
      expect(bytesToHex(fastFoldMerkleBranch(leaf, branch))).toBe(bytesToHex(nobleFold(leaf, branch)))
      if (steps > 0)
        expect(bytesToHex(fastSha256dPair(leaf, branch[0]))).toBe(bytesToHex(nodeSha256d(concatBytes(leaf, branch[0]))))
    }
    expect(() => fastFoldMerkleBranch(new Uint8Array(31), [])).toThrow(RangeError)
    expect(() => fastFoldMerkleBranch(new Uint8Array(32), [new Uint8Array(33)])).toThrow(RangeError)
  })

  it('reads inputs in place from several buffers in turn, and sees their current contents', () => {
    // sha256-fast keeps DataViews of the last two buffers it read: alternate among three, at offsets.
    const buffers = [0, 1, 2].map(() => new Uint8Array(randomBytes(1000)))
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 30; i++) {
        const b = buffers[(i * 7) % 3]
        const at = (i * 37) % 300
        for (const len of [32, 64, 80, 111, 665]) {
          const m = b.subarray(at, at + len)
          expect(bytesToHex(fastSha256d(m))).toBe(bytesToHex(nodeSha256d(m.slice())))
        }
        const branch = [0, 1, 2].map((k) => b.subarray(at + 32 * k, at + 32 * k + 32))
        expect(bytesToHex(fastFoldMerkleBranch(b.subarray(500, 532), branch))).toBe(
          bytesToHex(
            nobleFold(
              b.slice(500, 532),
              branch.map((x) => x.slice())
            )
          )
        )
      }
      for (const b of buffers) b.set(randomBytes(1000)) // same buffers, new contents
    }
  })

  it('the committed unrolled compressions are the generator output (scripts/gen-sha256.mjs --check)', () => {
    expect(() =>
      execFileSync(
        process.execPath,
        [fileURLToPath(new URL('../../scripts/gen-sha256.mjs', import.meta.url)), '--check'],
        { stdio: 'pipe' }
      )
    ).not.toThrow()
  })

  it('midstate + tail equals hashing the whole message', () => {
    for (const [prefixBytes, tailBytes] of [
      [64, 16],
      [128, 0],
      [64, 55],
      [64, 56],
      [192, 300]
    ]) {
      const m = new Uint8Array(randomBytes(prefixBytes + tailBytes))
      const mid = sha256Midstate(m.subarray(0, prefixBytes))
      expect(bytesToHex(fastSha256dFromMidstate(mid, m.subarray(prefixBytes)))).toBe(bytesToHex(nodeSha256d(m)))
    }
    expect(() => sha256Midstate(new Uint8Array(80))).toThrow(RangeError)
  })
})
