// Stratum v1 for ASIC rigs on the relay: the public face. See README.md in this folder.
export { StratumServer, type StratumServerInit } from './server'
export {
  createStratumParams,
  defaultStratumParams,
  validateStratumParams,
  StratumConfigError,
  type StratumParams,
  type StratumChain
} from './params'
export type { JobSource, StratumWork, CoinbaseParts, ShareSink, BlockSink, FoundShare } from './types'
export type { BanStore, BanRecord } from './ban-list'
export type { StratumMetrics, StratumCounters, RigInfo, RigRecord } from './metrics'
export { RigLedger } from './metrics'
export type { RejectReason } from './submit'
export { stratumPrevHash } from './jobs'
export * as stratumLimits from './constants'
export {
  ShareChainJobSource,
  ShareChainSink,
  shareChainWork,
  encodeFoundShare,
  type StratumTemplate,
  type ShareChainWork,
  type ShareChainSinkInit
} from './share-chain-source'
