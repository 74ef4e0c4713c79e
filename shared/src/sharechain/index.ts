// Public face of the share chain (docs/design.md, Work and shares; Share-chain rules). See README.md.
export * from './constants'
export { type ShareChainRules, shareChainRules, validateShareChainRules } from './rules'
export {
  type ShareInfo,
  ZERO_HASH,
  isZeroHash,
  encodeShareInfo,
  decodeShareInfo,
  networkTagOf,
  shareCommitmentScript,
  SHARE_COMMITMENT_SCRIPT_BYTES
} from './share-info'
export { type Share, type ShareFields, type CoinbaseParts, encodeShare, decodeShare } from './share-codec'
export {
  type TemplateAnnouncement,
  MAX_TEMPLATE_ANNOUNCEMENT_BYTES,
  encodeTemplateAnnouncement,
  decodeTemplateAnnouncement,
  templateId
} from './template'
export {
  type PayoutBasis,
  type PayoutWeight,
  type PayoutOutput,
  type PayoutPolicy,
  computePayouts,
  drawLotteryWinner,
  lotterySeed
} from './payouts'
export { type SerializedPayouts, serializePayouts, serializeShareCoinbase, splitForStratum } from './coinbase-bytes'
export {
  type ShareJob,
  type ShareJobInit,
  buildShareJob,
  jobCoinbase,
  jobMerkleRoot,
  jobHeader,
  jobShare,
  ownShareBits,
  shareTargetForHashrate,
  OWN_SHARES_PER_INTERVAL,
  DEFAULT_COINBASE_VERSION
} from './job'
export type { ShareNode } from './node'
export { PplnsWindow } from './window'
export { nextShareBits, requiredShareTarget, medianTimePast, ancestor } from './retarget'
export {
  ShareChain,
  ShareChainError,
  syncDepthShares,
  type ShareChainOptions,
  type AddShareResult
} from './share-chain'
export { sharePlace, type SharePlace } from './share-place'
export { OrphanPool, type OrphanShare, DEFAULT_MAX_ORPHANS } from './orphans'
export {
  HeaderChain,
  type HeaderChainInit,
  type HeaderCheckpoint,
  type HeaderEntry,
  type HeaderVerdict,
  type HeaderRejectReason,
  type HeaderIgnoreReason,
  DEFAULT_HEADER_KEEP_DEPTH
} from './header-chain'
export {
  ACCEPT,
  ignore,
  reject,
  type Verdict,
  type ShareVerdict,
  type ShareRejectReason,
  type ShareIgnoreReason
} from './verdict'
export { type ShareWorkInput, verifyShareWork, verifyShareWorkBatch, shareIdOf, checkSharePow } from './share-work'
export {
  ShareValidator,
  type ShareValidatorInit,
  type ShareMode,
  type PendingShare,
  type ShareValidation,
  DEFAULT_VERDICT_CACHE_ENTRIES,
  SYNCED_SPAN_FACTOR,
  SYNCED_SPAN_SLACK_BLOCKS
} from './validator'
export { LruCache } from './lru'
export { ShareLedger, type ShareLedgerInit, type LedgerEntry } from './ledger'
