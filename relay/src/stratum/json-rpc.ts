// Strict parsing of one Stratum line (JSON-RPC 1.0 as miners speak it) and encoding of replies.
// Parsing returns a verdict instead of throwing: a bad line is the client's fault, counted toward a drop.
import { MAX_METHOD_CHARS, MAX_STRING_ID_CHARS } from './constants'

/** A request id as miners send them: numbers (most), strings (bfgminer "xnsub"), null (notifications). */
export type RpcId = number | string | null

/** A message from the client: a request (method set) or a reply to one of our requests (no method). */
export type ClientMessage =
  | { kind: 'request'; id: RpcId; method: string; params: unknown[] }
  | { kind: 'response'; id: RpcId; result: unknown; error: unknown }

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; reason: string }

/**
 * Parses one line. Rules: a JSON object; `id` absent/null, a finite number or a short string;
 * `method` a non-empty string of at most MAX_METHOD_CHARS; `params` an array (absent or null = []).
 * A message without `method` is a reply to a server request (ESP-Miner answers mining.ping with
 * `{"id":X,"method":"pong"}`, which is a request-shaped pong and handled by the session).
 */
export function parseLine(line: string): ParseResult {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { ok: false, reason: 'invalid JSON' }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' }
  }
  const obj = value as Record<string, unknown>
  const id = obj.id === undefined ? null : obj.id
  if (!isValidId(id)) return { ok: false, reason: 'id must be null, a number or a short string' }

  if (obj.method === undefined || obj.method === null) {
    if (!('result' in obj) && !('error' in obj)) return { ok: false, reason: 'neither method nor result' }
    return { ok: true, message: { kind: 'response', id, result: obj.result, error: obj.error ?? null } }
  }
  if (typeof obj.method !== 'string' || obj.method.length === 0 || obj.method.length > MAX_METHOD_CHARS) {
    return { ok: false, reason: 'method must be a short non-empty string' }
  }
  const params = obj.params === undefined || obj.params === null ? [] : obj.params
  if (!Array.isArray(params)) return { ok: false, reason: 'params must be an array' }
  return { ok: true, message: { kind: 'request', id, method: obj.method, params } }
}

function isValidId(id: unknown): id is RpcId {
  if (id === null) return true
  if (typeof id === 'number') return Number.isFinite(id)
  return typeof id === 'string' && id.length <= MAX_STRING_ID_CHARS
}

/** The error shape every firmware reads: [code, message, null] (NerdMiner reads only arrays). */
export type StratumError = [number, string, null]

export function stratumError(code: number, message: string): StratumError {
  return [code, message, null]
}

/** A reply line (newline included). */
export function encodeResult(id: RpcId, result: unknown): string {
  return `{"id":${JSON.stringify(id)},"result":${JSON.stringify(result)},"error":null}\n`
}

/** An error reply line: result null, error [code, message, null] (newline included). */
export function encodeError(id: RpcId, error: StratumError): string {
  return `{"id":${JSON.stringify(id)},"result":null,"error":${JSON.stringify(error)}}\n`
}

/** A server-to-client notification (id null) or request (id set), newline included. */
export function encodeCall(id: RpcId, method: string, params: unknown[]): string {
  return `{"id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}\n`
}
