// Parsing one line from a Stratum v1 pool into a typed message, strictly: a wrong shape is a verdict with
// the reason, never an exception and never a half-read job. Encoding of the rig's own requests.
// Field encodings (as every pool and cpuminer use them): prevhash is the 32-byte hash in internal byte
// order with each 4-byte word byte-reversed; version, nbits and ntime are 8 big-endian hex digits of
// the u32; coinb1, coinb2 and the branch hashes are raw hex bytes.
import { hexToBytes } from '@otedama/shared/primitives'

export type RpcId = number | string | null

/** What a pool says in a reply's `error`: [code, message, data] (most), {code, message}, or a string. */
export interface PoolError {
  code: number | undefined
  message: string
}

export interface NotifyParams {
  jobId: string
  /** Previous block hash, internal byte order (the word swap of the wire format undone). */
  prevHash: Uint8Array
  coinb1: Uint8Array
  coinb2: Uint8Array
  merkleBranch: Uint8Array[]
  version: number
  nbits: number
  ntime: number
  clean: boolean
}

export type PoolMessage =
  | { kind: 'response'; id: RpcId; result: unknown; error: PoolError | null }
  | { kind: 'notify'; job: NotifyParams }
  | { kind: 'set-difficulty'; difficulty: number }
  | { kind: 'set-extranonce'; extranonce1: Uint8Array; extranonce2Size: number }
  | { kind: 'reconnect'; host: string | undefined; port: number | undefined; waitSeconds: number }
  | { kind: 'show-message'; text: string }
  | { kind: 'ping'; id: RpcId }
  | { kind: 'get-version'; id: RpcId }
  /** A request we do not act on (mining.set_version_mask, client.add_peers …); answered with an error if it has an id. */
  | { kind: 'other'; id: RpcId; method: string }

export type ParsedLine = { ok: true; message: PoolMessage } | { ok: false; reason: string }

export interface SubscribeResult {
  /** The mining.notify subscription id, sent back on reconnect to resume the session (cpuminer does). */
  sessionId: string | undefined
  extranonce1: Uint8Array
  extranonce2Size: number
}

const HEX_BYTES = /^(?:[0-9a-fA-F]{2})*$/
const HEX_U32 = /^[0-9a-fA-F]{8}$/
const HASH_HEX_CHARS = 64
/** Longest job id we keep (characters); pools use a few hex digits. */
const MAX_JOB_ID_CHARS = 128
/** Most merkle branch steps: a block of 2^24 transactions is far beyond any real one. */
const MAX_MERKLE_BRANCH_STEPS = 24
/** Longest show_message text kept for the log (characters). */
const MAX_MESSAGE_CHARS = 512

export function parsePoolLine(line: string): ParsedLine {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return bad('invalid JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('not a JSON object')
  const obj = value as Record<string, unknown>
  const id = obj.id === undefined ? null : obj.id
  if (id !== null && typeof id !== 'number' && typeof id !== 'string')
    return bad('id must be null, a number or a string')
  if (obj.method === undefined || obj.method === null) {
    if (!('result' in obj) && !('error' in obj)) return bad('neither method nor result')
    return { ok: true, message: { kind: 'response', id, result: obj.result, error: poolError(obj.error) } }
  }
  if (typeof obj.method !== 'string') return bad('method must be a string')
  const params = obj.params === undefined || obj.params === null ? [] : obj.params
  if (!Array.isArray(params)) return bad(`${obj.method}: params must be an array`)
  return parseRequest(id, obj.method, params)
}

function parseRequest(id: RpcId, method: string, params: unknown[]): ParsedLine {
  switch (method) {
    case 'mining.notify': {
      const job = parseNotify(params)
      return typeof job === 'string' ? bad(`mining.notify: ${job}`) : { ok: true, message: { kind: 'notify', job } }
    }
    case 'mining.set_difficulty': {
      const d = params[0]
      if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0)
        return bad('mining.set_difficulty: difficulty must be a number > 0')
      return { ok: true, message: { kind: 'set-difficulty', difficulty: d } }
    }
    case 'mining.set_extranonce': {
      const [xn1, size] = params
      if (typeof xn1 !== 'string' || !HEX_BYTES.test(xn1))
        return bad('mining.set_extranonce: extranonce1 must be hex bytes')
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
        return bad('mining.set_extranonce: extranonce2 size must be an integer')
      return { ok: true, message: { kind: 'set-extranonce', extranonce1: hexToBytes(xn1), extranonce2Size: size } }
    }
    case 'client.reconnect': {
      const [host, port, wait] = params
      const portNumber = typeof port === 'string' ? Number(port) : port
      if (host !== undefined && host !== null && typeof host !== 'string')
        return bad('client.reconnect: host must be a string')
      if (
        portNumber !== undefined &&
        portNumber !== null &&
        (typeof portNumber !== 'number' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)
      ) {
        return bad('client.reconnect: port must be 1..65535')
      }
      const waitNumber = typeof wait === 'string' ? Number(wait) : wait
      if (
        waitNumber !== undefined &&
        waitNumber !== null &&
        (typeof waitNumber !== 'number' || !Number.isFinite(waitNumber) || waitNumber < 0)
      ) {
        return bad('client.reconnect: wait must be seconds >= 0')
      }
      return {
        ok: true,
        message: {
          kind: 'reconnect',
          host: typeof host === 'string' && host.length > 0 ? host : undefined,
          port: typeof portNumber === 'number' ? portNumber : undefined,
          waitSeconds: typeof waitNumber === 'number' ? waitNumber : 0
        }
      }
    }
    case 'client.show_message':
      return { ok: true, message: { kind: 'show-message', text: String(params[0] ?? '').slice(0, MAX_MESSAGE_CHARS) } }
    case 'mining.ping':
    case 'client.ping':
      return { ok: true, message: { kind: 'ping', id } }
    case 'client.get_version':
      return { ok: true, message: { kind: 'get-version', id } }
    default:
      return { ok: true, message: { kind: 'other', id, method } }
  }
}

/** [job_id, prevhash, coinb1, coinb2, [branches], version, nbits, ntime, clean_jobs]; a string is the reason it is bad. */
export function parseNotify(params: unknown[]): NotifyParams | string {
  if (params.length < 9) return `9 params expected, got ${params.length}`
  const [jobId, prev, coinb1, coinb2, branches, version, nbits, ntime, clean] = params
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > MAX_JOB_ID_CHARS)
    return 'job_id must be a short non-empty string'
  if (typeof prev !== 'string' || prev.length !== HASH_HEX_CHARS || !HEX_BYTES.test(prev))
    return 'prevhash must be 32 bytes of hex'
  if (typeof coinb1 !== 'string' || !HEX_BYTES.test(coinb1)) return 'coinb1 must be hex bytes'
  if (typeof coinb2 !== 'string' || !HEX_BYTES.test(coinb2)) return 'coinb2 must be hex bytes'
  if (!Array.isArray(branches) || branches.length > MAX_MERKLE_BRANCH_STEPS)
    return `merkle branch must be an array of at most ${MAX_MERKLE_BRANCH_STEPS} hashes`
  for (const b of branches)
    if (typeof b !== 'string' || b.length !== HASH_HEX_CHARS || !HEX_BYTES.test(b))
      return 'each merkle branch entry must be 32 bytes of hex'
  for (const [name, v] of [
    ['version', version],
    ['nbits', nbits],
    ['ntime', ntime]
  ] as const) {
    if (typeof v !== 'string' || !HEX_U32.test(v)) return `${name} must be 8 hex digits`
  }
  if (typeof clean !== 'boolean') return 'clean_jobs must be a boolean'
  return {
    jobId,
    prevHash: unswapWords(hexToBytes(prev)),
    coinb1: hexToBytes(coinb1),
    coinb2: hexToBytes(coinb2),
    merkleBranch: (branches as string[]).map((b) => hexToBytes(b)),
    version: Number.parseInt(version as string, 16),
    nbits: Number.parseInt(nbits as string, 16),
    ntime: Number.parseInt(ntime as string, 16),
    clean
  }
}

/** The subscribe reply: [[["mining.set_difficulty", id], ["mining.notify", id]] or ["mining.notify", id], xn1, xn2_size]. */
export function parseSubscribeResult(result: unknown): SubscribeResult | string {
  if (!Array.isArray(result) || result.length < 3)
    return 'subscribe result must be [subscriptions, extranonce1, extranonce2_size]'
  const [subs, xn1, size] = result
  if (typeof xn1 !== 'string' || !HEX_BYTES.test(xn1)) return 'extranonce1 must be hex bytes'
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) return 'extranonce2_size must be an integer'
  return { sessionId: notifySubscriptionId(subs), extranonce1: hexToBytes(xn1), extranonce2Size: size }
}

function notifySubscriptionId(subs: unknown): string | undefined {
  if (!Array.isArray(subs)) return undefined
  // One pair ["mining.notify", id] (some pools) or a list of pairs (most).
  const pairs = typeof subs[0] === 'string' ? [subs] : subs
  for (const pair of pairs) {
    if (Array.isArray(pair) && pair[0] === 'mining.notify' && typeof pair[1] === 'string') return pair[1]
  }
  return undefined
}

function poolError(error: unknown): PoolError | null {
  if (error === undefined || error === null || error === false) return null
  if (Array.isArray(error)) {
    return {
      code: typeof error[0] === 'number' ? error[0] : undefined,
      message: typeof error[1] === 'string' ? error[1] : JSON.stringify(error)
    }
  }
  if (typeof error === 'object') {
    const e = error as Record<string, unknown>
    return {
      code: typeof e.code === 'number' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : JSON.stringify(error)
    }
  }
  return { code: undefined, message: String(error) }
}

/** One request line of the rig (JSON-RPC 1.0 as miners send it), newline included. */
export function encodeRequest(id: RpcId, method: string, params: unknown[]): string {
  return JSON.stringify({ id, method, params }) + '\n'
}

export function encodeResult(id: RpcId, result: unknown): string {
  return JSON.stringify({ id, result, error: null }) + '\n'
}

export function encodeError(id: RpcId, code: number, message: string): string {
  return JSON.stringify({ id, result: null, error: [code, message, null] }) + '\n'
}

/** Undoes (or applies: it is its own inverse) the byte reversal of each 4-byte word of a 32-byte hash. */
export function unswapWords(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(hash.length)
  for (let i = 0; i < hash.length; i += 4) {
    out[i] = hash[i + 3]
    out[i + 1] = hash[i + 2]
    out[i + 2] = hash[i + 1]
    out[i + 3] = hash[i]
  }
  return out
}

function bad(reason: string): ParsedLine {
  return { ok: false, reason }
}
