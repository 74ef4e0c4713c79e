// The monitor's own table in the relay's LevelDB (one sublevel, `monitor`): history points per tier
// under `<tier>:<ms hex>`, the rig directory under `rigs`, and recent alert events under `e:<ms hex>:<seq>`.
// Point writes go in one batch per second with the deletes of what fell out of its tier, so the table
// holds at most what the tiers keep (history.ts states the bound). Not synced: LevelDB's log survives a
// process crash; an OS crash may lose the last seconds of history, which nothing depends on.
import type { ClassicLevel } from 'classic-level'
import { decodePoint, encodePoint, type HistoryPoint } from './point'

/** Hex digits of ms-since-epoch in keys (enough until the year 10889), so keys sort by time. */
const TIME_KEY_HEX_DIGITS = 12
const RIG_DIRECTORY_KEY = 'rigs'
const EVENT_PREFIX = 'e:'

export type TierKey = 's' | 'm' | 'h'

/** One slot of the rig directory: which rig a slot's series belong to, and when it last had hashrate. */
export interface RigSlot {
  rig: string
  lastSeenMs: number
}

export interface HistoryWrite {
  put?: Array<{ tier: TierKey; point: HistoryPoint }>
  del?: Array<{ tier: TierKey; t: number }>
  rigs?: readonly RigSlot[]
  events?: { put: Array<{ t: number; seq: number; json: string }>; delBefore?: { t: number; seq: number } }
}

const timeHex = (ms: number): string => Math.max(0, Math.floor(ms)).toString(16).padStart(TIME_KEY_HEX_DIGITS, '0')
const pointKey = (tier: TierKey, t: number): string => `${tier}:${timeHex(t)}`
const eventKey = (t: number, seq: number): string => `${EVENT_PREFIX}${timeHex(t)}:${seq.toString(16).padStart(8, '0')}`
const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

type Db = ClassicLevel<string, string>
type Op = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

export class HistoryStore {
  private readonly table

  constructor(db: Db) {
    this.table = db.sublevel<string, Uint8Array>('monitor', { valueEncoding: 'view' })
  }

  /** Every stored point of a tier, oldest first; a point that does not decode is skipped (and deleted on the next prune). */
  async loadTier(tier: TierKey): Promise<HistoryPoint[]> {
    const out: HistoryPoint[] = []
    for await (const [key, value] of this.table.iterator({ gt: `${tier}:`, lt: `${tier};` })) {
      const t = parseInt(key.slice(2), 16)
      try {
        out.push(decodePoint(t, value))
      } catch {
        continue
      }
    }
    return out
  }

  async loadRigs(): Promise<RigSlot[]> {
    const raw = await this.table.get(RIG_DIRECTORY_KEY)
    if (raw === undefined) return []
    try {
      const parsed = JSON.parse(fromUtf8.decode(raw)) as unknown
      return Array.isArray(parsed)
        ? parsed.filter((s): s is RigSlot => typeof s?.rig === 'string' && typeof s?.lastSeenMs === 'number')
        : []
    } catch {
      return []
    }
  }

  /** Alert events (JSON) oldest first. */
  async loadEvents(): Promise<string[]> {
    const values = await this.table.values({ gt: EVENT_PREFIX, lt: 'e;' }).all()
    return values.map((v) => fromUtf8.decode(v))
  }

  async write(w: HistoryWrite): Promise<void> {
    const ops: Op[] = []
    for (const { tier, point } of w.put ?? [])
      ops.push({ type: 'put', key: pointKey(tier, point.t), value: encodePoint(point) })
    for (const { tier, t } of w.del ?? []) ops.push({ type: 'del', key: pointKey(tier, t) })
    if (w.rigs !== undefined)
      ops.push({ type: 'put', key: RIG_DIRECTORY_KEY, value: utf8.encode(JSON.stringify(w.rigs)) })
    for (const e of w.events?.put ?? [])
      ops.push({ type: 'put', key: eventKey(e.t, e.seq), value: utf8.encode(e.json) })
    const before = w.events?.delBefore
    if (before !== undefined) {
      for (const key of await this.table.keys({ gt: EVENT_PREFIX, lt: eventKey(before.t, before.seq) }).all())
        ops.push({ type: 'del', key })
    }
    if (ops.length > 0) await this.table.batch(ops)
  }

  /** Keys and values held now, in bytes (what the bound in history.ts limits; LevelDB's own overhead aside). */
  async liveBytes(): Promise<{ bytes: number; entries: number }> {
    let bytes = 0
    let entries = 0
    for await (const [key, value] of this.table.iterator()) {
      bytes += key.length + value.byteLength
      entries++
    }
    return { bytes, entries }
  }
}
