import type { TrustLevel } from '@otedama/shared/quorum'
import type { BlockStatus, FoundBlockRecord } from '../store/records'
import type { RigRecord } from '../stratum/metrics'

/** What /api/v1/status answers. Amounts are decimal strings (bigint), hashes display hex. */
export interface StatusView {
  poolName: string
  network: string
  /** True for networks whose coins have no value (devnet, testnets, regtests). */
  isTestNetwork: boolean
  uptimeSeconds: number
  /**
   * `height` and `prevHash` are the source's tip (its best block); `templateHeight` is the height of
   * the block being mined on it (tip + 1), with its `coinbaseValue`.
   */
  source: {
    kind: 'daemon' | 'devnet'
    healthy: boolean
    reason?: string
    height?: number
    prevHash?: string
    templateHeight?: number
    coinbaseValue?: string
  }
  shareChain: {
    height?: number
    tip?: string
    shares: number
    windowShares: number
    shareTarget?: string
    poolHashrate: number
  }
  poolFee: number
  peers: number
  rigs: number
  /** Our libp2p peer id and listen addresses (with /p2p/<id>), when the network runs; browsers dial the /ws ones. */
  peerId?: string
  multiaddrs?: string[]
  /** Weighted relays known by peer id (ourselves included when our rigs did work in the window). */
  relays?: number
  /** How this relay decides what it believes now, and the words for it (no subject: the roster alone). */
  trust?: TrustLevel
  trustWords?: string
}

/** One attestation as a tally counts it. */
export interface AttestationView {
  /** Attester's libp2p peer id. */
  attester: string
  /** Its relay key (hex): what its shares bind to. */
  relayKey: string
  claim: string
  /** Unix seconds. */
  time: number
  /** The attester's work in our share chain's window (expected hashes, decimal): its vote's weight. */
  weightHashes: string
  /** Our local reputation of it (0: proved wrong here, its vote is not believed). */
  reputation: number
  /** On the subject's committee (only members count). */
  member: boolean
}

/** A committee member: a relay key with work in the window, drawn for this subject. */
export interface CommitteeMemberView {
  relayKey: string
  /** Its peer id, when we know it (it announced or attested). */
  peerId?: string
  /** Its work in our share chain's window (expected hashes, decimal). */
  weightHashes: string
}

/**
 * A subject's quorum (@otedama/shared src/sharechain/README.md, Quorums): confirmed when members agreeing hold
 * more than 2/3 of the committee's work and are at least `minAttesters` distinct weighted relays.
 */
export interface QuorumStatusView {
  /** Drawn by weight with a seed the publisher cannot choose, first drawn first. */
  committee: CommitteeMemberView[]
  /** Distinct agreeing weighted relays a confirmation needs. */
  minAttesters: number
  /** Relay keys with work in our window now (fewer than minAttesters: no quorum can exist). */
  weightedRelays: number
  attestations: AttestationView[]
  /** The committee's work (expected hashes, decimal), and the work agreeing per claim. */
  totalWeightHashes: string
  weightByClaimHashes: Record<string, string>
  /** Distinct believed members agreeing per claim. */
  attestersByClaim: Record<string, number>
  /** True only when the quorum confirmed (never by one relay's word). */
  confirmed: boolean
  /** What we believe: the quorum's claim, or under 'relay-alone' our own word. */
  claim?: string
  /** 'quorum' | 'relay-alone' (no quorum can exist: we trust ourselves alone) | 'waiting'. */
  trust: TrustLevel
  /** The same sentence a browser on us shows. */
  trustWords: string
}

/** GET /api/v1/templates/current: our current template's announcement and its quorum. */
export interface TemplateView {
  templateId: string
  height: number
  prevHash: string
  version: number
  bits: string
  curtime: number
  coinbaseValue: string
  /** Publisher's peer id (ours). */
  publisher?: string
  /** encodeSignedTemplate bytes, hex. */
  signedTemplate?: string
  quorum: QuorumStatusView
}

/** GET /api/v1/template: what a joining browser needs to mine at once (checked by it as gossip). */
export interface WorkView {
  signedTemplate: string
  /** encodeAttestation of each committee member's latest attestation of it, hex. */
  attestations: string[]
  /** 80-byte header of the template's prev block, hex. */
  prevHeader?: string
}

/**
 * A found block with the quorum's view of it. For blocks in the best chain `confirmations` is live
 * (from the tip now); `maturesAtHeight` is the tip height at which its coinbase becomes spendable.
 */
export type BlockView = FoundBlockRecord & { quorum?: QuorumStatusView; maturesAtHeight: number }

export interface ShareView {
  id: string
  height: number
  timestamp: number
  payoutScript: string
  payoutAddress?: string
  /** Share target as compact bits (hex). */
  bits: string
  blockHeight: number
  /** Ids of the uncles this share names (credited at the uncle penalty in every window that holds it). */
  uncles: string[]
}

/**
 * Where one stored share stands (@otedama/shared/sharechain: share-place.ts): on the best chain, credited as
 * an uncle by `nephew`, on an uncredited side branch, or deeper below the tip than the relay walks.
 */
export interface SharePlaceView {
  id: string
  height: number
  place: 'main' | 'uncle' | 'side' | 'too-deep'
  nephew?: string
  tipHeight: number
}

/** A refusal of a share this relay does not hold (relay/src/work/pool.ts ShareRefusal), newest last. */
export interface ShareRefusalView {
  at: string
  origin: string
  mode: string
  kind: 'reject' | 'ignore'
  reason: string
  detail?: string
}

export interface ShareChainView {
  tip?: string
  height?: number
  shares: ShareView[]
  /** Payees of the window at the tip with their share of its work, in parts per million. */
  window: Array<{ payoutScript: string; payoutAddress?: string; weightPpm: number }>
}

export interface PayoutsView {
  address: string
  payoutScript: string
  /** Shares of this address in the current window. */
  sharesInWindow: number
  /** Parts per million of the window's work. */
  weightPpm: number
  /** What the next block found by someone else would pay it, base units (decimal string). */
  expectedNextBlock: string
  /** Confirmations a coinbase needs before it can be spent (the chain's coinbase maturity). */
  coinbaseMaturity: number
  /** Paid by blocks in the best chain: spendable (`confirmed`) and not yet (`accepted`), base units (decimal strings). */
  matureAmount: string
  immatureAmount: string
  /** Blocks in the best chain (`accepted` or `confirmed`) that paid it, highest first; no other block pays anyone. */
  blocks: Array<{
    hash: string
    height: number
    status: BlockStatus
    amount: string
    confirmations?: number
    maturesAtHeight: number
  }>
}

/** A Stratum rig as the API shows it: one per address and worker, across reconnects (units in the names). */
export type RigView = RigRecord

/** The 1-second metrics every stream client gets, and /metrics exports. */
export interface MetricsSnapshot {
  /** Wall-clock ms. */
  t: number
  blockHeight?: number
  shareHeight?: number
  sharesAccepted: number
  sharesRejected: number
  /** Shares not taken since start, by "<origin> <reject|ignore>:<reason>" (origin: stratum, network, local). */
  sharesRefused?: Record<string, number>
  poolHashrate: number
  rigs: number
  rigHashrate: number
  peers: number
  sourceHealthy: boolean
  templateAgeSeconds?: number
  /** Distinct blocks found since start (each block once, whichever path found it). */
  blocksFound: number
  /** The block pipeline (absent in tests that run without it). */
  blocks?: {
    /** Blocks handed in since start, second hand-ins of the same block included. */
    candidates: number
    submitCalls: number
    submitRetries: number
    /** Recorded stale without a call: the parent was no longer the tip. */
    staleUnsent: number
    queued: number
    daemonCallsInFlight: number
    /** Records in each status (all time). */
    byStatus: Record<BlockStatus, number>
  }
  /** Stratum figures since start (absent without the Stratum server). */
  stratum?: {
    connections: number
    authorized: number
    acceptedPseudoShares: number
    rejectedPseudoShares: Record<string, number>
    /** Accepted on a job of the previous share-chain tip within the grace. */
    acceptedOnStaleTip: number
    sharesFound: number
    staleShares: number
    blockCandidates: number
    connectionsAccepted: number
    connectionsRefused: Record<string, number>
    connectionsDropped: Record<string, number>
    bans: number
    sinkErrors: number
  }
  /** Subjects the quorum follower tallies now, confirmed or not (absent without the network). */
  quorum?: {
    templatesConfirmed: number
    templatesUnconfirmed: number
    blocksConfirmed: number
    blocksUnconfirmed: number
    relays: number
  }
}

/** Everything the HTTP face reads; the relay composes it from its parts (app/read-model.ts). */
export interface ApiContext {
  status: () => StatusView
  shareChain: (limit: number) => ShareChainView
  /** Where the share with this id (display hex) stands; undefined when the relay holds no such share (never seen, or pruned). */
  share: (id: string) => SharePlaceView | undefined
  /** Why the relay refused a share lately (an unknown share's 404 lists them). */
  shareRefusals?: (id: string) => ShareRefusalView[]
  /** Throws AddressError for an address of another network or a typo. */
  payouts: (address: string) => Promise<PayoutsView>
  blocks: (limit: number) => Promise<BlockView[]>
  rigs: () => RigView[]
  metrics: () => MetricsSnapshot
  /** Our current template with its quorum; undefined when there is none. */
  currentTemplate: () => TemplateView | undefined
  /** Any template this relay follows (ours or another relay's), by template id hex. */
  template: (templateIdHex: string) => TemplateView | undefined
  /** The current work for a joining browser; undefined when there is none. */
  work: () => Promise<WorkView | undefined>
}

/** One Prometheus series. */
export interface PrometheusSample {
  name: string
  help: string
  type: 'gauge' | 'counter'
  value: number | undefined
  labels?: Record<string, string>
}
