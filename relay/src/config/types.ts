import type { NetworkName } from '@otedama/shared/chain'

/** Daemon JSON-RPC connection (absent on devnet, which is embedded). */
export interface DaemonConfig {
  rpcUrl: string
  /** Cookie file the daemon writes (<datadir>/<chain>/.cookie); or rpcUser + rpcPassword. */
  rpcCookieFile?: string
  rpcUser?: string
  rpcPassword?: string
  /** Further daemons of the same chain in order of preference, each with its credentials, used while the ones before are away. */
  backups: DaemonBackup[]
  /** Long polling on its own connection (needs -rpcthreads ≥ 8 on the daemon); else poll about every second. */
  longpoll: boolean
}

/** A backup daemon: its URL (without credentials) and how to authenticate. */
export interface DaemonBackup {
  rpcUrl: string
  rpcCookieFile?: string
  rpcUser?: string
  rpcPassword?: string
}

/**
 * A relay's configuration: the Otedama file shape operators know, plus the relay's own settings.
 * Local policy only: consensus constants are compiled in per network (@otedama/shared src/chain).
 */
export interface RelayConfig {
  poolName: string
  /** Operator payout address, checked for `blockchain`; required when poolFee > 0. */
  poolAddress?: string
  /** Fraction (0..MAX_POOL_FEE) of the shares this relay's Stratum rigs find that credit poolAddress. */
  poolFee: number
  /** libp2p TCP port (relay to relay). */
  p2pPort: number
  /** libp2p WebSocket port (browsers). */
  wsPort: number
  stratumPort: number
  blockchain: NetworkName
  /** Multiaddrs or host:port of relays to join at start. */
  bootstrapNodes: string[]
  /** Address the p2p and Stratum servers listen on (127.0.0.1 unless the operator exposes them). */
  bind: string
  http: {
    host: string
    port: number
    /** PEM certificate and key paths; both or neither. */
    tlsCert?: string
    tlsKey?: string
  }
  /** A sibling relay's Stratum server: rigs are sent there by client.reconnect when this relay stops. */
  stratumSibling?: { host: string; port: number }
  /** Directory of the relay's database and peer key. */
  dataDir: string
  daemon?: DaemonConfig
  optimization: {
    sharePropagation: {
      /** Most messages (attestations, shares) per gossip batch. */
      batchSize: number
      /** Longest a message waits for its batch, ms. */
      batchInterval: number
    }
    validation: {
      /** Entries of the share-verdict LRU cache. */
      cacheSize: number
      /** Attestations a relay waits for before trusting a template (DESIGN: at least 3). */
      minValidators: number
      /** Template committee size k (DESIGN: default 7). */
      maxValidators: number
    }
  }
  /** Alert rules (thresholds, hold times) and where alerts are delivered (relay/src/monitor); defaults when absent. */
  alerts?: AlertsConfig
}

/** One rule's switch and hold: it fires once its condition has held `holdSeconds` without a break. */
export interface AlertRuleConfig {
  enabled: boolean
  holdSeconds: number
}

export interface AlertsConfig {
  /** A rig with no accepted pseudo-share (disconnected or silent) for `offlineSeconds`. */
  rigOffline: { enabled: boolean; offlineSeconds: number }
  /** A payout address with no share in the share chain and no pseudo-share from its rigs for `offlineSeconds`. */
  addressOffline: { enabled: boolean; offlineSeconds: number; addresses: string[] }
  /** A rig's (or all rigs') short hashrate average `percent` below its own long average. */
  hashrateDrop: AlertRuleConfig & { percent: number }
  /** Stratum submits rejected (any reason but stale) above `percent` over the last `windowSeconds`. */
  rejectRate: AlertRuleConfig & { percent: number; windowSeconds: number }
  /** Stratum submits rejected as stale above `percent` over the last `windowSeconds`. */
  staleRate: AlertRuleConfig & { percent: number; windowSeconds: number }
  noPeers: AlertRuleConfig
  daemonUnhealthy: AlertRuleConfig
  /** A block found here was orphaned; firing until it is back in the best chain or `keepFiringSeconds` passed. */
  blockOrphaned: { enabled: boolean; keepFiringSeconds: number }
  /** Resident memory of the relay above `limitMiB`. */
  memory: AlertRuleConfig & { limitMiB: number }
  /** Generic JSON POST targets, Discord webhooks ({content}), and a Telegram bot (sendMessage). */
  webhooks: string[]
  discordWebhooks: string[]
  telegram?: { apiUrl: string; botToken: string; chatId: string }
}

/** The file, env or flags broke a rule; `problems` lists every one, each a sentence an operator can act on. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}
