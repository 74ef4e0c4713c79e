import type { NetworkName } from '../../../shared/src/chain/params'

/** Daemon JSON-RPC connection (absent on devnet, which is embedded). */
export interface DaemonConfig {
  rpcUrl: string
  /** Cookie file the daemon writes (<datadir>/<chain>/.cookie); or rpcUser + rpcPassword. */
  rpcCookieFile?: string
  rpcUser?: string
  rpcPassword?: string
  /** Long polling on its own connection (needs -rpcthreads ≥ 8 on the daemon); else poll about every second. */
  longpoll: boolean
}

/**
 * A relay's configuration: the Otedama file shape operators know, plus the relay's own settings.
 * Local policy only: consensus constants are compiled in per network (shared/src/chain).
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
}

/** The file, env or flags broke a rule; `problems` lists every one, each a sentence an operator can act on. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}
