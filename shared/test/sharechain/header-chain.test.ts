// Header chain: link + PoW per bits from a checkpoint, with real Bitcoin headers as known answers.
import { describe, expect, it } from 'vitest'
import { sha256d } from '../../src/primitives/hash'
import { displayHexToHash, encodeHeader } from '../../src/primitives/header'
import { bitsToTarget, meetsTarget } from '../../src/primitives/target'
import { HeaderChain } from '../../src/sharechain'
import { START_TIME, fakeHash, mineHeader, testHeaderChain } from './fixtures'

const BITCOIN_POW_LIMIT = (1n << 224n) - 1n
const GENESIS = displayHexToHash('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f')
/** Bitcoin mainnet blocks 1 and 2 (display-order hashes as every explorer shows them). */
const BLOCK1 = {
  version: 1,
  prevHash: GENESIS,
  merkleRoot: displayHexToHash('0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098'),
  time: 1231469665,
  bits: 0x1d00ffff,
  nonce: 2573394689
}
const BLOCK1_HASH = '00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048'
const BLOCK2 = {
  version: 1,
  prevHash: displayHexToHash(BLOCK1_HASH),
  merkleRoot: displayHexToHash('9b0fc92260312ce44e74ef369f5c66bbb85848f2eddd5a7a1cde251e54ccfdd5'),
  time: 1231469744,
  bits: 0x1d00ffff,
  nonce: 1639830024
}

describe('header chain', () => {
  it('accepts real Bitcoin blocks 1 and 2 from the genesis checkpoint', () => {
    const chain = new HeaderChain({
      pow: 'sha256d',
      powLimit: BITCOIN_POW_LIMIT,
      checkpoint: { hash: GENESIS, height: 0 }
    })
    expect(chain.add(encodeHeader(BLOCK1))).toEqual({ kind: 'accept' })
    expect(chain.add(encodeHeader(BLOCK2))).toEqual({ kind: 'accept' })
    expect(chain.tip.height).toBe(2)
    expect(chain.depthOf(displayHexToHash(BLOCK1_HASH))).toBe(1)
    expect(chain.depthOf(GENESIS)).toBe(2)
  })

  it('rejects a header below its bits (pow)', () => {
    const chain = new HeaderChain({
      pow: 'sha256d',
      powLimit: BITCOIN_POW_LIMIT,
      checkpoint: { hash: GENESIS, height: 0 }
    })
    expect(chain.add(encodeHeader({ ...BLOCK1, nonce: BLOCK1.nonce + 1 }))).toMatchObject({
      kind: 'reject',
      reason: 'pow'
    })
    expect(chain.add(encodeHeader({ ...BLOCK1, bits: 0x1c00ffff }))).toMatchObject({ kind: 'reject', reason: 'pow' })
  })

  it('rejects bits easier than the pow limit', () => {
    const chain = new HeaderChain({
      pow: 'sha256d',
      powLimit: BITCOIN_POW_LIMIT,
      checkpoint: { hash: GENESIS, height: 0 }
    })
    expect(chain.add(encodeHeader({ ...BLOCK1, bits: 0x207fffff }))).toMatchObject({ kind: 'reject', reason: 'bits' })
  })

  it('ignores a header that does not link (unknown-prev) and asks for the previous one', () => {
    const chain = new HeaderChain({
      pow: 'sha256d',
      powLimit: BITCOIN_POW_LIMIT,
      checkpoint: { hash: GENESIS, height: 0 }
    })
    const v = chain.add(encodeHeader(BLOCK2))
    expect(v).toMatchObject({ kind: 'ignore', reason: 'unknown-prev' })
    expect(v.kind === 'ignore' && v.fetch).toEqual(BLOCK2.prevHash)
  })

  it('follows the most-work branch and reports depth only on it', () => {
    const chain = testHeaderChain()
    const cp = chain.tip.hash
    const a1 = mineHeader(cp, START_TIME, 1)
    const b1 = mineHeader(cp, START_TIME, 2)
    chain.add(a1)
    chain.add(b1)
    expect(chain.tip.hash).toEqual(sha256d(a1)) // tie: first seen
    const b2 = mineHeader(sha256d(b1), START_TIME, 3)
    chain.add(b2)
    expect(chain.tip.hash).toEqual(sha256d(b2))
    expect(chain.depthOf(sha256d(a1))).toBeUndefined()
    expect(chain.depthOf(sha256d(b1))).toBe(1)
  })

  it('keeps memory bounded', () => {
    const chain = new HeaderChain({
      pow: 'sha256d',
      powLimit: (1n << 255n) - 1n,
      checkpoint: { hash: fakeHash('cp'), height: 0 },
      keepDepth: 10
    })
    let prev = chain.tip.hash
    for (let i = 0; i < 40; i++) {
      const h = mineHeader(prev, START_TIME + i, i)
      expect(meetsTarget(sha256d(h), bitsToTarget(0x207fffff))).toBe(true)
      chain.add(h)
      prev = sha256d(h)
    }
    expect(chain.tip.height).toBe(40)
    expect(chain.size).toBeLessThanOrEqual(12)
  })
})
