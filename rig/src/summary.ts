// The rig's one-line summary, printed about every second:
//   2 x sha256d 3.61 + 3.58 = 7.19 MH/s | accepted 120 rejected 2 (Low difficulty share 2) | diff 0.001 | drops 0 refused 0
import type { RigStats } from './rig'
import { formatDifficulty } from './rig'

const UNITS = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s']

/** Hashes per second with a unit, 3 significant digits. */
export function formatHashrate(hps: number): string {
  let value = hps
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toPrecision(3)} ${UNITS[unit]}`
}

export function formatSummary(s: RigStats, algorithm: string): string {
  const perThread = s.hashrates.map((h) => formatHashrate(h).split(' ')[0]).join(' + ')
  const rate = s.threads > 1 ? `${perThread} = ${formatHashrate(s.hashrate)}` : formatHashrate(s.hashrate)
  const reasons = Object.entries(s.rejectReasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ')
  const parts = [
    `${s.threads} x ${algorithm} ${rate}`,
    `accepted ${s.accepted} rejected ${s.rejected}${reasons.length > 0 ? ` (${reasons})` : ''}${s.lost > 0 ? ` lost ${s.lost}` : ''}`,
    `diff ${s.difficulty === undefined ? '-' : formatDifficulty(s.difficulty)}`,
    s.connected ? 'connected' : 'not connected',
    `drops ${s.drops} refused ${s.refusals}`
  ]
  return parts.join(' | ')
}
