// Every tunable of a simulated run, with units. Defaults are the simulator's model of the network
// (sim/README.md says where each number comes from); `createSimConfig` fills a partial and validates.
import { RELAY_MAX_RESERVATIONS, RELAY_MESH_DEGREE } from '../../relay/src/p2p/config'

/** gossipsub's defaults (@libp2p/gossipsub constants.js), which browsers keep (web/src/p2p/browser-node.ts). */
export const GOSSIPSUB_D = 6
export const GOSSIPSUB_D_LO = 4
export const GOSSIPSUB_D_HI = 12
/** Non-mesh peers each heartbeat's IHAVE goes to, and the heartbeats a message id is advertised for. */
export const GOSSIPSUB_D_LAZY = 6
export const GOSSIPSUB_HISTORY_GOSSIP_HEARTBEATS = 3
/** Messages this large or larger make a receiver send IDONTWANT to its mesh (gossipsub 1.2 default, bytes). */
export const GOSSIPSUB_IDONTWANT_MIN_BYTES = 512
/** gossipsub heartbeat, seconds. */
export const GOSSIPSUB_HEARTBEAT_SECONDS = 1
/** Relays graft D peers themselves and keep every peer that grafts them (relay/src/p2p/config.ts). */
export const RELAY_MESH_D = RELAY_MESH_DEGREE
/** Browsers a relay can hold reservations for: sizes how many relays N peers need. */
export const BROWSERS_PER_RELAY = Math.floor(RELAY_MAX_RESERVATIONS / 2)
/** A browser keeps links to two relays when it knows two (docs/design.md, Failover). */
export const RELAYS_PER_BROWSER = 2
/** Fewest relays: a template quorum needs at least 3 weighted relays (quorum/constants.ts MIN_COMMITTEE_SIZE). */
export const MIN_RELAYS = 4

/** Bytes a gossipsub RPC adds around one published message (protobuf frame, topic, message id): measured order, not exact. */
export const RPC_OVERHEAD_BYTES = 60
/** Bytes of one IHAVE or IDONTWANT entry (a 32-byte message id plus protobuf framing). */
export const IHAVE_ENTRY_BYTES = 34
/** Typical attestation: 47 fixed bytes, Ed25519 public key in libp2p protobuf (36) and signature (64), with lengths. */
export const ATTESTATION_BYTES = 47 + 1 + 36 + 1 + 64
/** Request/response overhead for a parent fetch on the sync protocol (stream open, request, framing). */
export const SYNC_REQUEST_BYTES = 120

export type PeerKind = 'relay' | 'browser'
export type LinkClass = 'browser-relay' | 'browser-browser' | 'relay-relay'

export interface LinkModel {
  /** Median one-way delay, seconds. */
  medianDelaySeconds: number
  /** Sigma of the log-normal around the median (per link, drawn once when the link opens). */
  delaySigma: number
  /** Probability that one packet is lost; a lost packet costs a retransmission timeout (streams are reliable). */
  packetLoss: number
}

export interface SimConfig {
  peers: number
  /** Simulated mining time, seconds; the run then goes quiet until every message has arrived. */
  durationSeconds: number
  seed: number
  /** Share-chain constants under test (overrides of devnet's). */
  shareIntervalSeconds: number
  windowShares: number
  maxUncleDepth: number
  links: Record<LinkClass, LinkModel>
  /** Added to every link's packet loss (the loss knob of a run). */
  extraPacketLoss: number
  /** Retransmission timeout, seconds (Linux TCP's minimum RTO 200 ms; SCTP's is larger). */
  retransmitSeconds: number
  /** Uplink bandwidth, bytes per second: one message goes out after the one before (fan-out costs time). */
  uplinkBytesPerSecond: Record<PeerKind, number>
  /** Time to validate one share, seconds (bench/sharechain.bench.ts order: tens of µs in Node; a tab is slower). */
  validationSeconds: Record<PeerKind, number>
  /** Mean browser session, seconds; a leaving browser is replaced by a joiner that syncs from a relay. 0: no churn. */
  meanSessionSeconds: number
  /** Share of miners that are rigs (behind relays, over Stratum); the rest are browser tabs. */
  rigFraction: number
  /** Browser tab hashrate, log-uniform in [min, max] H/s (sha256d). */
  browserHashrate: { min: number; max: number }
  /** Rig hashrate: Pareto with this minimum (H/s) and tail index, capped. */
  rigHashrate: { min: number; alpha: number; max: number }
  /** Hashes a share takes at the pool's hashrate after scaling (the simulator grinds real PoW at this difficulty). */
  scaledHashesPerShare: number
  /** A new template (block) every this many seconds (default Litecoin's 150 s); each is confirmed by a committee's attestations. */
  templateIntervalSeconds: number
  /** A committee member's daemon check of a template (proposal mode), log-normal median seconds and sigma. */
  templateCheck: { medianSeconds: number; sigma: number }
}

export const DEFAULT_LINKS: Record<LinkClass, LinkModel> = {
  'browser-relay': { medianDelaySeconds: 0.04, delaySigma: 0.5, packetLoss: 0.005 },
  'browser-browser': { medianDelaySeconds: 0.06, delaySigma: 0.6, packetLoss: 0.01 },
  'relay-relay': { medianDelaySeconds: 0.02, delaySigma: 0.4, packetLoss: 0.001 }
}

export function defaultSimConfig(): SimConfig {
  return {
    peers: 100,
    durationSeconds: 3600,
    seed: 1,
    shareIntervalSeconds: 10,
    windowShares: 2160,
    maxUncleDepth: 3,
    links: DEFAULT_LINKS,
    extraPacketLoss: 0,
    retransmitSeconds: 0.2,
    uplinkBytesPerSecond: { relay: 12_500_000, browser: 1_250_000 },
    validationSeconds: { relay: 0.00005, browser: 0.0002 },
    meanSessionSeconds: 3600,
    rigFraction: 0.02,
    browserHashrate: { min: 1e6, max: 10e6 },
    rigHashrate: { min: 1e12, alpha: 1.2, max: 100e12 },
    scaledHashesPerShare: 1024,
    templateIntervalSeconds: 150,
    templateCheck: { medianSeconds: 0.3, sigma: 0.5 }
  }
}

export function createSimConfig(partial: Partial<SimConfig> = {}): SimConfig {
  const c = { ...defaultSimConfig(), ...partial }
  const problems: string[] = []
  if (!Number.isInteger(c.peers) || c.peers < MIN_RELAYS + 1)
    problems.push(`peers must be an integer >= ${MIN_RELAYS + 1}`)
  if (!(c.durationSeconds > 0)) problems.push('durationSeconds must be > 0')
  if (!(c.shareIntervalSeconds > 0)) problems.push('shareIntervalSeconds must be > 0')
  if (!(c.extraPacketLoss >= 0 && c.extraPacketLoss < 1)) problems.push('extraPacketLoss must be in [0, 1)')
  if (!(c.rigFraction >= 0 && c.rigFraction < 1)) problems.push('rigFraction must be in [0, 1)')
  if (!(c.meanSessionSeconds >= 0)) problems.push('meanSessionSeconds must be >= 0 (0: no churn)')
  if (!(c.scaledHashesPerShare >= 16)) problems.push('scaledHashesPerShare must be >= 16')
  if (problems.length) throw new RangeError(`invalid simulator config: ${problems.join('; ')}`)
  return c
}

/** Relays for N peers: enough reservations for every browser's two relay links, at least MIN_RELAYS. */
export function relayCount(peers: number): number {
  return Math.max(MIN_RELAYS, Math.ceil((peers * RELAYS_PER_BROWSER) / (BROWSERS_PER_RELAY * RELAYS_PER_BROWSER)))
}
