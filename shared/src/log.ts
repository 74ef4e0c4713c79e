// One tiny levelled logger for browser and Node. Output goes to stderr-style sinks (console.error /
// console.warn), never console.log, so stdout stays free for program output (bench JSON, CLI answers).
//
// A log must not be a way to fill a disk or stall the process: every source (logger name) and level has
// a token bucket of lines, over which lines are dropped and counted; every message is cut to a bounded
// length. The first line admitted after a drop says how many were dropped, and `logCounters()` gives
// the totals per source (the relay shows them in /metrics).
import { TokenBucket } from './util/token-bucket'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Logger {
  debug(message: string, ...details: unknown[]): void
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

/** Longest message written (chars); the rest is cut and its length noted. A Stratum user string alone may be 4 KiB. */
export const MAX_LOG_MESSAGE_CHARS = 512
/** Lines per second one source may write at one level, sustained. */
export const LOG_LINES_PER_SOURCE_PER_SECOND = 20
/** Lines one source may write at once at one level above that rate (bucket size). */
export const LOG_LINE_BURST_PER_SOURCE = 100
/** Longest text kept of a string detail (chars); errors keep their message and a cut stack. */
const MAX_LOG_DETAIL_CHARS = 2048

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
const DEFAULT_LEVEL: LogLevel = 'info'

function isLogLevel(s: unknown): s is LogLevel {
  return typeof s === 'string' && Object.hasOwn(LEVEL_RANK, s)
}

/** OTEDAMA_LOG from the environment where `process` exists (Node, workers under Node); else the default. */
function levelFromEnvironment(): LogLevel {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const wanted = env?.OTEDAMA_LOG?.trim().toLowerCase()
  return isLogLevel(wanted) ? wanted : DEFAULT_LEVEL
}

let currentLevel: LogLevel = levelFromEnvironment()

/** shared/ compiles without DOM or Node typings, so the console is typed here by what we use. */
interface ConsoleSinks {
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
}
let sinks: ConsoleSinks = (globalThis as unknown as { console: ConsoleSinks }).console

/** Sets the level for every logger (they read it on each call). */
export function setLogLevel(level: LogLevel): void {
  if (!isLogLevel(level))
    throw new TypeError(`unknown log level "${String(level)}"; use debug, info, warn, error or silent`)
  currentLevel = level
}

export function getLogLevel(): LogLevel {
  return currentLevel
}

/** Where lines go (default: the console); returns the previous sinks. Tests count lines with it. */
export function setLogSinks(next: ConsoleSinks): ConsoleSinks {
  const previous = sinks
  sinks = next
  return previous
}

/** What one source's limits did since start. */
export interface SourceLogCounters {
  /** Lines written. */
  written: number
  /** Lines dropped over the source's rate. */
  suppressed: number
  /** Lines written cut to MAX_LOG_MESSAGE_CHARS. */
  truncated: number
}

type EmitLevel = Exclude<LogLevel, 'silent'>

interface SourceLineLimit {
  lines: TokenBucket
  /** Dropped since the last admitted line of this source and level (reported on that next line). */
  pendingSuppressed: number
}

const counters = new Map<string, SourceLogCounters>()
/** Per source and level; loggers created under one name share their limit. */
const limits = new Map<string, SourceLineLimit>()

/** Totals per source, for metrics (a copy). */
export function logCounters(): Record<string, SourceLogCounters> {
  return Object.fromEntries([...counters].map(([source, c]) => [source, { ...c }]))
}

function countersOf(source: string): SourceLogCounters {
  let c = counters.get(source)
  if (c === undefined) counters.set(source, (c = { written: 0, suppressed: 0, truncated: 0 }))
  return c
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars cut)`
}

function boundDetail(detail: unknown): unknown {
  if (typeof detail === 'string') return cut(detail, MAX_LOG_DETAIL_CHARS)
  if (detail instanceof Error) return cut(detail.stack ?? `${detail.name}: ${detail.message}`, MAX_LOG_DETAIL_CHARS)
  return detail
}

const nowMs = (): number => Date.now()

export function createLogger(name: string): Logger {
  const counts = countersOf(name)
  const admit = (level: EmitLevel): { admitted: boolean; dropped: number } => {
    const now = nowMs()
    const key = `${name} ${level}`
    let limit = limits.get(key)
    if (limit === undefined) {
      limit = {
        lines: new TokenBucket(LOG_LINES_PER_SOURCE_PER_SECOND, LOG_LINE_BURST_PER_SOURCE, now),
        pendingSuppressed: 0
      }
      limits.set(key, limit)
    }
    if (!limit.lines.tryTake(now)) {
      limit.pendingSuppressed++
      counts.suppressed++
      return { admitted: false, dropped: 0 }
    }
    const dropped = limit.pendingSuppressed
    limit.pendingSuppressed = 0
    return { admitted: true, dropped }
  }
  const emit = (level: EmitLevel, message: string, details: unknown[]): void => {
    if (LEVEL_RANK[level] < LEVEL_RANK[currentLevel]) return
    const { admitted, dropped } = admit(level)
    if (!admitted) return
    const text = String(message)
    if (text.length > MAX_LOG_MESSAGE_CHARS) counts.truncated++
    counts.written++
    const note = dropped > 0 ? ` [${dropped} earlier ${level} lines of ${name} suppressed]` : ''
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${name}: ${cut(text, MAX_LOG_MESSAGE_CHARS)}${note}`
    const bounded = details.map(boundDetail)
    if (level === 'warn') sinks.warn(line, ...bounded)
    else sinks.error(line, ...bounded)
  }
  return {
    debug: (message, ...details) => emit('debug', message, details),
    info: (message, ...details) => emit('info', message, details),
    warn: (message, ...details) => emit('warn', message, details),
    error: (message, ...details) => emit('error', message, details)
  }
}
