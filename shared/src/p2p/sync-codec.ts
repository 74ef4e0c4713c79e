// Wire format of /otedama/<net>/sync/1 (one request, one reply per stream) and /otedama/<net>/template/1.
// Strict and bounded: every count is checked against its limit before anything is allocated.
import { ByteReader, ByteWriter, DecodeError } from '../primitives/bytes'
import {
  MAX_SHARE_MESSAGE_BYTES,
  MAX_TEMPLATE_REPLY_BYTES,
  SYNC_MAX_IDS_PER_REQUEST,
  SYNC_MAX_SHARES_PER_REPLY
} from './limits'

export const SHARE_ID_BYTES = 32
const NO_TIP = new Uint8Array(SHARE_ID_BYTES) // all zero = "your best tip"

/**
 * `window`: up to `count` shares walking back from `tip` (the replier's best tip when absent), after
 * skipping `skip` of them — a joiner pages through the window with the tip the first reply named.
 * `byId`: these shares (unknown parents, gaps).
 */
export type SyncRequest =
  { kind: 'window'; tip?: Uint8Array; skip: number; count: number } | { kind: 'byId'; ids: Uint8Array[] }

export type SyncStatus = 'ok' | 'rate-limited' | 'bad-request' | 'unknown-tip' | 'unavailable'
const STATUS_CODES: readonly SyncStatus[] = ['ok', 'rate-limited', 'bad-request', 'unknown-tip', 'unavailable']

export interface SyncReply {
  status: SyncStatus
  /** For window requests: the tip the walk started from (all zero otherwise). */
  tip: Uint8Array
  /** Encoded shares, tip first for window replies. */
  shares: Uint8Array[]
  /** True when the walk stopped at the reply bound, not at the window's end. */
  more: boolean
}

const KIND_WINDOW = 1
const KIND_BY_ID = 2
/** Largest `skip` a window request may ask: a window is at most a few thousand shares. */
export const SYNC_MAX_SKIP = 1_000_000

export function encodeSyncRequest(request: SyncRequest): Uint8Array {
  const w = new ByteWriter()
  if (request.kind === 'window') {
    w.u8(KIND_WINDOW)
      .bytes(request.tip ?? NO_TIP)
      .u32le(request.skip)
      .u32le(request.count)
  } else {
    w.u8(KIND_BY_ID).varint(request.ids.length)
    for (const id of request.ids) w.bytes(id)
  }
  return w.finish()
}

export function decodeSyncRequest(bytes: Uint8Array): SyncRequest {
  const r = new ByteReader(bytes)
  const kind = r.u8()
  if (kind === KIND_WINDOW) {
    const tip = r.bytes(SHARE_ID_BYTES)
    const skip = r.u32le()
    const count = r.u32le()
    r.expectEnd()
    if (skip > SYNC_MAX_SKIP) throw new DecodeError('sync-skip', `skip ${skip} above ${SYNC_MAX_SKIP}`)
    if (count < 1 || count > SYNC_MAX_SHARES_PER_REPLY) {
      throw new DecodeError('sync-count', `count ${count} outside 1..${SYNC_MAX_SHARES_PER_REPLY}`)
    }
    return { kind: 'window', tip: isZero(tip) ? undefined : tip, skip, count }
  }
  if (kind === KIND_BY_ID) {
    const n = r.varint(SYNC_MAX_IDS_PER_REQUEST)
    if (n < 1) throw new DecodeError('sync-count', 'by-id request without ids')
    const ids: Uint8Array[] = []
    for (let i = 0; i < n; i++) ids.push(r.bytes(SHARE_ID_BYTES))
    r.expectEnd()
    return { kind: 'byId', ids }
  }
  throw new DecodeError('sync-kind', `unknown sync request kind ${kind}`)
}

export function encodeSyncReply(reply: SyncReply): Uint8Array {
  const w = new ByteWriter()
  w.u8(STATUS_CODES.indexOf(reply.status))
    .bytes(reply.tip)
    .u8(reply.more ? 1 : 0)
    .varint(reply.shares.length)
  for (const share of reply.shares) w.varBytes(share)
  return w.finish()
}

export function decodeSyncReply(bytes: Uint8Array, maxItemBytes: number = MAX_SHARE_MESSAGE_BYTES): SyncReply {
  const r = new ByteReader(bytes)
  const code = r.u8()
  const status = STATUS_CODES[code]
  if (status === undefined) throw new DecodeError('sync-status', `unknown sync status ${code}`)
  const tip = r.bytes(SHARE_ID_BYTES)
  const moreByte = r.u8()
  if (moreByte > 1) throw new DecodeError('sync-more', 'more flag must be 0 or 1')
  const n = r.varint(SYNC_MAX_SHARES_PER_REPLY)
  const shares: Uint8Array[] = []
  for (let i = 0; i < n; i++) shares.push(r.varBytes(maxItemBytes))
  r.expectEnd()
  return { status, tip, shares, more: moreByte === 1 }
}

export function emptySyncReply(status: SyncStatus): SyncReply {
  return { status, tip: NO_TIP, shares: [], more: false }
}

// --- template fetch -------------------------------------------------------------------------------
export const TEMPLATE_ID_BYTES = 32

export type TemplateReply = { status: 'ok'; template: Uint8Array } | { status: Exclude<SyncStatus, 'ok'> }

export function encodeTemplateRequest(templateId: Uint8Array): Uint8Array {
  if (templateId.length !== TEMPLATE_ID_BYTES) throw new TypeError(`template id must be ${TEMPLATE_ID_BYTES} bytes`)
  return templateId.slice()
}

export function decodeTemplateRequest(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== TEMPLATE_ID_BYTES) {
    throw new DecodeError(
      'template-request',
      `template request must be ${TEMPLATE_ID_BYTES} bytes, got ${bytes.length}`
    )
  }
  return bytes
}

export function encodeTemplateReply(reply: TemplateReply): Uint8Array {
  const w = new ByteWriter()
  w.u8(STATUS_CODES.indexOf(reply.status))
  if (reply.status === 'ok') w.varBytes(reply.template)
  return w.finish()
}

export function decodeTemplateReply(bytes: Uint8Array): TemplateReply {
  const r = new ByteReader(bytes)
  const status = STATUS_CODES[r.u8()]
  if (status === undefined) throw new DecodeError('template-status', 'unknown template reply status')
  if (status !== 'ok') {
    r.expectEnd()
    return { status }
  }
  const template = r.varBytes(MAX_TEMPLATE_REPLY_BYTES)
  r.expectEnd()
  return { status, template }
}

function isZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false
  return true
}
