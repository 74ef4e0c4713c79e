/**
 * Every configuration key: its type and range, and its environment variable and flag. One table, so
 * the file, env and flags cannot drift apart, and `--help` lists exactly what is accepted.
 */

/** Longest string value accepted (chars). */
export const MAX_CONFIG_STRING_CHARS = 4096
/** Most bootstrap nodes. */
export const MAX_BOOTSTRAP_NODES = 64
/** Highest operator fee: 10 % of the shares the relay's own rigs find. */
export const MAX_POOL_FEE = 0.1

export interface Leaf {
  kind: 'string' | 'int' | 'number' | 'bool' | 'string[]'
  min?: number
  max?: number
  env?: string
  flag?: string
  help: string
}
export interface Branch { [key: string]: Node }
export type Node = Leaf | Branch | 'ignored'

export function isLeaf (n: Node): n is Leaf {
  return typeof n === 'object' && typeof (n as Leaf).kind === 'string'
}

const port = (env: string, flag: string, help: string): Leaf => ({ kind: 'int', min: 1, max: 65535, env, flag, help })

export const SCHEMA: Branch = {
  poolName: { kind: 'string', env: 'OTEDAMA_POOL_NAME', flag: 'pool-name', help: 'name shown in the dashboard' },
  poolAddress: { kind: 'string', env: 'OTEDAMA_POOL_ADDRESS', flag: 'pool-address', help: 'operator payout address (checked for the chain)' },
  poolFee: { kind: 'number', min: 0, max: MAX_POOL_FEE, env: 'OTEDAMA_POOL_FEE', flag: 'pool-fee', help: `fraction of own rigs' shares credited to poolAddress, 0..${MAX_POOL_FEE}` },
  p2pPort: port('OTEDAMA_P2P_PORT', 'p2p-port', 'libp2p listen port (default 30303)'),
  wsPort: port('OTEDAMA_WS_PORT', 'ws-port', 'libp2p WebSocket port browsers dial (default p2pPort + 1)'),
  stratumPort: port('OTEDAMA_STRATUM_PORT', 'stratum-port', 'Stratum v1 port (default 3333)'),
  blockchain: { kind: 'string', env: 'OTEDAMA_BLOCKCHAIN', flag: 'blockchain', help: 'network: devnet (default), litecoin, litecoin-testnet, litecoin-regtest, bitcoin, bitcoin-testnet4, bitcoin-signet, bitcoin-regtest' },
  bootstrapNodes: { kind: 'string[]', env: 'OTEDAMA_BOOTSTRAP_NODES', flag: 'bootstrap', help: 'relays to join (comma-separated in env; flag repeatable)' },
  bind: { kind: 'string', env: 'OTEDAMA_BIND', flag: 'bind', help: 'address p2p, Stratum and (by default) HTTP listen on (default 127.0.0.1)' },
  http: {
    host: { kind: 'string', env: 'OTEDAMA_HTTP_HOST', flag: 'http-host', help: 'HTTP listen address (default: bind)' },
    port: port('OTEDAMA_HTTP_PORT', 'http-port', 'HTTP port for the PWA, API and metrics (default 8080)'),
    tlsCert: { kind: 'string', env: 'OTEDAMA_TLS_CERT', flag: 'tls-cert', help: 'PEM certificate file (with tlsKey: serve HTTPS)' },
    tlsKey: { kind: 'string', env: 'OTEDAMA_TLS_KEY', flag: 'tls-key', help: 'PEM private key file' }
  },
  dataDir: { kind: 'string', env: 'OTEDAMA_DATA_DIR', flag: 'data-dir', help: 'database directory (default .data/<blockchain>)' },
  daemon: {
    rpcUrl: { kind: 'string', env: 'OTEDAMA_RPC_URL', flag: 'rpc-url', help: 'coin daemon JSON-RPC URL (default http://127.0.0.1:<chain rpc port>)' },
    rpcCookieFile: { kind: 'string', env: 'OTEDAMA_RPC_COOKIE_FILE', flag: 'rpc-cookie-file', help: "daemon's .cookie file" },
    rpcUser: { kind: 'string', env: 'OTEDAMA_RPC_USER', flag: 'rpc-user', help: 'rpcuser (with rpcPassword)' },
    rpcPassword: { kind: 'string', env: 'OTEDAMA_RPC_PASSWORD', flag: 'rpc-password', help: 'rpcpassword' },
    longpoll: { kind: 'bool', env: 'OTEDAMA_RPC_LONGPOLL', flag: 'rpc-longpoll', help: 'long poll for new blocks (default true; daemon needs -rpcthreads=8 or more)' }
  },
  optimization: {
    sharePropagation: {
      strategy: 'ignored',
      batchSize: { kind: 'int', min: 1, max: 10_000, env: 'OTEDAMA_BATCH_SIZE', help: 'messages per gossip batch (default 100)' },
      batchInterval: { kind: 'int', min: 0, max: 10_000, env: 'OTEDAMA_BATCH_INTERVAL_MS', help: 'ms a message waits for its batch (default 10)' }
    },
    validation: {
      strategy: 'ignored',
      enablePrediction: 'ignored',
      cacheSize: { kind: 'int', min: 0, max: 10_000_000, env: 'OTEDAMA_VALIDATION_CACHE_SIZE', help: 'share verdict cache entries (default 10000)' },
      minValidators: { kind: 'int', min: 3, max: 64, env: 'OTEDAMA_MIN_VALIDATORS', help: 'attestations to wait for (3..maxValidators, default 3)' },
      maxValidators: { kind: 'int', min: 3, max: 64, env: 'OTEDAMA_MAX_VALIDATORS', help: 'template committee size (default 7)' }
    },
    mining: 'ignored',
    failover: 'ignored'
  }
}

/** Keys operators sometimes try that are consensus: say so instead of "unknown key". */
export const CONSENSUS_KEYS = new Set([
  'shareInterval', 'shareIntervalSeconds', 'windowShares', 'pplnsWindow', 'finderBonus', 'finderBonusPpm', 'dustLimit',
  'maxCoinbaseOutputs', 'minShareDifficulty', 'minShareTarget', 'retargetWindowShares', 'blockTime', 'targetBlockSeconds'
])

/** Walks the schema to a leaf by dotted path. */
export function leafAt (path: string): Leaf | undefined {
  let node: Node = SCHEMA
  for (const key of path.split('.')) {
    if (!(typeof node === 'object' && !isLeaf(node) && Object.hasOwn(node, key))) return undefined
    node = (node as Branch)[key]
  }
  return typeof node === 'object' && isLeaf(node) ? node : undefined
}

/** Every leaf with its dotted path. */
export function leaves (branch: Branch = SCHEMA, prefix = ''): Array<[string, Leaf]> {
  const out: Array<[string, Leaf]> = []
  for (const [key, node] of Object.entries(branch)) {
    if (node === 'ignored') continue
    if (isLeaf(node)) out.push([prefix + key, node])
    else out.push(...leaves(node, `${prefix}${key}.`))
  }
  return out
}

/** Checks a typed value (from the JSON file) against its leaf; returns a problem or undefined. */
export function checkValue (path: string, leaf: Leaf, value: unknown): string | undefined {
  const got = `got ${JSON.stringify(value)?.slice(0, 60)}`
  switch (leaf.kind) {
    case 'string':
      if (typeof value !== 'string') return `${path} must be a string, ${got}`
      if (value.length > MAX_CONFIG_STRING_CHARS) return `${path} is longer than ${MAX_CONFIG_STRING_CHARS} characters`
      return undefined
    case 'bool':
      return typeof value === 'boolean' ? undefined : `${path} must be true or false, ${got}`
    case 'string[]':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length <= MAX_CONFIG_STRING_CHARS)) return `${path} must be a list of strings, ${got}`
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

/** Parses a string from env or a flag into the leaf's type; returns the value or a problem. */
export function parseText (source: string, leaf: Leaf, text: string): { value: unknown } | { problem: string } {
  switch (leaf.kind) {
    case 'string': return { value: text }
    case 'string[]': return { value: text.split(',').map((s) => s.trim()).filter((s) => s !== '') }
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(text)) return { value: true }
      if (/^(0|false|no|off)$/i.test(text)) return { value: false }
      return { problem: `${source} must be true or false, got "${text.slice(0, 40)}"` }
    case 'int':
    case 'number': {
      const n = text.trim() === '' ? Number.NaN : Number(text)
      if (!Number.isFinite(n)) return { problem: `${source} must be a number, got "${text.slice(0, 40)}"` }
      return { value: n }
    }
  }
}
