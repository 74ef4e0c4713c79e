// Operator-facing settings of the relay's libp2p node, with the deliberate connection limits.
import { ipPortToMultiaddr } from '@libp2p/utils'
import { CODE_P2P, multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { FloodGuardParams, GossipScorePolicy } from '@otedama/shared/p2p'

/** Total connections: hundreds of browsers plus tens of relays (each browser costs ~2-4 MB of buffers). */
export const RELAY_MAX_CONNECTIONS = 600
/**
 * Topic mesh size of a relay. gossipsub's defaults (D 6, Dhi 12) fit peers of equal standing; a relay is
 * a hub whose browsers are leaves, and a leaf pruned from the relay's mesh hears of shares only through
 * IHAVE gossip at the next 1 s heartbeat (bench/p2p-relays.bench.ts: p95 1.4 s with defaults). So a
 * relay keeps every peer that grafts it, up to its connection limit; forwarding a share to all of them
 * costs one write each, at ~0.1 share/s network-wide. It still grafts only D peers on its own.
 */
export const RELAY_MESH_DEGREE = 8
export const RELAY_MESH_DEGREE_LOW = 6
export const RELAY_MESH_DEGREE_HIGH = RELAY_MAX_CONNECTIONS
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
/** Concurrent inbound share-push streams per peer (as SHARE_PUSH_MAX_INBOUND_STREAMS, @otedama/shared/p2p: limits.ts). */
export const RELAY_MAX_SHARE_PUSH_STREAMS_PER_PEER = 4
/**
 * Largest yamux receive window per stream (yamux's own cap is 16 MiB, grown automatically on fast links).
 * 1 MiB still moves a 5 MiB template in ~0.5 s at 100 ms RTT, and bounds what one peer can have in
 * flight to us per stream (x 600 connections) instead of 16 MiB.
 */
export const RELAY_YAMUX_MAX_STREAM_WINDOW_BYTES = 1024 * 1024

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
  /** Per-peer gossip rate bound (@otedama/shared src/p2p/limits.ts defaults); benchmarks turn it off to measure capacity. */
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
    if (!Number.isInteger(value) || value < 0 || value > 65_535)
      throw new RelayP2pConfigError(`${name} must be a port 0..65535, got ${value}`)
  }
  port('tcpPort', config.tcpPort)
  port('wsPort', config.wsPort)
  if (config.dataDir.length === 0) throw new RelayP2pConfigError('dataDir is required (the peer key lives there)')
  for (const addr of config.bootstrap ?? []) {
    let parsed: Multiaddr
    try {
      parsed = multiaddr(addr)
    } catch (err) {
      throw new RelayP2pConfigError(`bootstrap address "${addr}" is not a multiaddr: ${(err as Error).message}`)
    }
    if (parsed.getComponents().at(-1)?.code !== CODE_P2P)
      throw new RelayP2pConfigError(`bootstrap address "${addr}" does not end in /p2p/<peer id>`)
  }
  listenAddrs(config)
}

/**
 * The TCP and WebSocket listen addresses for `host` (IPv4 or IPv6; `localhost`, which the config allows
 * as a bind address, listens on 127.0.0.1).
 */
export function listenAddrs(
  config: Pick<RelayP2pConfig, 'host' | 'tcpPort' | 'wsPort'>
): [tcp: Multiaddr, ws: Multiaddr] {
  const ip = config.host === 'localhost' ? '127.0.0.1' : config.host
  try {
    return [ipPortToMultiaddr(ip, config.tcpPort), ipPortToMultiaddr(ip, config.wsPort).encapsulate('/ws')]
  } catch {
    throw new RelayP2pConfigError(`host must be an IPv4 or IPv6 address (or localhost), got "${config.host}"`)
  }
}
