// Rebuilds a ShareChain from a store after a restart: shares parents-first, in pages. They were
// validated when first accepted. Shares at the lowest stored height become roots (their parents were
// pruned); any other share whose parent is missing is skipped.
import { sha256d } from '../primitives/hash'
import type { ShareChain } from '../sharechain/share-chain'
import { decodeShare } from '../sharechain/share-codec'
import type { ShareStore } from './types'

/** Shares read per page. */
export const RESTORE_PAGE_SHARES = 1000

export async function restoreShareChain(
  store: ShareStore,
  chain: ShareChain
): Promise<{ added: number; skipped: number }> {
  let added = 0
  let skipped = 0
  let from = 0
  let rootHeight: number | undefined
  for (;;) {
    const page = await store.sharesFromHeight(from, RESTORE_PAGE_SHARES)
    if (page.length === 0) break
    for (const s of page) {
      const share = decodeShare(s.bytes)
      if (chain.has(chainKey(s.id))) continue
      rootHeight ??= s.height
      const asRoot = s.height === rootHeight
      const parentKnown = asRoot || share.info.shareHeight === 0 || chain.getById(share.info.prevShareId) !== undefined
      if (!parentKnown) {
        skipped++
        continue
      }
      chain.add(share, sha256d(share.header80), s.bytes, { asRoot })
      added++
    }
    const last = page[page.length - 1].height
    if (page.length < RESTORE_PAGE_SHARES) break
    from = page[0].height === last ? last + 1 : last
  }
  return { added, skipped }
}

function chainKey(id: Uint8Array): string {
  let s = ''
  for (const b of id) s += b.toString(16).padStart(2, '0')
  return s
}
