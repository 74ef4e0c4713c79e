import { getChainParams } from '@otedama/shared/chain'
import type { ChainParams } from '@otedama/shared/chain'
import { EXTRANONCE_BYTES } from '@otedama/shared/sharechain'
import { buildShareJob, jobCoinbase, jobHeader, jobShare, type ShareJob } from '@otedama/shared/sharechain'
import { powHash } from '@otedama/shared/primitives'
import { meetsTarget } from '@otedama/shared/primitives'
import { findDevnetGenesisNonce } from '../../src/devnet'
import type { SharePool } from '../../src/work/pool'
import type { BookEntry } from '../../src/work/template-book'

/** Most nonces tried for one share (the devnet share target passes ~1 in 256). */
const MAX_SHARE_NONCES = 1_000_000

/**
 * devnet with regtest-easy blocks (bits 0x207fffff: half of all hashes pass) for fast tests; the
 * compiled-in devnet needs ~2^24 hashes for early blocks. The share retarget steps at most 10 % a
 * share (devnet: x4): tests grind tens of shares a second in-process with the reference hash, and
 * the real retarget would (rightly) make each share 4 times harder until one takes seconds.
 * Everything else is the real devnet (its own network id, as any test network).
 */
export function easyDevnetParams(): { params: ChainParams; genesisNonce: number } {
  const real = getChainParams('devnet')
  const params: ChainParams = {
    ...real,
    powLimit: (1n << 255n) - 1n,
    shareChain: { ...real.shareChain, maxRetargetStepPercent: 10 },
    devnetGenesis: { ...(real.devnetGenesis as NonNullable<ChainParams['devnetGenesis']>), bits: 0x207fffff }
  }
  return { params, genesisNonce: findDevnetGenesisNonce(params, 0, 1000) as number }
}

export interface MinedShare {
  job: ShareJob
  bytes: Uint8Array
  header80: Uint8Array
  coinbaseLegacy: Uint8Array
}

/**
 * Mines one share on `entry` for `payoutScript` with the share chain's job builder (extranonce varies per
 * call); `scriptSigTag` binds it to a relay key (@otedama/shared src/quorum/binding.ts), as the relay's Stratum jobs do.
 */
export function mineShare(
  pool: SharePool,
  entry: BookEntry,
  payoutScript: Uint8Array,
  extranonceSeed: number,
  scriptSigTag?: Uint8Array
): MinedShare {
  const job = buildShareJob({
    chain: pool.chain,
    template: entry.announcement,
    templateId: entry.id,
    payoutScript,
    now: Math.floor(Date.now() / 1000),
    ...(scriptSigTag !== undefined ? { scriptSigTag } : {})
  })
  const extranonce = new Uint8Array(EXTRANONCE_BYTES)
  new DataView(extranonce.buffer).setUint32(0, extranonceSeed, true)
  const target = job.shareTarget
  for (let nonce = 0; nonce < MAX_SHARE_NONCES; nonce++) {
    const header80 = jobHeader(job, extranonce, nonce)
    if (!meetsTarget(powHash(pool.rules.pow, header80), target)) continue
    return {
      job,
      header80,
      bytes: jobShare(job, pool.rules.networkTag, extranonce, header80),
      coinbaseLegacy: jobCoinbase(job, extranonce)
    }
  }
  throw new Error('no share found')
}
