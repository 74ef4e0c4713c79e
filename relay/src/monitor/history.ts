// The relay's metric history: 1-second points for an hour, 1-minute points for a day, 1-hour points
// for a month (DESIGN: "a live stream and history of 1-second metrics"). Every tier lives in memory for
// queries and in the relay's LevelDB (history-store.ts) so it survives a restart. A coarser point is
// folded from the finer points of its span when the span closes (fields.ts says how each figure
// folds); queries of a coarse range end with the open span folded so far, so charts do not lag.
import { FIELD_INDEX, FIELDS, isFieldName, type FieldName } from './fields'
import { HistoryStore, type TierKey } from './history-store'
import {
  emptyValues,
  foldPoints,
  POINT_BYTES_PER_RIG,
  POINT_HEADER_BYTES,
  rigValueOf,
  valueOf,
  type HistoryPoint
} from './point'
import { MAX_RIG_SERIES, RigDirectory } from './rig-directory'

export interface Tier {
  key: TierKey
  /** Span of one point (ms). */
  stepMs: number
  /** Points kept (count): the tier covers keep × step. */
  keep: number
}

/** Finest first; each tier's step is a whole multiple of the one before. */
export const TIERS: readonly Tier[] = [
  { key: 's', stepMs: 1000, keep: 3600 }, // 1 s for an hour
  { key: 'm', stepMs: 60_000, keep: 1440 }, // 1 min for a day
  { key: 'h', stepMs: 3_600_000, keep: 720 } // 1 h for 30 days
]

/** The ranges the PWA's charts ask for: which tier answers and how far back. */
export const HISTORY_RANGES = {
  '10m': { tier: 0, spanMs: 10 * 60_000 },
  '1h': { tier: 0, spanMs: 60 * 60_000 },
  '24h': { tier: 1, spanMs: 24 * 60 * 60_000 },
  '30d': { tier: 2, spanMs: 30 * 24 * 60 * 60_000 }
} as const
export type HistoryRange = keyof typeof HISTORY_RANGES

/** Series one query may ask for (count); each is up to 3600 numbers. */
export const MAX_QUERY_SERIES = 16
/** The rig directory is written with its last-seen times at least this often (ms). */
export const RIG_DIRECTORY_SAVE_MS = 60_000
/** Series answered when a query names none. */
export const DEFAULT_SERIES: readonly FieldName[] = [
  'poolHashrate',
  'rigHashrate',
  'rigsOnline',
  'peers',
  'sharesAccepted',
  'pseudoSharesAccepted',
  'pseudoSharesRejected',
  'pseudoSharesStale'
]
export const RIG_SERIES_PREFIX = 'rig:'
/** Longest key of a stored point (tier char, ':' and 12 hex digits). */
const POINT_KEY_BYTES = 14
/** Longest rig key (address.worker, chars) the directory bound assumes, and its JSON overhead per slot. */
const RIG_KEY_MAX_BYTES = 256 + 64
const RIG_SLOT_JSON_BYTES = 40

/**
 * Most bytes the history's points and rig directory hold in the store (keys and values): every tier full,
 * every point with every rig slot. With 10 rigs it is ~0.9 MB; 1 000 rigs ~35 MB; the bound ~71 MB.
 */
export function historyBoundBytes(maxRigs = MAX_RIG_SERIES): number {
  const points = TIERS.reduce((s, t) => s + t.keep, 0)
  return (
    points * (POINT_KEY_BYTES + POINT_HEADER_BYTES + POINT_BYTES_PER_RIG * maxRigs) +
    maxRigs * (RIG_KEY_MAX_BYTES + RIG_SLOT_JSON_BYTES) +
    4
  )
}

/** One second's figures (NaN or absent where not measured) and each rig's hashrate (H/s). */
export interface Sample {
  t: number
  values: Partial<Record<FieldName, number>>
  rigs: ReadonlyArray<readonly [rig: string, hashesPerSecond: number]>
}

/** GET /api/v1/monitor/history: columns for a chart (uPlot's shape: times, then one array per series). */
export interface HistoryAnswer {
  range: HistoryRange
  stepSeconds: number
  /** Span start times, wall-clock ms, oldest first. */
  t: number[]
  /** One value per time (null: not measured then). Counts are per point: divide by stepSeconds for a rate. */
  series: Record<string, Array<number | null>>
  units: Record<string, string>
  /** The last point's span is still open (folded from what it has so far). */
  lastPointPartial: boolean
}

export class HistoryQueryError extends Error {
  override readonly name = 'HistoryQueryError'
}

export class History {
  private readonly tiers: HistoryPoint[][]
  /** Start of the span each coarse tier is filling (index 1, 2), undefined before the first point. */
  private readonly open: Array<number | undefined>
  private writes: Promise<void> = Promise.resolve()
  private lastDirectorySave = 0

  private constructor(
    private readonly store: HistoryStore,
    tiers: HistoryPoint[][],
    readonly rigs: RigDirectory
  ) {
    this.tiers = tiers
    this.open = TIERS.map((tier, i) => {
      const finer = tiers[i - 1]
      const newest = finer?.[finer.length - 1]
      return i === 0 || newest === undefined ? undefined : Math.floor(newest.t / tier.stepMs) * tier.stepMs
    })
  }

  static async open(store: HistoryStore, maxRigs = MAX_RIG_SERIES): Promise<History> {
    const tiers = await Promise.all(TIERS.map(async (t) => await store.loadTier(t.key)))
    const longest = TIERS[TIERS.length - 1] as Tier
    return new History(store, tiers, new RigDirectory(await store.loadRigs(), longest.stepMs * longest.keep, maxRigs))
  }

  /** Points held in each tier now (finest first). */
  counts(): number[] {
    return this.tiers.map((t) => t.length)
  }

  newest(): HistoryPoint | undefined {
    const s = this.tiers[0] as HistoryPoint[]
    return s[s.length - 1]
  }

  /** Adds one second; a second already held (or older) is ignored. Writes are serialized; await to know it is stored. */
  async add(sample: Sample): Promise<void> {
    const t = Math.floor(sample.t / 1000) * 1000
    const newest = this.newest()
    if (newest !== undefined && t <= newest.t) return
    const values = emptyValues()
    for (const [name, v] of Object.entries(sample.values))
      if (isFieldName(name) && v !== undefined) values[FIELD_INDEX[name]] = v
    values[FIELD_INDEX.samples] = 1
    let untracked = 0
    const byRig: Array<[number, number]> = []
    for (const [rig, rate] of sample.rigs) {
      if (!(rate > 0)) continue
      const slot = this.rigs.slotFor(rig, t)
      if (slot === undefined) untracked += rate
      else byRig.push([slot, rate])
    }
    values[FIELD_INDEX.untrackedRigHashrate] = untracked
    byRig.sort((a, b) => a[0] - b[0])
    const point: HistoryPoint = {
      t,
      values,
      rigSlots: Uint16Array.from(byRig, (r) => r[0]),
      rigHashrates: Float32Array.from(byRig, (r) => r[1])
    }
    const write = this.append(0, point)
    const rigs = this.rigs.takeChanges(t - this.lastDirectorySave >= RIG_DIRECTORY_SAVE_MS)
    if (rigs !== undefined) this.lastDirectorySave = t
    const job = this.writes.then(
      async () => await this.store.write({ ...write, ...(rigs !== undefined ? { rigs } : {}) })
    )
    this.writes = job.catch(() => undefined)
    await job
  }

  /** Puts a point into tier i, closes coarser spans it ends, drops what fell out; returns the store write. */
  private append(
    i: number,
    point: HistoryPoint
  ): { put: Array<{ tier: TierKey; point: HistoryPoint }>; del: Array<{ tier: TierKey; t: number }> } {
    const tier = TIERS[i] as Tier
    const points = this.tiers[i] as HistoryPoint[]
    const put = [{ tier: tier.key, point }]
    const del: Array<{ tier: TierKey; t: number }> = []
    points.push(point)
    const oldestKept = point.t - (tier.keep - 1) * tier.stepMs
    let drop = 0
    while (drop < points.length && (points[drop] as HistoryPoint).t < oldestKept)
      del.push({ tier: tier.key, t: (points[drop++] as HistoryPoint).t })
    if (drop > 0) points.splice(0, drop)
    const coarser = TIERS[i + 1]
    if (coarser === undefined) return { put, del }
    const span = Math.floor(point.t / coarser.stepMs) * coarser.stepMs
    const open = this.open[i + 1]
    this.open[i + 1] = span
    if (open === undefined || span <= open) return { put, del }
    const closed = this.finerIn(i, open, open + coarser.stepMs)
    if (closed.length === 0) return { put, del }
    const up = this.append(i + 1, foldPoints(open, closed))
    return { put: [...put, ...up.put], del: [...del, ...up.del] }
  }

  private finerIn(i: number, from: number, to: number): HistoryPoint[] {
    return (this.tiers[i] as HistoryPoint[]).filter((p) => p.t >= from && p.t < to)
  }

  /** The open span of tier i folded from its finer points so far (undefined for the finest tier or an empty span). */
  private provisional(i: number): HistoryPoint | undefined {
    const open = this.open[i]
    if (i === 0 || open === undefined) return undefined
    const finer = this.finerIn(i - 1, open, open + (TIERS[i] as Tier).stepMs)
    const deeper = this.provisional(i - 1)
    if (deeper !== undefined && deeper.t >= open) finer.push(deeper)
    return finer.length === 0 ? undefined : foldPoints(open, finer)
  }

  /** Columns of `series` over `range` ending at `now`; throws HistoryQueryError for a bad range or series. */
  query(range: string, series: readonly string[] | undefined, now: number): HistoryAnswer {
    if (!Object.hasOwn(HISTORY_RANGES, range))
      throw new HistoryQueryError(`range must be one of ${Object.keys(HISTORY_RANGES).join(', ')}`)
    const r = HISTORY_RANGES[range as HistoryRange]
    const names = series === undefined || series.length === 0 ? DEFAULT_SERIES : series
    if (names.length > MAX_QUERY_SERIES) throw new HistoryQueryError(`at most ${MAX_QUERY_SERIES} series per query`)
    const columns: Array<{ name: string; read: (p: HistoryPoint) => number }> = names.map((name) => {
      if (isFieldName(name)) return { name, read: (p) => valueOf(p, name) }
      if (name.startsWith(RIG_SERIES_PREFIX)) {
        const slot = this.rigs.lookup(name.slice(RIG_SERIES_PREFIX.length))
        return { name, read: (p) => (slot === undefined ? 0 : rigValueOf(p, slot)) }
      }
      throw new HistoryQueryError(
        `unknown series "${name.slice(0, 80)}"; known: ${Object.keys(FIELDS).join(', ')}, and ${RIG_SERIES_PREFIX}<address.worker>`
      )
    })
    const tier = TIERS[r.tier] as Tier
    const from = now - r.spanMs
    const points = (this.tiers[r.tier] as HistoryPoint[]).filter((p) => p.t >= from && p.t <= now)
    const partial = this.provisional(r.tier)
    const last = points[points.length - 1]
    const withOpen = partial !== undefined && partial.t >= from && (last === undefined || partial.t > last.t)
    if (withOpen) points.push(partial)
    const answer: HistoryAnswer = {
      range: range as HistoryRange,
      stepSeconds: tier.stepMs / 1000,
      t: points.map((p) => p.t),
      series: {},
      units: {},
      lastPointPartial: withOpen
    }
    for (const c of columns) {
      answer.series[c.name] = points.map((p) => {
        const v = c.read(p)
        return Number.isNaN(v) ? null : v
      })
      answer.units[c.name] = isFieldName(c.name) ? FIELDS[c.name].unit : 'H/s'
    }
    return answer
  }

  /** Sums of `fields` over the 1-second points of the last `windowMs` up to `now` (NaN counts as 0). */
  sumRecent<F extends FieldName>(fields: readonly F[], windowMs: number, now: number): Record<F, number> {
    const out = Object.fromEntries(fields.map((f) => [f, 0])) as Record<F, number>
    const seconds = this.tiers[0] as HistoryPoint[]
    for (let i = seconds.length - 1; i >= 0; i--) {
      const p = seconds[i] as HistoryPoint
      if (p.t <= now - windowMs) break
      if (p.t > now) continue
      for (const f of fields) {
        const v = valueOf(p, f)
        if (!Number.isNaN(v)) out[f] += v
      }
    }
    return out
  }

  /** Resolves once every write so far is stored. */
  async flush(): Promise<void> {
    await this.writes
    const rigs = this.rigs.takeChanges(true)
    if (rigs !== undefined) await this.store.write({ rigs })
  }
}
