/**
 * Every configuration key: its type and range, and its environment variable and flag. One table, so
 * the file, env and flags cannot drift apart, and `--help` lists exactly what is accepted.
 */

/** Longest string value accepted (chars). */
export const MAX_CONFIG_STRING_CHARS = 4096
/** Most bootstrap nodes. */
export const MAX_BOOTSTRAP_NODES = 64
/** Where Telegram's Bot API answers (sendMessage is POST <apiUrl>/bot<token>/sendMessage). */
export const TELEGRAM_API_URL = 'https://api.telegram.org'
/** Highest operator fee: 10 % of the shares the relay's own rigs find. */
export const MAX_POOL_FEE = 0.1
/** Longest hold or offline time of an alert rule (s): 30 days, the history's longest tier. */
export const MAX_ALERT_HOLD_SECONDS = 30 * 24 * 3600
/** Longest window a rate rule measures over (s): the 1-second history's hour. */
export const MAX_ALERT_WINDOW_SECONDS = 3600

/** A value a key can hold once parsed. */
export type ConfigValue = string | number | boolean | string[]

export interface Leaf {
  kind: 'string' | 'int' | 'number' | 'bool' | 'string[]'
  min?: number
  max?: number
  env?: string
  flag?: string
  help: string
  /** The value when nothing sets the key: the loader starts from these, `--help` and the README print them. */
  default?: ConfigValue
  /** A default computed from other keys or the chain, in words (the loader computes it in load.ts). */
  derivedDefault?: string
}
export interface Branch {
  [key: string]: Node
}
export type Node = Leaf | Branch | 'ignored'

export function isLeaf(n: Node): n is Leaf {
  return typeof n === 'object' && typeof (n as Leaf).kind === 'string'
}

type Default = Pick<Leaf, 'default'> | Pick<Leaf, 'derivedDefault'>
const port = (env: string, flag: string, help: string, dflt: Default): Leaf => ({
  kind: 'int',
  min: 1,
  max: 65535,
  env,
  flag,
  help,
  ...dflt
})
const alertSwitch = (env: string, help: string): Leaf => ({
  kind: 'bool',
  env: `OTEDAMA_ALERT_${env}`,
  help,
  default: true
})
const hold = (env: string, help: string, seconds: number): Leaf => ({
  kind: 'int',
  min: 0,
  max: MAX_ALERT_HOLD_SECONDS,
  env: `OTEDAMA_ALERT_${env}`,
  help,
  default: seconds
})
const rateWindow = (env: string, help: string, seconds: number): Leaf => ({
  kind: 'int',
  min: 10,
  max: MAX_ALERT_WINDOW_SECONDS,
  env: `OTEDAMA_ALERT_${env}`,
  help,
  default: seconds
})
const percent = (env: string, help: string, value: number): Leaf => ({
  kind: 'number',
  min: 0,
  max: 100,
  env: `OTEDAMA_ALERT_${env}`,
  help,
  default: value
})

export const SCHEMA: Branch = {
  poolName: {
    kind: 'string',
    env: 'OTEDAMA_POOL_NAME',
    flag: 'pool-name',
    help: 'name shown in the dashboard',
    default: 'Otedama'
  },
  poolAddress: {
    kind: 'string',
    env: 'OTEDAMA_POOL_ADDRESS',
    flag: 'pool-address',
    help: 'operator payout address (checked for the chain)'
  },
  poolFee: {
    kind: 'number',
    min: 0,
    max: MAX_POOL_FEE,
    env: 'OTEDAMA_POOL_FEE',
    flag: 'pool-fee',
    help: `fraction of own rigs' shares credited to poolAddress, 0..${MAX_POOL_FEE}`,
    default: 0
  },
  p2pPort: port('OTEDAMA_P2P_PORT', 'p2p-port', 'libp2p listen port', { default: 30303 }),
  wsPort: port('OTEDAMA_WS_PORT', 'ws-port', 'libp2p WebSocket port browsers dial', { derivedDefault: 'p2pPort + 1' }),
  stratumPort: port('OTEDAMA_STRATUM_PORT', 'stratum-port', 'Stratum v1 port', { default: 3333 }),
  blockchain: {
    kind: 'string',
    env: 'OTEDAMA_BLOCKCHAIN',
    flag: 'blockchain',
    default: 'devnet',
    help: 'network: devnet, litecoin, litecoin-testnet, litecoin-regtest, bitcoin, bitcoin-testnet4, bitcoin-signet, bitcoin-regtest'
  },
  bootstrapNodes: {
    kind: 'string[]',
    env: 'OTEDAMA_BOOTSTRAP_NODES',
    flag: 'bootstrap',
    help: 'relays to join (comma-separated in env; flag repeatable)',
    default: []
  },
  bind: {
    kind: 'string',
    env: 'OTEDAMA_BIND',
    flag: 'bind',
    help: 'address p2p, Stratum and (by default) HTTP listen on',
    default: '127.0.0.1'
  },
  http: {
    host: {
      kind: 'string',
      env: 'OTEDAMA_HTTP_HOST',
      flag: 'http-host',
      help: 'HTTP listen address',
      derivedDefault: 'bind'
    },
    port: port('OTEDAMA_HTTP_PORT', 'http-port', 'HTTP port for the PWA, API and metrics', { default: 8080 }),
    tlsCert: {
      kind: 'string',
      env: 'OTEDAMA_TLS_CERT',
      flag: 'tls-cert',
      help: 'PEM certificate file (with tlsKey: serve HTTPS)'
    },
    tlsKey: { kind: 'string', env: 'OTEDAMA_TLS_KEY', flag: 'tls-key', help: 'PEM private key file' }
  },
  stratumSibling: {
    kind: 'string',
    env: 'OTEDAMA_STRATUM_SIBLING',
    flag: 'stratum-sibling',
    help: "host:port of a sibling relay's Stratum server: rigs are sent there (client.reconnect) when this relay stops"
  },
  dataDir: {
    kind: 'string',
    env: 'OTEDAMA_DATA_DIR',
    flag: 'data-dir',
    help: 'database directory',
    derivedDefault: '.data/<blockchain>'
  },
  daemon: {
    rpcUrl: {
      kind: 'string',
      env: 'OTEDAMA_RPC_URL',
      flag: 'rpc-url',
      help: 'coin daemon JSON-RPC URL',
      derivedDefault: 'http://127.0.0.1:<chain rpc port>'
    },
    rpcCookieFile: {
      kind: 'string',
      env: 'OTEDAMA_RPC_COOKIE_FILE',
      flag: 'rpc-cookie-file',
      help: "daemon's .cookie file"
    },
    rpcUser: { kind: 'string', env: 'OTEDAMA_RPC_USER', flag: 'rpc-user', help: 'rpcuser (with rpcPassword)' },
    rpcPassword: { kind: 'string', env: 'OTEDAMA_RPC_PASSWORD', flag: 'rpc-password', help: 'rpcpassword' },
    backupRpcUrls: {
      kind: 'string[]',
      env: 'OTEDAMA_RPC_BACKUP_URLS',
      flag: 'rpc-backup-url',
      help: 'more daemons of the same chain, used in this order while rpcUrl is away (credentials as http://user:password@host:port, else the main ones)'
    },
    backupRpcCookieFiles: {
      kind: 'string[]',
      env: 'OTEDAMA_RPC_BACKUP_COOKIE_FILES',
      flag: 'rpc-backup-cookie-file',
      help: 'cookie file of each backup daemon, by position ("-": none, use the URL\'s own or the main credentials)'
    },
    longpoll: {
      kind: 'bool',
      env: 'OTEDAMA_RPC_LONGPOLL',
      flag: 'rpc-longpoll',
      help: 'long poll for new blocks (the daemon needs -rpcthreads=8 or more)',
      default: true
    }
  },
  optimization: {
    sharePropagation: {
      strategy: 'ignored',
      batchSize: {
        kind: 'int',
        min: 1,
        max: 10_000,
        env: 'OTEDAMA_BATCH_SIZE',
        help: 'messages per gossip batch',
        default: 100
      },
      batchInterval: {
        kind: 'int',
        min: 0,
        max: 10_000,
        env: 'OTEDAMA_BATCH_INTERVAL_MS',
        help: 'ms a message waits for its batch',
        default: 10
      }
    },
    validation: {
      strategy: 'ignored',
      enablePrediction: 'ignored',
      cacheSize: {
        kind: 'int',
        min: 0,
        max: 10_000_000,
        env: 'OTEDAMA_VALIDATION_CACHE_SIZE',
        help: 'share verdict cache entries',
        default: 10_000
      },
      minValidators: {
        kind: 'int',
        min: 3,
        max: 64,
        env: 'OTEDAMA_MIN_VALIDATORS',
        help: 'attestations to wait for (3..maxValidators)',
        default: 3
      },
      maxValidators: {
        kind: 'int',
        min: 3,
        max: 64,
        env: 'OTEDAMA_MAX_VALIDATORS',
        help: 'template committee size',
        default: 7
      }
    },
    mining: 'ignored',
    failover: 'ignored'
  },
  alerts: {
    rigOffline: {
      enabled: alertSwitch('RIG_OFFLINE', 'alert when a rig is offline'),
      offlineSeconds: hold(
        'RIG_OFFLINE_SECONDS',
        'seconds without an accepted pseudo-share before a rig is offline',
        600
      )
    },
    addressOffline: {
      enabled: alertSwitch('ADDRESS_OFFLINE', 'alert when a payout address stops mining'),
      offlineSeconds: hold(
        'ADDRESS_OFFLINE_SECONDS',
        'seconds without a share or pseudo-share before an address is offline',
        1800
      ),
      addresses: {
        kind: 'string[]',
        env: 'OTEDAMA_ALERT_ADDRESSES',
        help: "addresses watched besides this relay's rigs' (comma-separated in env)"
      }
    },
    hashrateDrop: {
      enabled: alertSwitch('HASHRATE_DROP', 'alert when a hashrate falls against its own trend'),
      percent: percent('HASHRATE_DROP_PERCENT', 'percent the 1-min average is below the 30-min average', 50),
      holdSeconds: hold('HASHRATE_DROP_HOLD_SECONDS', 'seconds the drop must last', 300)
    },
    rejectRate: {
      enabled: alertSwitch('REJECT_RATE', 'alert on Stratum rejects'),
      percent: percent('REJECT_RATE_PERCENT', 'percent of submits rejected, stale ones aside', 5),
      windowSeconds: rateWindow('REJECT_RATE_WINDOW_SECONDS', 'seconds the rate is measured over', 300),
      holdSeconds: hold('REJECT_RATE_HOLD_SECONDS', 'seconds the rate must stay above', 60)
    },
    staleRate: {
      enabled: alertSwitch('STALE_RATE', 'alert on stale Stratum submits'),
      percent: percent('STALE_RATE_PERCENT', 'percent of submits rejected as stale', 5),
      windowSeconds: rateWindow('STALE_RATE_WINDOW_SECONDS', 'seconds the rate is measured over', 300),
      holdSeconds: hold('STALE_RATE_HOLD_SECONDS', 'seconds the rate must stay above', 60)
    },
    noPeers: {
      enabled: alertSwitch('NO_PEERS', 'alert when no libp2p peer is connected'),
      holdSeconds: hold('NO_PEERS_HOLD_SECONDS', 'seconds without peers', 120)
    },
    daemonUnhealthy: {
      enabled: alertSwitch('DAEMON_UNHEALTHY', 'alert when the template source is unhealthy'),
      holdSeconds: hold('DAEMON_UNHEALTHY_HOLD_SECONDS', 'seconds unhealthy', 60)
    },
    blockOrphaned: {
      enabled: alertSwitch('BLOCK_ORPHANED', 'alert when a block found here is orphaned'),
      keepFiringSeconds: hold(
        'BLOCK_ORPHANED_KEEP_SECONDS',
        'seconds the alert stays firing unless the block returns',
        3600
      )
    },
    memory: {
      enabled: alertSwitch('MEMORY', "alert on the relay's resident memory"),
      limitMiB: {
        kind: 'int',
        min: 16,
        max: 1_048_576,
        env: 'OTEDAMA_ALERT_MEMORY_LIMIT_MIB',
        help: 'resident memory limit, MiB',
        default: 2048
      },
      holdSeconds: hold('MEMORY_HOLD_SECONDS', 'seconds above the limit', 60)
    },
    webhooks: {
      kind: 'string[]',
      env: 'OTEDAMA_ALERT_WEBHOOKS',
      help: 'URLs that get each alert as a JSON POST (comma-separated in env)'
    },
    discordWebhooks: {
      kind: 'string[]',
      env: 'OTEDAMA_ALERT_DISCORD_WEBHOOKS',
      help: 'Discord webhook URLs (message {content})'
    },
    telegram: {
      botToken: {
        kind: 'string',
        env: 'OTEDAMA_ALERT_TELEGRAM_BOT_TOKEN',
        help: 'Telegram bot token (with chatId: sendMessage)'
      },
      chatId: { kind: 'string', env: 'OTEDAMA_ALERT_TELEGRAM_CHAT_ID', help: 'Telegram chat id' },
      apiUrl: {
        kind: 'string',
        env: 'OTEDAMA_ALERT_TELEGRAM_API_URL',
        help: 'Telegram Bot API base URL',
        default: TELEGRAM_API_URL
      }
    }
  }
}

/** Keys operators sometimes try that are consensus: say so instead of "unknown key". */
export const CONSENSUS_KEYS = new Set([
  'shareInterval',
  'shareIntervalSeconds',
  'windowShares',
  'pplnsWindow',
  'finderBonus',
  'finderBonusPpm',
  'dustLimit',
  'maxCoinbaseOutputs',
  'minShareDifficulty',
  'minShareTarget',
  'retargetWindowShares',
  'blockTime',
  'targetBlockSeconds'
])

/** Walks the schema to a leaf by dotted path. */
export function leafAt(path: string): Leaf | undefined {
  let node: Node = SCHEMA
  for (const key of path.split('.')) {
    if (!(typeof node === 'object' && !isLeaf(node) && Object.hasOwn(node, key))) return undefined
    node = (node as Branch)[key]
  }
  return typeof node === 'object' && isLeaf(node) ? node : undefined
}

/** Every leaf with its dotted path. */
export function leaves(branch: Branch = SCHEMA, prefix = ''): Array<[string, Leaf]> {
  const out: Array<[string, Leaf]> = []
  for (const [key, node] of Object.entries(branch)) {
    if (node === 'ignored') continue
    if (isLeaf(node)) out.push([prefix + key, node])
    else out.push(...leaves(node, `${prefix}${key}.`))
  }
  return out
}

/** The value of every key that has a fixed default, by dotted path: where the loader starts. */
export function schemaDefaults(): Map<string, ConfigValue> {
  const out = new Map<string, ConfigValue>()
  for (const [path, leaf] of leaves()) if (leaf.default !== undefined) out.set(path, structuredClone(leaf.default))
  return out
}

/** A key's meaning with its default, as `--help` and the README's key table print it. */
export function describeLeaf(leaf: Leaf): string {
  const dflt = leaf.derivedDefault ?? (leaf.default === undefined ? undefined : formatDefault(leaf.default))
  return dflt === undefined ? leaf.help : `${leaf.help} (default ${dflt})`
}

function formatDefault(value: ConfigValue): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(', ')
  return String(value)
}

/** Dotted paths of keys accepted without effect (the original Otedama shape), with a warning at start. */
export function ignoredPaths(branch: Branch = SCHEMA, prefix = ''): string[] {
  const out: string[] = []
  for (const [key, node] of Object.entries(branch)) {
    if (node === 'ignored') out.push(prefix + key)
    else if (!isLeaf(node)) out.push(...ignoredPaths(node, `${prefix}${key}.`))
  }
  return out
}

/** Checks a typed value (from the JSON file) against its leaf; returns a problem or undefined. */
export function checkValue(path: string, leaf: Leaf, value: unknown): string | undefined {
  const got = `got ${JSON.stringify(value)?.slice(0, 60)}`
  switch (leaf.kind) {
    case 'string':
      if (typeof value !== 'string') return `${path} must be a string, ${got}`
      if (value.length > MAX_CONFIG_STRING_CHARS) return `${path} is longer than ${MAX_CONFIG_STRING_CHARS} characters`
      return undefined
    case 'bool':
      return typeof value === 'boolean' ? undefined : `${path} must be true or false, ${got}`
    case 'string[]':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length <= MAX_CONFIG_STRING_CHARS))
        return `${path} must be a list of strings, ${got}`
      return value.length > MAX_BOOTSTRAP_NODES ? `${path} lists more than ${MAX_BOOTSTRAP_NODES} entries` : undefined
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path} must be a number, ${got}`
      if (leaf.kind === 'int' && !Number.isInteger(value)) return `${path} must be a whole number, ${got}`
      if ((leaf.min !== undefined && value < leaf.min) || (leaf.max !== undefined && value > leaf.max)) {
        return `${path} must be between ${leaf.min ?? '-∞'} and ${leaf.max ?? '∞'}, ${got}`
      }
      return undefined
    }
  }
}

/** A whole number in decimal digits (env and flags): no sign but "-", no hex, octal, binary or exponent. */
const INTEGER_TEXT = /^-?[0-9]{1,15}$/
/** A decimal fraction such as 0.01 or 5 (env and flags). */
const DECIMAL_TEXT = /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/

/** Parses a string from env or a flag into the leaf's type; returns the value or a problem. */
export function parseText(source: string, leaf: Leaf, text: string): { value: unknown } | { problem: string } {
  switch (leaf.kind) {
    case 'string':
      return { value: text }
    case 'string[]':
      return {
        value: text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      }
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(text)) return { value: true }
      if (/^(0|false|no|off)$/i.test(text)) return { value: false }
      return { problem: `${source} must be true or false, got "${text.slice(0, 40)}"` }
    case 'int':
    case 'number': {
      // Plain decimal only: Number() would also take "0x10" (16), "0b1", "1e3", "" and "Infinity".
      const pattern = leaf.kind === 'int' ? INTEGER_TEXT : DECIMAL_TEXT
      if (!pattern.test(text)) {
        return {
          problem: `${source} must be a number written in decimal digits${leaf.kind === 'int' ? ' (a whole number)' : ''}, got "${text.slice(0, 40)}"`
        }
      }
      return { value: Number(text) }
    }
  }
}
