import { bytesToHex } from '@otedama/shared/primitives'
import { powHash, type PowAlgorithm } from '@otedama/shared/primitives'
import { bitsToTarget, meetsTarget } from '@otedama/shared/primitives'
import { serializeShareCoinbase } from '@otedama/shared/sharechain'
import type { ShareChain } from '@otedama/shared/sharechain'
import type { Share } from '@otedama/shared/sharechain'
import type { TemplateBook } from './template-book'
import type { FoundBlock } from '../block/submitter'

/** True when the share's header also meets the block target its header names. */
export function meetsBlockTarget(share: Share, pow: PowAlgorithm): boolean {
  return meetsTarget(powHash(pow, share.header80), bitsToTarget(share.header.bits))
}

/**
 * The coinbase of an accepted share, rebuilt from the share chain exactly as validation did: payouts
 * of the window ending at its parent, the share commitment, the witness commitment.
 */
export function shareCoinbase(chain: ShareChain, share: Share): Uint8Array {
  const parent = chain.parentOf(share)
  const payouts = chain.payouts(parent, share.info.coinbaseValue, share.info.payoutScript)
  return serializeShareCoinbase({
    version: share.coinbase.version,
    scriptSig: share.coinbase.scriptSig,
    payouts,
    networkTag: share.networkTag,
    shareInfoBytes: share.infoBytes,
    witnessCommitment: share.coinbase.witnessCommitment,
    locktime: share.coinbase.locktime
  })
}

/**
 * A block from a share that meets the block target, when this relay holds its template (its own, or
 * one it cross-checked); undefined when it does not (another relay will submit it).
 */
export async function foundBlockFromShare(
  share: Share,
  shareId: Uint8Array,
  chain: ShareChain,
  book: TemplateBook
): Promise<FoundBlock | undefined> {
  const templateIdHex = bytesToHex(share.info.templateId)
  const template = await book.template(templateIdHex)
  if (template === undefined) return undefined
  return {
    template,
    header80: share.header80,
    coinbaseLegacy: shareCoinbase(chain, share),
    shareId,
    templateId: share.info.templateId
  }
}
