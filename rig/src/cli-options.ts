// Command line of `npm run rig`, cpuminer's spelling:
//   -o stratum+tcp://HOST:PORT  -u ADDRESS[.worker]  [-p PASSWORD]  -t THREADS  [-a sha256d|scrypt]
// with -o repeated for backup pools (cgminer's spelling: the first is used first, the others in order),
// plus --duty (fraction of time hashing), -s/--scantime (cpuminer's), --extranonce-subscribe.
// Every problem is reported at once, each in words an operator can act on.
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { DEFAULT_SCANTIME_SECONDS } from './constants'
import { MAX_HASH_THREADS } from './hash-threads'
import type { RigOptions } from './rig'
import { errorMessage } from '@otedama/shared/util'

export const RIG_USAGE = `Usage: npm run rig -- -o stratum+tcp://HOST:PORT -u ADDRESS[.worker] [options]

  -o, --url URL             pool: stratum+tcp://HOST:PORT (or HOST:PORT); repeat for backup pools,
                            tried in order the moment the current one drops
  -u, --user USER           payout address of the pool's network, optionally .worker
  -p, --pass PASSWORD       password (default x; Otedama relays read d=<difficulty>)
  -t, --threads N           hash threads (default: every logical core, ${availableParallelism()} here)
  -a, --algo ALGORITHM      sha256d (default) or scrypt (difficulty on the scrypt scale, 2^16 easier)
      --duty FRACTION       fraction of time the threads hash, 0 < f <= 1 (default 1)
  -s, --scantime SECONDS    longest a thread stays on a job after a notify without clean_jobs (default ${DEFAULT_SCANTIME_SECONDS})
      --extranonce-subscribe  let the pool change extranonce1 (mining.set_extranonce)
  -h, --help                this text

Logs go to stderr (OTEDAMA_LOG=debug|info|warn|error); Ctrl-C stops cleanly.`

export class RigUsageError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'RigUsageError'
  }
}

export type ParsedCommandLine = { help: true } | { help: false; options: RigOptions }

export function parseRigArgs(argv: string[]): ParsedCommandLine {
  let values: Record<string, string | string[] | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string', short: 'o', multiple: true },
        user: { type: 'string', short: 'u' },
        pass: { type: 'string', short: 'p' },
        threads: { type: 'string', short: 't' },
        algo: { type: 'string', short: 'a' },
        duty: { type: 'string' },
        scantime: { type: 'string', short: 's' },
        'extranonce-subscribe': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    throw new RigUsageError([errorMessage(err)])
  }
  if (values.help === true) return { help: true }
  const problems: string[] = []
  const urls = (values.url as string[] | undefined) ?? []
  const endpoints: Array<{ host: string; port: number }> = []
  if (urls.length === 0) problems.push('-o stratum+tcp://HOST:PORT is required')
  for (const url of urls) {
    const endpoint = parseStratumUrl(url)
    if (typeof endpoint === 'string') problems.push(endpoint)
    else endpoints.push(endpoint)
  }
  const user = values.user as string | undefined
  if (user === undefined || user.length === 0)
    problems.push("-u ADDRESS[.worker] is required (a payout address of the pool's network)")
  const threads = values.threads === undefined ? availableParallelism() : Number(values.threads)
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_HASH_THREADS)
    problems.push(`-t must be an integer 1..${MAX_HASH_THREADS}, got ${String(values.threads)}`)
  const algorithm = (values.algo as string | undefined) ?? 'sha256d'
  if (algorithm !== 'sha256d' && algorithm !== 'scrypt') problems.push(`-a must be sha256d or scrypt, got ${algorithm}`)
  const dutyCycle = values.duty === undefined ? 1 : Number(values.duty)
  if (!(dutyCycle > 0 && dutyCycle <= 1))
    problems.push(`--duty must be a fraction 0 < f <= 1, got ${String(values.duty)}`)
  const scantimeSeconds = values.scantime === undefined ? DEFAULT_SCANTIME_SECONDS : Number(values.scantime)
  if (!(scantimeSeconds >= 0 && Number.isFinite(scantimeSeconds)))
    problems.push(`--scantime must be seconds >= 0, got ${String(values.scantime)}`)
  if (problems.length > 0) throw new RigUsageError(problems)
  return {
    help: false,
    options: {
      endpoint: endpoints[0],
      ...(endpoints.length > 1 ? { fallbacks: endpoints.slice(1) } : {}),
      user: user as string,
      password: (values.pass as string | undefined) ?? 'x',
      threads,
      algorithm: algorithm as RigOptions['algorithm'],
      dutyCycle,
      scantimeSeconds,
      extranonceSubscribe: values['extranonce-subscribe'] === true
    }
  }
}

/** stratum+tcp://HOST:PORT or HOST:PORT (IPv6 in brackets); a string is what is wrong with it. */
export function parseStratumUrl(url: string): { host: string; port: number } | string {
  const withScheme = url.includes('://') ? url : `stratum+tcp://${url}`
  let parsed: URL
  try {
    parsed = new URL(withScheme)
  } catch {
    return `-o ${url}: not a URL; use stratum+tcp://HOST:PORT`
  }
  if (parsed.protocol !== 'stratum+tcp:' && parsed.protocol !== 'stratum:') {
    return `-o ${url}: only stratum+tcp:// is supported (for TLS put a local TLS tunnel in front)`
  }
  const port = Number(parsed.port)
  if (parsed.port === '' || !Number.isInteger(port) || port < 1 || port > 65535)
    return `-o ${url}: a port 1..65535 is required (Otedama relays use 3333)`
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  if (host.length === 0) return `-o ${url}: a host is required`
  return { host, port }
}
