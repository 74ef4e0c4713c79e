// A strict reader of the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/
// exposition_formats), independent of the library that writes /metrics: it throws on any line that
// breaks the format, a sample before its family's TYPE, a family declared twice, a duplicate series,
// and a histogram whose buckets are not cumulative or do not end in +Inf = _count.

export interface PromSample {
  name: string
  labels: Record<string, string>
  value: number
}
export interface PromFamily {
  name: string
  type: string
  help: string
  samples: PromSample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  if (text === 'NaN') return Number.NaN
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value "${text}" in: ${line}`)
  return Number(text)
}

/** Labels from `{a="x",b="y"}` (escapes \\, \", \n), the rest of the line after it. */
function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {}
  let i = 1
  while (text[i] !== '}') {
    const eq = text.indexOf('=', i)
    const name = text.slice(i, eq)
    if (!LABEL_NAME.test(name) || text[eq + 1] !== '"') throw new Error(`bad label in: ${line}`)
    let value = ''
    let j = eq + 2
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j]
        if (next === 'n') value += '\n'
        else if (next === '\\' || next === '"') value += next
        else throw new Error(`bad escape in: ${line}`)
      } else value += text[j]
    }
    if (j >= text.length) throw new Error(`unterminated label value in: ${line}`)
    if (Object.hasOwn(labels, name)) throw new Error(`label ${name} twice in: ${line}`)
    labels[name] = value
    i = j + 1
    if (text[i] === ',') i++
    else if (text[i] !== '}') throw new Error(`bad label list in: ${line}`)
  }
  return { labels, rest: text.slice(i + 1) }
}

function familyOf(sample: string, families: Map<string, PromFamily>): PromFamily | undefined {
  if (families.has(sample)) return families.get(sample)
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sample.endsWith(suffix)) {
      const f = families.get(sample.slice(0, -suffix.length))
      if (f !== undefined && (f.type === 'histogram' || f.type === 'summary')) return f
    }
  }
  return undefined
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline')
  const families = new Map<string, PromFamily>()
  const helps = new Map<string, string>()
  const series = new Set<string>()
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta !== null) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string]
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`)
      if (kind === 'HELP') {
        if (helps.has(name)) throw new Error(`HELP twice for ${name}`)
        helps.set(name, rest)
      } else {
        if (!TYPES.has(rest)) throw new Error(`bad type in: ${line}`)
        if (families.has(name)) throw new Error(`TYPE twice for ${name}`)
        families.set(name, { name, type: rest, help: helps.get(name) ?? '', samples: [] })
      }
      continue
    }
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(.*)$/.exec(line)
    if (m === null) throw new Error(`bad sample line: ${line}`)
    const name = m[1] as string
    let rest = m[2] as string
    let labels: Record<string, string> = {}
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line))
    const parts = rest.trim().split(/\s+/)
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`bad sample line: ${line}`)
    const family = familyOf(name, families)
    if (family === undefined) throw new Error(`sample ${name} before its TYPE`)
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (series.has(key)) throw new Error(`duplicate series ${key}`)
    series.add(key)
    family.samples.push({ name, labels, value: parseValue(parts[0] as string, line) })
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f)
  return families
}

function checkHistogram(f: PromFamily): void {
  const groups = new Map<string, PromSample[]>()
  for (const s of f.samples) {
    if (s.name !== `${f.name}_bucket`) continue
    const { le: _le, ...rest } = s.labels
    const key = JSON.stringify(Object.entries(rest).sort())
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  for (const [key, buckets] of groups) {
    let previousLe = Number.NEGATIVE_INFINITY
    let previous = 0
    for (const b of buckets) {
      const le = parseValue(b.labels.le ?? '', `${f.name} le`)
      if (!(le > previousLe) || b.value < previous)
        throw new Error(`${f.name}${key}: buckets not ascending and cumulative`)
      previousLe = le
      previous = b.value
    }
    const count = f.samples.find(
      (s) => s.name === `${f.name}_count` && JSON.stringify(Object.entries(s.labels).sort()) === key
    )
    if (previousLe !== Number.POSITIVE_INFINITY || count?.value !== previous)
      throw new Error(`${f.name}${key}: +Inf bucket must equal _count`)
  }
}
