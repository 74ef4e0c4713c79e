// One history point (a second, a minute or an hour): the pool figures in FIELDS order and the
// hashrate of each tracked rig by its slot in the rig directory. Stored as a compact binary value:
//   u8 format version | f32 × FIELD_COUNT (NaN = not measured) | u16 rig count | (u16 slot, f32 H/s) × count
// Float32 keeps ~7 significant digits: enough for charts and thresholds, half the bytes of float64.
import { FIELD_COUNT, FIELD_INDEX, FIELD_NAMES, FIELDS, type FieldName } from './fields'

/** Format version byte of a stored point. */
export const POINT_FORMAT = 1
/** Bytes of a stored point without rigs, and per rig. */
export const POINT_HEADER_BYTES = 1 + 4 * FIELD_COUNT + 2
export const POINT_BYTES_PER_RIG = 6

export interface HistoryPoint {
  /** Start of the span, wall-clock ms (a multiple of the tier's step). */
  t: number
  /** FIELDS order; NaN where not measured. */
  values: Float32Array
  /** Rig slots ascending, and their mean hashrate (H/s) over the span; rigs without hashrate are absent. */
  rigSlots: Uint16Array
  rigHashrates: Float32Array
}

export function emptyValues(): Float32Array {
  return new Float32Array(FIELD_COUNT).fill(Number.NaN)
}

export function valueOf(p: HistoryPoint, field: FieldName): number {
  return p.values[FIELD_INDEX[field]] as number
}

/** A rig's hashrate in a point (0 where the point has none for it). */
export function rigValueOf(p: HistoryPoint, slot: number): number {
  let lo = 0
  let hi = p.rigSlots.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = p.rigSlots[mid] as number
    if (s === slot) return p.rigHashrates[mid] as number
    if (s < slot) lo = mid + 1
    else hi = mid - 1
  }
  return 0
}

export function encodePoint(p: HistoryPoint): Uint8Array {
  const n = p.rigSlots.length
  const out = new Uint8Array(POINT_HEADER_BYTES + POINT_BYTES_PER_RIG * n)
  const view = new DataView(out.buffer)
  out[0] = POINT_FORMAT
  let at = 1
  for (let i = 0; i < FIELD_COUNT; i++, at += 4) view.setFloat32(at, p.values[i] as number, true)
  view.setUint16(at, n, true)
  at += 2
  for (let i = 0; i < n; i++, at += POINT_BYTES_PER_RIG) {
    view.setUint16(at, p.rigSlots[i] as number, true)
    view.setFloat32(at + 2, p.rigHashrates[i] as number, true)
  }
  return out
}

/** Decodes a stored point; throws on a value of another format or size (the caller skips it). */
export function decodePoint(t: number, bytes: Uint8Array): HistoryPoint {
  if (bytes.length < POINT_HEADER_BYTES || bytes[0] !== POINT_FORMAT)
    throw new Error(`history point at ${t}: unknown format`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const values = new Float32Array(FIELD_COUNT)
  let at = 1
  for (let i = 0; i < FIELD_COUNT; i++, at += 4) values[i] = view.getFloat32(at, true)
  const n = view.getUint16(at, true)
  at += 2
  if (bytes.length !== POINT_HEADER_BYTES + POINT_BYTES_PER_RIG * n)
    throw new Error(`history point at ${t}: ${bytes.length} bytes for ${n} rigs`)
  const rigSlots = new Uint16Array(n)
  const rigHashrates = new Float32Array(n)
  for (let i = 0; i < n; i++, at += POINT_BYTES_PER_RIG) {
    rigSlots[i] = view.getUint16(at, true)
    rigHashrates[i] = view.getFloat32(at + 2, true)
  }
  return { t, values, rigSlots, rigHashrates }
}

/**
 * Folds finer points (all within one coarser span) into one point at `t`, field by field (fields.ts).
 * A rig's mean counts the seconds it had no hashrate as 0, so a rig online half a minute shows half.
 */
export function foldPoints(t: number, points: readonly HistoryPoint[]): HistoryPoint {
  const values = emptyValues()
  const samplesAt = FIELD_INDEX.samples
  const weightOf = (p: HistoryPoint): number => {
    const s = p.values[samplesAt] as number
    return Number.isNaN(s) ? 0 : s
  }
  const totalSamples = points.reduce((s, p) => s + weightOf(p), 0)
  FIELD_NAMES.forEach((name, i) => {
    const fold = FIELDS[name].fold
    let acc = 0
    let weight = 0
    let seen = false
    for (const p of points) {
      const v = p.values[i] as number
      if (Number.isNaN(v)) continue
      switch (fold.kind) {
        case 'sum':
          acc += v
          seen = true
          break
        case 'max':
          acc = seen ? Math.max(acc, v) : v
          seen = true
          break
        case 'mean': {
          const w = weightOf(p)
          acc += v * w
          weight += w
          seen = w > 0 || seen
          break
        }
        case 'mean-per': {
          const w = p.values[FIELD_INDEX[fold.weight]] as number
          if (Number.isNaN(w) || w <= 0) break
          acc += v * w
          weight += w
          seen = true
          break
        }
      }
    }
    if (!seen) return
    values[i] = fold.kind === 'mean' || fold.kind === 'mean-per' ? (weight > 0 ? acc / weight : Number.NaN) : acc
  })
  const rigSums = new Map<number, number>()
  for (const p of points) {
    const w = weightOf(p)
    for (let i = 0; i < p.rigSlots.length; i++) {
      const slot = p.rigSlots[i] as number
      rigSums.set(slot, (rigSums.get(slot) ?? 0) + (p.rigHashrates[i] as number) * w)
    }
  }
  const slots = [...rigSums.keys()].sort((a, b) => a - b)
  const rigHashrates = new Float32Array(
    slots.map((s) => (totalSamples > 0 ? (rigSums.get(s) as number) / totalSamples : 0))
  )
  return { t, values, rigSlots: Uint16Array.from(slots), rigHashrates }
}
