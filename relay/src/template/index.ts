// Block templates: one interface (TemplateSource), a coin-daemon implementation, strict parsing, coinbase room.
export type {
  BlockTemplate,
  TemplateTx,
  TemplateSource,
  SourceHealth,
  SubmitOutcome,
  ProposalVerdict,
  ChainPosition
} from './types'
export {
  DaemonTemplateSource,
  type DaemonSourceInit,
  TIP_POLL_INTERVAL_MS,
  LONGPOLL_TIMEOUT_MS,
  RETRY_MIN_MS,
  RETRY_MAX_MS
} from './daemon-source'
export {
  parseBlockTemplate,
  TemplateFormatError,
  MAX_TEMPLATE_TXS,
  MAX_TEMPLATE_TX_BYTES,
  MAX_MWEB_BYTES
} from './parse-gbt'
export { SUPPORTED_RULES, UnsupportedRuleError } from './rules'
export { coinbaseBudget, fitCoinbase, type CoinbaseBudget, type FitResult } from './coinbase-room'
