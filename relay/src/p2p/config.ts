// Operator-facing settings of the relay's libp2p node, with the deliberate connection limits.
import type { FloodGuardParams, GossipScorePolicy } from '../../../shared/src/p2p'

/** Total connections: hundreds of browsers plus tens of relays (each browser costs ~2-4 MB of buffers). */
export const RELAY_MAX_CONNECTIONS = 600
/** Circuit-relay v2 reservations: every browser holds one so others can reach it by WebRTC signalling. */
export const RELAY_MAX_RESERVATIONS = 500
/** A reservation lasts this long (ms) before the browser must renew it (libp2p's default, 2 h). */
export const RELAY_RESERVATION_TTL_MS = 2 * 60 * 60_000
/**
 * A relayed connection only carries WebRTC signalling (SDP offer/answer, ICE candidates: a few KiB) before
 * the browsers talk directly, so it is cut after this long (ms) or this many bytes per direction.
 */
export const RELAYED_CONNECTION_DURATION_MS = 2 * 60_000
export const RELAYED_CONNECTION_DATA_BYTES = 1n << 17n // 128 KiB
/** Inbound connection attempts per second from one host before refusal (NATs put many browsers on one IP). */
export const RELAY_INBOUND_CONNECTIONS_PER_HOST_PER_SECOND = 25
/** Connections still upgrading (noise + yamux) at once; excess inbound sockets wait or are refused. */
export const RELAY_MAX_PENDING_INBOUND = 64
/** Streams a peer may hold open on the sync and template protocols. */
export const RELAY_MAX_SYNC_STREAMS_PER_PEER = 4
export const RELAY_MAX_TEMPLATE_STREAMS_PER_PEER = 2

export interface RelayP2pConfig {
  /** Chain-params network name (`devnet`, `litecoin-regtest`, ...): selects topics and protocol ids. */
  network: string
  /** Directory for the persistent peer key. */
  dataDir: string
  /** Address to listen on; 127.0.0.1 unless the operator exposes the relay. */
  host: string
  /** TCP port for relay-to-relay links (0 = any free port). */
  tcpPort: number
  /** WebSocket port browsers dial (0 = any free port). */
  wsPort: number
  /** Public multiaddrs to announce instead of the listen addresses (behind a proxy, `/dns4/.../wss`). */
  announce?: string[]
  /** Multiaddrs (with /p2p/<id>) of other relays to connect to at start. */
  bootstrap?: string[]
  /** Announce and learn peers on the discovery topic (default true; load generators turn it off). */
  pubsubDiscovery?: boolean
  /** Find relays on the LAN by mDNS. */
  mdns?: boolean
  /** Keep private/loopback addresses in the DHT and dial them (devnet, tests, LAN). */
  allowPrivateAddresses?: boolean
  maxConnections?: number
  maxReservations?: number
  inboundConnectionsPerHostPerSecond?: number
  scorePolicy?: Partial<GossipScorePolicy>
  /** Per-peer gossip rate bound (shared/src/p2p/limits.ts defaults); benchmarks turn it off to measure capacity. */
  floodGuard?: Partial<FloodGuardParams>
}

export class RelayP2pConfigError extends Error {
  constructor(message: string) {
    super(`relay p2p config: ${message}`)
    this.name = 'RelayP2pConfigError'
  }
}

export function validateRelayP2pConfig(config: RelayP2pConfig): void {
  const port = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new RelayP2pConfigError(`${name} must be a port 0..65535, got ${value}`)
  }
  port('tcpPort', config.tcpPort)
  port('wsPort', config.wsPort)
  if (config.dataDir.length === 0) throw new RelayP2pConfigError('dataDir is required (the peer key lives there)')
  for (const addr of config.bootstrap ?? []) {
    if (!addr.includes('/p2p/')) throw new RelayP2pConfigError(`bootstrap address "${addr}" lacks /p2p/<peer id>`)
  }
}
