// Public face of the P2P protocol shared by relays and browsers: names, limits, codecs, scoring policy,
// the gossip router and the sync/template request-response services over libp2p frame streams.
export * from './protocol'
export * from './limits'
export * from './verdict'
export type * from './node'
export * from './message-id'
export * from './score-params'
export * from './sync-codec'
export * from './batch-codec'
export { Batcher, type BatcherOptions } from './batcher'
export { PeerRateLimiter } from './rate-limiter'
export * from './flood-guard'
export { FairValidationQueue, VALIDATION_QUEUE_PER_PEER, VALIDATION_SLICE_MS } from './fair-queue'
export { frameStream, FrameError, FRAME_PREFIX_BYTES, type FrameStream } from './frame-stream'
export * from './gossip-options'
export * from './gossip-router'
export * from './sync-service'
export * from './share-push'
export {
  ParentFetcher,
  MAX_PARENT_FETCHES_IN_FLIGHT,
  DEFAULT_BRANCH_DEPTH,
  type AncestorPage,
  type BranchResult,
  type ParentFetcherDeps
} from './parent-fetcher'
