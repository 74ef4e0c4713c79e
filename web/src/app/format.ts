const HASHRATE_UNITS = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s', 'EH/s']

export function formatHashrate(hashesPerSecond: number): string {
  let value = Number.isFinite(hashesPerSecond) && hashesPerSecond > 0 ? hashesPerSecond : 0
  let unit = 0
  while (value >= 1000 && unit < HASHRATE_UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 2)} ${HASHRATE_UNITS[unit]}`
}

const MINUTE = 60
const HOUR = 3600
const DAY = 86_400
const YEAR = 365.25 * DAY

/** "1 share", "2 shares": the count with its noun, singular only for exactly one. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`
}

/**
 * A duration in words, honest at every scale: "42 s", "3.1 h", "12 days", "4,300 years". A rate of
 * zero gives an infinite duration: callers say so in their own words, this returns "no estimate".
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'no estimate'
  if (seconds < MINUTE) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  if (seconds < HOUR) return `${(seconds / MINUTE).toFixed(1)} min`
  if (seconds < DAY) return `${(seconds / HOUR).toFixed(1)} h`
  if (seconds < YEAR) return `${(seconds / DAY).toFixed(1)} days`
  return `${Math.round(seconds / YEAR).toLocaleString('en-US')} years`
}

/** A window length for hints: "10 min", "1 h", "24 h", "45 s". */
export function formatWindow(seconds: number): string {
  if (seconds < MINUTE) return `${Math.round(seconds)} s`
  if (seconds < HOUR) return `${Math.round(seconds / MINUTE)} min`
  if (seconds < 2 * DAY) return `${Math.round(seconds / HOUR)} h`
  return `${Math.round(seconds / DAY)} days`
}

/** How long ago a unix-seconds time was, relative to `now` (unix seconds): "just now", "3 min ago". */
export function formatAgo(at: number, now: number): string {
  const s = Math.max(0, now - at)
  if (s < 5) return 'just now'
  return `${formatWindow(s)} ago`
}

/** Satoshi-style integer amount to a decimal coin string without float rounding. */
export function formatAmount(amount: bigint, decimals = 8, unit = ''): string {
  const negative = amount < 0n
  const abs = negative ? -amount : amount
  const scale = 10n ** BigInt(decimals)
  const whole = abs / scale
  const frac = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}${unit ? ' ' + unit : ''}`
}

/** An estimate in base units (a float: expectations are not amounts) as coins to 3 significant digits. */
export function formatCoinEstimate(baseUnits: number, decimals = 8, unit = ''): string {
  const coins = baseUnits / 10 ** decimals
  const text =
    coins === 0 || !Number.isFinite(coins)
      ? '0'
      : coins >= 1000
        ? Math.round(coins).toLocaleString('en-US')
        : coins
            .toPrecision(3)
            .replace(/(\.\d*?)0+$/, '$1')
            .replace(/\.$/, '')
  return unit ? `${text} ${unit}` : text
}

/** A Stratum-scale difficulty: "0.00123", "12.3", "4.56 k", "7.89 M", "1.23 G", "4.5 T". */
export function formatDifficulty(difficulty: number): string {
  if (!Number.isFinite(difficulty) || difficulty <= 0) return '—'
  const units = ['', ' k', ' M', ' G', ' T', ' P', ' E']
  let value = difficulty
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value < 1 ? Number(value.toPrecision(3)).toString() : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)}${units[unit]}`
}

/** Parts per million as a percentage with up to 2 decimals: "12.5 %". */
export function formatPpm(ppm: number): string {
  return `${(ppm / 10_000).toFixed(ppm >= 100_000 ? 1 : 2)} %`
}

export function shortId(hex: string, keep = 8): string {
  return hex.length <= keep * 2 ? hex : `${hex.slice(0, keep)}…${hex.slice(-4)}`
}

/** A hash kept as internal-order hex (as sha256d outputs it) shown the way explorers show it: reversed. */
export function displayHex(internalHex: string): string {
  return (internalHex.match(/../g) ?? []).reverse().join('')
}
