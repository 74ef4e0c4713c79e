const HASHRATE_UNITS = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s', 'EH/s']

export function formatHashrate (hashesPerSecond: number): string {
  let value = hashesPerSecond
  let unit = 0
  while (value >= 1000 && unit < HASHRATE_UNITS.length - 1) { value /= 1000; unit++ }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 2)} ${HASHRATE_UNITS[unit]}`
}

const MINUTE = 60
const HOUR = 3600
const DAY = 86_400
const YEAR = 365.25 * DAY

/** A duration in words, honest at every scale: "42 s", "3.1 h", "12 days", "4,300 years". */
export function formatDuration (seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never at this rate'
  if (seconds < MINUTE) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  if (seconds < HOUR) return `${(seconds / MINUTE).toFixed(1)} min`
  if (seconds < DAY) return `${(seconds / HOUR).toFixed(1)} h`
  if (seconds < YEAR) return `${(seconds / DAY).toFixed(1)} days`
  return `${Math.round(seconds / YEAR).toLocaleString('en-US')} years`
}

/** Satoshi-style integer amount to a decimal coin string without float rounding. */
export function formatAmount (amount: bigint, decimals = 8, unit = ''): string {
  const negative = amount < 0n
  const abs = negative ? -amount : amount
  const scale = 10n ** BigInt(decimals)
  const whole = abs / scale
  const frac = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}${unit ? ' ' + unit : ''}`
}

export function shortId (hex: string, keep = 8): string {
  return hex.length <= keep * 2 ? hex : `${hex.slice(0, keep)}…${hex.slice(-4)}`
}

/** A hash kept as internal-order hex (as sha256d outputs it) shown the way explorers show it: reversed. */
export function displayHex (internalHex: string): string {
  return (internalHex.match(/../g) ?? []).reverse().join('')
}
