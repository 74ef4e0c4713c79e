// One tiny levelled logger for browser and Node. Output goes to stderr-style sinks (console.error /
// console.warn), never console.log, so stdout stays free for program output (bench JSON, CLI answers).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Logger {
  debug(message: string, ...details: unknown[]): void
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

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
const sinks = (globalThis as unknown as { console: ConsoleSinks }).console

/** Sets the level for every logger (they read it on each call). */
export function setLogLevel(level: LogLevel): void {
  if (!isLogLevel(level)) throw new TypeError(`unknown log level "${String(level)}"; use debug, info, warn, error or silent`)
  currentLevel = level
}

export function getLogLevel(): LogLevel {
  return currentLevel
}

export function createLogger(name: string): Logger {
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, details: unknown[]): void => {
    if (LEVEL_RANK[level] < LEVEL_RANK[currentLevel]) return
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${name}: ${message}`
    if (level === 'warn') sinks.warn(line, ...details)
    else sinks.error(line, ...details)
  }
  return {
    debug: (message, ...details) => emit('debug', message, details),
    info: (message, ...details) => emit('info', message, details),
    warn: (message, ...details) => emit('warn', message, details),
    error: (message, ...details) => emit('error', message, details)
  }
}
