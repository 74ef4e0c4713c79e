import { describe, expect, it } from 'vitest'
import { getChainParams } from '../../../shared/src/chain'
import { DEVNET_GENESIS_NONCE, findDevnetGenesisNonce } from '../../src/devnet/genesis'

/** Scanning ~18.9 M nonces at ~0.2 MH/s (JS sha256d on this loaded 2-core machine) takes ~95 s; allow 10 min. */
const GRIND_TIMEOUT_MS = 10 * 60_000

describe('devnet genesis nonce', () => {
  it('is the lowest nonce from 0 whose sha256d meets the genesis bits', () => {
    expect(findDevnetGenesisNonce(getChainParams('devnet'), 0, DEVNET_GENESIS_NONCE)).toBe(DEVNET_GENESIS_NONCE)
  }, GRIND_TIMEOUT_MS)
})
