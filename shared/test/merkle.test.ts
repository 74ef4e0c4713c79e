import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes, equalBytes } from '../src/primitives/bytes'
import { sha256d } from '../src/primitives/hash'
import { displayHexToHash, hashToDisplayHex } from '../src/primitives/header'
import { coinbaseMerkleBranch, foldMerkleBranch, merkleRoot, witnessCommitment } from '../src/primitives/merkle'

// Bitcoin block 125552 (Bitcoin wiki "Block hashing algorithm"): merkle root and its 4 txids, display order.
const ROOT_125552 = '2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3'
const TXIDS_125552 = [
  '51d37bdd871c9e1f4d5541be67a6ab625e32028744d7d4609d0c37747b40cd2d',
  '60c25dda8d41f8d3d7d5c6249e2ea1b05a25bf7ae2ad6d904b512b31f997e1a1',
  '01f314cdd8566d3e5dbdd97de2d9fbfbfd6873e916a00d48758282cbb81a45b9',
  'b519286a1040da6ad83c783eb2872659eaf57b1bec088e614776ffe7dc8f6d01'
]
// Bitcoin block 100000: merkle root and its 4 txids.
const ROOT_100000 = 'f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766'
const TXIDS_100000 = [
  '8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87',
  'fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4',
  '6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4',
  'e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d'
]

const pair = (a: Uint8Array, b: Uint8Array) => sha256d(concatBytes(a, b))
const randomHashes = (n: number) => Array.from({ length: n }, () => new Uint8Array(randomBytes(32)))

describe('merkleRoot', () => {
  it('rebuilds the published roots of blocks 125552 and 100000 from their txids', () => {
    expect(hashToDisplayHex(merkleRoot(TXIDS_125552.map(displayHexToHash)))).toBe(ROOT_125552)
    expect(hashToDisplayHex(merkleRoot(TXIDS_100000.map(displayHexToHash)))).toBe(ROOT_100000)
  })

  it('one leaf is its own root (Bitcoin genesis); an empty list is an error', () => {
    const genesisCoinbase = displayHexToHash('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b')
    expect(equalBytes(merkleRoot([genesisCoinbase]), genesisCoinbase)).toBe(true)
    expect(() => merkleRoot([])).toThrow(RangeError)
    expect(() => merkleRoot([new Uint8Array(31)])).toThrow(RangeError)
  })

  it('duplicates the last hash of an odd level', () => {
    const [a, b, c] = randomHashes(3)
    expect(bytesToHex(merkleRoot([a, b, c]))).toBe(bytesToHex(pair(pair(a, b), pair(c, c))))
  })
})

describe('coinbase merkle branch', () => {
  it('for block 125552 is [txid1, H(txid2 || txid3)] and folds back to the root', () => {
    const txids = TXIDS_125552.map(displayHexToHash)
    const branch = coinbaseMerkleBranch(txids.slice(1))
    expect(branch.map(bytesToHex)).toEqual([bytesToHex(txids[1]), bytesToHex(pair(txids[2], txids[3]))])
    expect(hashToDisplayHex(foldMerkleBranch(txids[0], branch))).toBe(ROOT_125552)
  })

  it('folds to merkleRoot for every block size from 1 to 40 transactions', () => {
    for (let n = 1; n <= 40; n++) {
      const txids = randomHashes(n)
      const branch = coinbaseMerkleBranch(txids.slice(1))
      expect(branch.length).toBe(n === 1 ? 0 : Math.ceil(Math.log2(n)))
      expect(bytesToHex(foldMerkleBranch(txids[0], branch))).toBe(bytesToHex(merkleRoot(txids)))
    }
  })

  it('a different coinbase folds to a different root', () => {
    const txids = randomHashes(5)
    const branch = coinbaseMerkleBranch(txids.slice(1))
    expect(equalBytes(foldMerkleBranch(randomHashes(1)[0], branch), merkleRoot(txids))).toBe(false)
  })
})

describe('witnessCommitment (BIP141)', () => {
  it('is sha256d(root of [0^32, wtxids...] || reserved)', () => {
    const wtxids = randomHashes(3)
    const reserved = new Uint8Array(32)
    const root = pair(pair(new Uint8Array(32), wtxids[0]), pair(wtxids[1], wtxids[2]))
    expect(bytesToHex(witnessCommitment(wtxids))).toBe(bytesToHex(sha256d(concatBytes(root, reserved))))
    // Coinbase-only block: the witness root is 32 zero bytes.
    expect(bytesToHex(witnessCommitment([]))).toBe(bytesToHex(sha256d(new Uint8Array(64))))
    expect(() => witnessCommitment(wtxids, new Uint8Array(31))).toThrow(RangeError)
  })
})
