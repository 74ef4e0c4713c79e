import type { NetworkName } from '@otedama/shared/chain'

/** One transaction of a block template, in template order. Hashes in internal byte order. */
export interface TemplateTx {
  /** Serialized transaction exactly as the daemon gave it (witness and MWEB flags included). */
  data: Uint8Array
  txid: Uint8Array
  wtxid: Uint8Array
  /** Fee in base units (satoshi / litoshi). */
  fee: bigint
  /** Consensus weight units. */
  weight: number
  /** Sigop cost (BIP141 units: legacy sigops count 4). */
  sigops: number
  /** 0-based indexes, into the same transaction list, of transactions this one spends from. */
  depends: number[]
}

/**
 * Work for the next block, from a coin daemon or the embedded devnet. Everything needed to build a
 * block except the coinbase: the coinbase is built per miner from the share chain.
 */
export interface BlockTemplate {
  network: NetworkName
  height: number
  /** Block version (int32). */
  version: number
  /** Previous block hash, internal order. */
  prevHash: Uint8Array
  /** Compact target of the block. */
  bits: number
  /** Block target (from bits). */
  target: bigint
  /** Unix seconds: the daemon's suggested header time, and the lowest it accepts. */
  curtime: number
  mintime: number
  /** Subsidy plus the fees of `transactions`. */
  coinbaseValue: bigint
  transactions: TemplateTx[]
  /** 32-byte witness commitment over `transactions` (segwit chains); the coinbase's last output carries it. */
  witnessCommitment?: Uint8Array
  /** Serialized MWEB block (Litecoin after activation); the block ends with 0x01 + these bytes. */
  mweb?: Uint8Array
  /** Rules active in this template as the daemon named them ('!segwit' means segwit, must understand). */
  rules: string[]
  /** Consensus block limits for this template (weight units, sigop cost). */
  weightLimit: number
  sigopLimit: number
  /** Daemon long-poll id, when the template came from a daemon that offers long polling. */
  longpollId?: string
  /** Wall-clock ms when the template was taken. */
  receivedAt: number
}

export type SubmitOutcome = { accepted: true } | { accepted: false; reason: string }

export type ProposalVerdict = { valid: true } | { valid: false; reason: string }

export interface SourceHealth {
  healthy: boolean
  /** Wall-clock ms of the last change of `healthy`. */
  since: number
  /** Why it is unhealthy (a message an operator can act on). */
  reason?: string
}

/** What a block's place on the daemon's chain looks like now. */
export type ChainPosition = { state: 'unknown' } | { state: 'orphaned' } | { state: 'in-chain'; confirmations: number }

/**
 * Where templates come from: a coin daemon or the embedded devnet. One interface so the rest of the
 * relay (Stratum jobs, announcements, block submission, committee checks) does not care which.
 */
export interface TemplateSource {
  readonly kind: 'daemon' | 'devnet'
  readonly network: NetworkName
  start: () => Promise<void>
  stop: () => Promise<void>
  /** The newest template, or undefined before the first one (or while unhealthy). */
  current: () => BlockTemplate | undefined
  /** Called with each new template: a new tip, or new transactions on the same tip. */
  onTemplate: (listener: (template: BlockTemplate, newTip: boolean) => void) => () => void
  health: () => SourceHealth
  onHealth: (listener: (health: SourceHealth) => void) => () => void
  /** Submits a serialized block. Network errors throw; a refusal is `{ accepted: false, reason }`. */
  submitBlock: (block: Uint8Array) => Promise<SubmitOutcome>
  /** Checks a full block except its PoW (getblocktemplate proposal mode on a daemon). */
  checkProposal: (block: Uint8Array) => Promise<ProposalVerdict>
  /** Hash of the source's best block, internal order. */
  bestBlockHash: () => Promise<Uint8Array>
  /** Where a block stands on the source's chain (for maturity and orphan tracking). */
  chainPosition: (blockHash: Uint8Array) => Promise<ChainPosition>
  /** The 80-byte header of a block the source knows, for the header chain and the header topic. */
  headerOf: (blockHash: Uint8Array) => Promise<Uint8Array | undefined>
}
