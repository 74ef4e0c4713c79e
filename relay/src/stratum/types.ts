// What the Stratum server needs from the rest of the relay, as interfaces (tests pass their own):
// work to hand out (JobSource), and where shares and blocks go (ShareSink, BlockSink).

/**
 * The coinbase of one job split around the 8 extranonce bytes (docs/design.md, Work and shares):
 * coinbase (non-witness serialization) = coinb1 || extranonce1 (4) || extranonce2 (4) || coinb2.
 */
export interface CoinbaseParts {
  coinb1: Uint8Array
  coinb2: Uint8Array
  /** Opaque to Stratum (e.g. the ShareInfo the builder committed to); handed back with a found share. */
  context?: unknown
  /** The share target this coinbase commits to (the rig's own, at most work.shareTarget); default work.shareTarget. */
  shareTarget?: bigint
}

/**
 * One unit of work: a block template as seen by a miner plus the share-chain parent it builds on.
 * Hashes in internal byte order. Immutable once announced.
 */
export interface StratumWork {
  /** Stable id for logs and metrics (e.g. template id + share parent). */
  readonly id: string
  readonly height: number
  readonly version: number
  readonly prevHash: Uint8Array
  /** Block compact target; blockTarget is its expansion. */
  readonly bits: number
  readonly blockTarget: bigint
  /** The share chain's required target at shareParent: a rig's own share target is this or harder. */
  readonly shareTarget: bigint
  /** Share-chain tip this work builds on (null for the first share of a chain). */
  readonly shareParent: Uint8Array | null
  /** Header time suggested by the template (s); jobs use max(this, now). */
  readonly time: number
  /** Earliest header time the chain accepts (s). */
  readonly minTime: number
  /** Merkle branch of the coinbase slot (internal order). */
  readonly merkleBranch: readonly Uint8Array[]
  /**
   * Builds coinb1/coinb2 paying `payoutScript` as the share's own payout, committing to the harder of
   * the required and `ownShareTarget` (called once per job, script and own target).
   */
  buildCoinbase: (payoutScript: Uint8Array, ownShareTarget?: bigint) => CoinbaseParts
}

/** Where work comes from: the relay composes it from its template source and share chain. */
export interface JobSource {
  /** The newest work, or undefined while there is none (rigs then wait for their first notify). */
  current: () => StratumWork | undefined
  /**
   * Called with each new work. The server compares it with the previous one: another prevHash is a
   * new block (clean_jobs), another shareParent is a new share-chain tip, otherwise a refresh.
   * Returns an unsubscribe function.
   */
  onWork: (listener: (work: StratumWork) => void) => () => void
}

/** A header that met the share target (and maybe the block target), with everything to rebuild it. */
export interface FoundShare {
  work: StratumWork
  coinbase: CoinbaseParts
  /** Full extranonce as it sits in the coinbase: extranonce1 || extranonce2 (8 bytes). */
  extranonce: Uint8Array
  /** The full coinbase transaction (non-witness serialization). */
  coinbaseTx: Uint8Array
  header: Uint8Array
  /** PoW hash of the header (internal order); for sha256d chains also the share id. */
  powHash: Uint8Array
  /** The payout script the coinbase names (the rig's, or the operator's for fee jobs). */
  payoutScript: Uint8Array
  /** True when the job was the operator-fee job. */
  operatorFee: boolean
  /** True when built on a share-chain tip that was already replaced (accepted within the grace). */
  staleTip: boolean
  /** Who found it (for logs and the rigs list). */
  rig: { address: string; worker: string; remoteAddress: string }
}

/** The share chain takes shares here; a verdict-like answer or nothing; errors are logged, not thrown to the rig. */
export interface ShareSink {
  submitShare: (share: FoundShare) => unknown
}

/** Blocks go here at once (the relay assembles and submits them). */
export interface BlockSink {
  submitBlock: (block: FoundShare) => unknown
}
