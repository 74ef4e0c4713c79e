import type { FoundBlockRecord } from '../store/records'

/** What /api/v1/status answers. Amounts are decimal strings (bigint), hashes display hex. */
export interface StatusView {
  poolName: string
  network: string
  /** True for networks whose coins have no value (devnet, testnets, regtests). */
  isTestNetwork: boolean
  uptimeSeconds: number
  source: { kind: 'daemon' | 'devnet', healthy: boolean, reason?: string, height?: number, prevHash?: string, coinbaseValue?: string }
  shareChain: { height?: number, tip?: string, shares: number, windowShares: number, shareTarget?: string, poolHashrate: number }
  poolFee: number
  peers: number
  rigs: number
  /** Our libp2p peer id and listen addresses (with /p2p/<id>), when the network runs; browsers dial the /ws ones. */
  peerId?: string
  multiaddrs?: string[]
  /** Relays known as committee candidates (ourselves included). */
  relays?: number
}

/** One attestation as a tally counts it. */
export interface AttestationView {
  /** Attester's libp2p peer id. */
  attester: string
  claim: string
  /** Unix seconds. */
  time: number
  /** Attester's local reputation weight. */
  weight: number
  /** On the subject's committee (only members count). */
  member: boolean
}

/** A subject's quorum (DESIGN.md, Validation in quorums): confirmed at > 2/3 of the committee's weight. */
export interface QuorumStatusView {
  /** Peer ids of the committee, closest first. */
  committee: string[]
  /** Agreeing members a confirmation needs at least. */
  minAttesters: number
  attestations: AttestationView[]
  totalWeight: number
  weightByClaim: Record<string, number>
  confirmed: boolean
  /** The confirmed claim ('valid'/'invalid' for templates; 'accepted'/'orphaned'/'confirmed' for blocks). */
  claim?: string
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

/** A found block with the quorum's view of it. */
export type BlockView = FoundBlockRecord & { quorum?: QuorumStatusView }

export interface ShareView {
  id: string
  height: number
  timestamp: number
  payoutScript: string
  payoutAddress?: string
  /** Share target as compact bits (hex). */
  bits: string
  blockHeight: number
}

export interface ShareChainView {
  tip?: string
  height?: number
  shares: ShareView[]
  /** Payees of the window at the tip with their share of its work, in parts per million. */
  window: Array<{ payoutScript: string, payoutAddress?: string, weightPpm: number }>
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
  /** Blocks found that paid it, newest first. */
  blocks: Array<{ hash: string, height: number, status: string, amount: string }>
}

/** A Stratum rig as the API shows it (Stratum's RigSource provides these). */
export interface RigView {
  worker: string
  address: string
  /** Hashes per second, estimated from accepted pseudo-shares. */
  hashrate: number
  difficulty: number
  accepted: number
  rejected: number
  connectedAt: number
  lastShareAt?: number
}

/** The 1-second metrics every stream client gets, and /metrics exports. */
export interface MetricsSnapshot {
  /** Wall-clock ms. */
  t: number
  blockHeight?: number
  shareHeight?: number
  sharesAccepted: number
  sharesRejected: number
  poolHashrate: number
  rigs: number
  rigHashrate: number
  peers: number
  sourceHealthy: boolean
  templateAgeSeconds?: number
  blocksFound: number
  /** Subjects the quorum follower tallies now, confirmed or not (absent without the network). */
  quorum?: { templatesConfirmed: number, templatesUnconfirmed: number, blocksConfirmed: number, blocksUnconfirmed: number, relays: number }
}

/** Everything the HTTP face reads; the relay composes it from its parts (main.ts). */
export interface ApiContext {
  status: () => StatusView
  shareChain: (limit: number) => ShareChainView
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
