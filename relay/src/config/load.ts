import { existsSync, readFileSync, statSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AddressError, addressToScript } from '@otedama/shared/address'
import { getChainParams, isNetworkName, NETWORK_NAMES } from '@otedama/shared/chain'
import type { NetworkName } from '@otedama/shared/chain'
import { assembleAlerts } from './alerts'
import {
  CONSENSUS_KEYS,
  checkValue,
  describeLeaf,
  ignoredPaths,
  isLeaf,
  leafAt,
  leaves,
  parseText,
  SCHEMA,
  schemaDefaults,
  type Branch
} from './schema'
import { ConfigError, type DaemonBackup, type RelayConfig } from './types'
import { errorMessage } from '@otedama/shared/util'

/** Largest config file read (bytes). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024

export interface LoadOptions {
  /** Command-line arguments after the script name (default process.argv.slice(2)). */
  argv?: string[]
  env?: Record<string, string | undefined>
  cwd?: string
}

export interface LoadedConfig {
  config: RelayConfig
  /** Accepted but without effect here (Otedama keys for features that work differently). */
  warnings: string[]
  configFile?: string
  /** True when --help was given: print `configHelp()` and exit. */
  help: boolean
}

/** Loads defaults < file < environment (OTEDAMA_*) < flags, and validates the result as a whole. */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const argv = opts.argv ?? process.argv.slice(2)
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const problems: string[] = []
  const warnings: string[] = []
  const values = new Map<string, unknown>(schemaDefaults())

  const flags = readFlags(argv, problems)
  const file = flags.config ?? env.OTEDAMA_CONFIG
  if (file !== undefined) readFile(resolve(cwd, file), values, problems, warnings)
  for (const [path, leaf] of leaves()) {
    const text = leaf.env !== undefined ? env[leaf.env] : undefined
    if (text === undefined) continue
    const parsed = parseText(leaf.env as string, leaf, text)
    if ('problem' in parsed) problems.push(parsed.problem)
    else values.set(path, parsed.value)
  }
  for (const [path, texts] of flags.values) {
    const leaf = leafAt(path)
    if (leaf === undefined) continue
    if (leaf.kind === 'string[]') {
      values.set(
        path,
        texts.flatMap((t) => (parseText('', leaf, t) as { value: string[] }).value)
      )
      continue
    }
    const parsed = parseText(`--${leaf.flag ?? path}`, leaf, texts[texts.length - 1])
    if ('problem' in parsed) problems.push(parsed.problem)
    else values.set(path, parsed.value)
  }
  // Typed values from env and flags get the same range checks as the file's.
  for (const [path, leaf] of leaves()) {
    const v = values.get(path)
    if (v === undefined) continue
    const problem = checkValue(path, leaf, v)
    if (problem !== undefined && !problems.some((p) => p.startsWith(path + ' '))) problems.push(problem)
  }
  const config = problems.length === 0 ? assemble(values, cwd, problems) : undefined
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems)
  return { config, warnings, ...(file !== undefined ? { configFile: resolve(cwd, file) } : {}), help: flags.help }
}

function readFlags(
  argv: string[],
  problems: string[]
): { config?: string; help: boolean; values: Map<string, string[]> } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    config: { type: 'string' },
    help: { type: 'boolean' }
  }
  const pathOfFlag = new Map<string, string>()
  for (const [path, leaf] of leaves()) {
    if (leaf.flag === undefined) continue
    options[leaf.flag] = { type: 'string', multiple: true }
    pathOfFlag.set(leaf.flag, path)
  }
  const values = new Map<string, string[]>()
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
    for (const [flag, v] of Object.entries(parsed.values)) {
      const path = pathOfFlag.get(flag)
      if (path !== undefined) values.set(path, v as string[])
    }
    return {
      ...(typeof parsed.values.config === 'string' ? { config: parsed.values.config } : {}),
      help: parsed.values.help === true,
      values
    }
  } catch (err) {
    problems.push(`${errorMessage(err)} (run with --help for the accepted flags)`)
    return { help: false, values }
  }
}

function readFile(path: string, values: Map<string, unknown>, problems: string[], warnings: string[]): void {
  let text: string
  try {
    if (statSync(path).size > MAX_CONFIG_FILE_BYTES) {
      problems.push(`config file ${path} is larger than ${MAX_CONFIG_FILE_BYTES} bytes`)
      return
    }
    text = readFileSync(path, 'utf8')
  } catch (err) {
    problems.push(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`)
    return
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    problems.push(`config file ${path} is not valid JSON: ${errorMessage(err)}`)
    return
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    problems.push(`config file ${path} must hold a JSON object`)
    return
  }
  walk(json as Record<string, unknown>, SCHEMA, '', values, problems, warnings)
}

function walk(
  obj: Record<string, unknown>,
  branch: Branch,
  prefix: string,
  values: Map<string, unknown>,
  problems: string[],
  warnings: string[]
): void {
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix + key
    const node = Object.hasOwn(branch, key) ? branch[key] : undefined
    if (node === undefined) {
      problems.push(
        CONSENSUS_KEYS.has(key)
          ? `${path} is a consensus constant, fixed per network in the code; remove it from the config`
          : `unknown key ${path} (known here: ${Object.keys(branch).join(', ')})`
      )
    } else if (node === 'ignored') {
      warnings.push(`${path} has no effect in this relay (accepted for compatibility)`)
    } else if (isLeaf(node)) {
      const problem = checkValue(path, node, value)
      if (problem !== undefined) problems.push(problem)
      else values.set(path, value)
    } else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${path} must be an object`)
    } else {
      walk(value as Record<string, unknown>, node, path + '.', values, problems, warnings)
    }
  }
}

function assemble(values: Map<string, unknown>, cwd: string, problems: string[]): RelayConfig | undefined {
  const get = <T>(path: string): T | undefined => values.get(path) as T | undefined
  const chainName = (get<string>('blockchain') as string).trim().toLowerCase()
  if (!isNetworkName(chainName)) {
    problems.push(`unknown blockchain "${get<string>('blockchain')}"; known: ${NETWORK_NAMES.join(', ')}`)
    return undefined
  }
  const blockchain: NetworkName = chainName
  const params = getChainParams(blockchain)
  const poolAddress = get<string>('poolAddress')?.trim()
  if (poolAddress !== undefined) {
    try {
      addressToScript(poolAddress, params.addresses)
    } catch (err) {
      problems.push(
        `poolAddress "${poolAddress.slice(0, 100)}" is not a valid ${blockchain} address: ${err instanceof AddressError ? err.message : String(err)}`
      )
    }
  }
  const poolFee = get<number>('poolFee') as number
  if (poolFee > 0 && poolAddress === undefined)
    problems.push('poolFee is above 0 but poolAddress is not set: the fee needs an address to pay')
  const bind = get<string>('bind') as string
  const httpHost = get<string>('http.host') ?? bind
  for (const [name, host] of [
    ['bind', bind],
    ['http.host', httpHost]
  ] as const) {
    if (isIP(host) === 0 && host !== 'localhost')
      problems.push(`${name} must be an IP address (or localhost), got "${host.slice(0, 60)}"`)
  }
  const tlsCert = get<string>('http.tlsCert')
  const tlsKey = get<string>('http.tlsKey')
  if ((tlsCert === undefined) !== (tlsKey === undefined))
    problems.push('http.tlsCert and http.tlsKey go together: set both or neither')
  for (const [name, file] of [
    ['http.tlsCert', tlsCert],
    ['http.tlsKey', tlsKey]
  ] as const) {
    if (file !== undefined && !existsSync(resolve(cwd, file))) problems.push(`${name} file ${file} does not exist`)
  }
  const wsPort = get<number>('wsPort') ?? (get<number>('p2pPort') as number) + 1
  if (wsPort > 65535) problems.push('wsPort (default p2pPort + 1) must be at most 65535: set wsPort')
  const ports = [
    ['p2pPort', get<number>('p2pPort')],
    ['wsPort', wsPort],
    ['stratumPort', get<number>('stratumPort')],
    ['http.port', get<number>('http.port')]
  ] as const
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++)
      if (ports[i][1] === ports[j][1])
        problems.push(`${ports[i][0]} and ${ports[j][0]} are both ${ports[i][1]}; each server needs its own port`)
  }
  const minValidators = get<number>('optimization.validation.minValidators') as number
  const maxValidators = get<number>('optimization.validation.maxValidators') as number
  if (minValidators > maxValidators)
    problems.push(`optimization.validation.minValidators (${minValidators}) exceeds maxValidators (${maxValidators})`)

  const daemon = daemonConfig(blockchain, params.ports.rpc, get, cwd, problems)
  const stratumSibling = siblingAddress(get<string>('stratumSibling'), problems)
  const alerts = assembleAlerts(get, params, problems)
  if (problems.length > 0) return undefined
  return {
    poolName: get<string>('poolName') as string,
    ...(poolAddress !== undefined ? { poolAddress } : {}),
    poolFee,
    p2pPort: get<number>('p2pPort') as number,
    wsPort,
    stratumPort: get<number>('stratumPort') as number,
    blockchain,
    bootstrapNodes: get<string[]>('bootstrapNodes') as string[],
    bind,
    http: {
      host: httpHost,
      port: get<number>('http.port') as number,
      ...(tlsCert !== undefined && tlsKey !== undefined
        ? { tlsCert: resolve(cwd, tlsCert), tlsKey: resolve(cwd, tlsKey) }
        : {})
    },
    ...(stratumSibling !== undefined ? { stratumSibling } : {}),
    dataDir: resolve(cwd, get<string>('dataDir') ?? join('.data', blockchain)),
    ...(daemon !== undefined ? { daemon } : {}),
    optimization: {
      sharePropagation: {
        batchSize: get<number>('optimization.sharePropagation.batchSize') as number,
        batchInterval: get<number>('optimization.sharePropagation.batchInterval') as number
      },
      validation: {
        cacheSize: get<number>('optimization.validation.cacheSize') as number,
        minValidators,
        maxValidators
      }
    },
    alerts
  }
}

function daemonConfig(
  blockchain: NetworkName,
  defaultRpcPort: number | undefined,
  get: <T>(path: string) => T | undefined,
  cwd: string,
  problems: string[]
): RelayConfig['daemon'] {
  const rpcUrl = get<string>('daemon.rpcUrl')
  const rpcCookieFile = get<string>('daemon.rpcCookieFile')
  const rpcUser = get<string>('daemon.rpcUser')
  const rpcPassword = get<string>('daemon.rpcPassword')
  const backupUrls = get<string[]>('daemon.backupRpcUrls') ?? []
  const backupCookies = get<string[]>('daemon.backupRpcCookieFiles') ?? []
  const configured =
    [rpcUrl, rpcCookieFile, rpcUser, rpcPassword].some((v) => v !== undefined) ||
    backupUrls.length > 0 ||
    backupCookies.length > 0
  if (blockchain === 'devnet') {
    if (configured)
      problems.push(
        "devnet is embedded and has no coin daemon: remove the daemon settings, or set blockchain to the daemon's chain"
      )
    return undefined
  }
  const url = rpcUrl ?? `http://127.0.0.1:${defaultRpcPort ?? 8332}`
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      problems.push(`daemon.rpcUrl must start with http:// or https://, got "${url.slice(0, 80)}"`)
  } catch {
    problems.push(`daemon.rpcUrl "${url.slice(0, 80)}" is not a URL`)
  }
  if ((rpcUser === undefined) !== (rpcPassword === undefined))
    problems.push('daemon.rpcUser and daemon.rpcPassword go together')
  if (rpcCookieFile === undefined && rpcUser === undefined) {
    problems.push(
      `${blockchain} needs its coin daemon: set daemon.rpcCookieFile (the daemon's <datadir>/.cookie) or daemon.rpcUser and daemon.rpcPassword`
    )
  }
  if (backupCookies.length > backupUrls.length)
    problems.push(
      `daemon.backupRpcCookieFiles lists ${backupCookies.length} files for ${backupUrls.length} backup URLs; give one per URL, in the same order`
    )
  const backups = backupUrls.map((text, i) => backupDaemon(text, backupCookies[i], i, cwd, problems))
  return {
    rpcUrl: url,
    ...(rpcCookieFile !== undefined ? { rpcCookieFile: resolve(cwd, rpcCookieFile) } : {}),
    ...(rpcUser !== undefined ? { rpcUser } : {}),
    ...(rpcPassword !== undefined ? { rpcPassword } : {}),
    backups: backups.filter((b): b is DaemonBackup => b !== undefined),
    longpoll: get<boolean>('daemon.longpoll') as boolean
  }
}

/** A backup daemon's URL with its credentials taken out of it (they never appear in logs or the API). */
function backupDaemon(
  text: string,
  cookieFile: string | undefined,
  index: number,
  cwd: string,
  problems: string[]
): DaemonBackup | undefined {
  const name = `daemon.backupRpcUrls[${index}]`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    problems.push(`${name} "${text.slice(0, 80)}" is not a URL`)
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${name} must start with http:// or https://, got "${url.protocol}"`)
    return undefined
  }
  const rpcUser = url.username !== '' ? decodeURIComponent(url.username) : undefined
  const rpcPassword = url.password !== '' ? decodeURIComponent(url.password) : undefined
  if ((rpcUser === undefined) !== (rpcPassword === undefined))
    problems.push(`${name}: give both user and password in the URL (http://user:password@host:port), or neither`)
  url.username = ''
  url.password = ''
  const cookie = cookieFile !== undefined && cookieFile !== '' && cookieFile !== '-' ? cookieFile : undefined
  return {
    rpcUrl: url.toString().replace(/\/$/, ''),
    ...(cookie !== undefined ? { rpcCookieFile: resolve(cwd, cookie) } : {}),
    ...(rpcUser !== undefined ? { rpcUser } : {}),
    ...(rpcPassword !== undefined ? { rpcPassword } : {})
  }
}

/** Most characters of a host name in stratumSibling (DNS limit, RFC 1035 section 2.3.4). */
const MAX_HOST_CHARS = 253

/** `host:port` of the sibling relay's Stratum server (IPv6 in brackets). */
function siblingAddress(text: string | undefined, problems: string[]): { host: string; port: number } | undefined {
  if (text === undefined) return undefined
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(text.trim())
  const port = match === null ? NaN : Number(match[2])
  if (match === null || match[1].length > MAX_HOST_CHARS || !(port >= 1 && port <= 65535)) {
    problems.push(
      `stratumSibling must be host:port of the sibling relay's Stratum server (e.g. 10.0.0.2:3333), got "${text.slice(0, 80)}"`
    )
    return undefined
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

/** One line per key: path, flag, env variable, meaning. */
export function configHelp(): string {
  const lines = ['Otedama relay. Configuration: --config FILE (JSON) < OTEDAMA_* environment < flags.', '']
  for (const [path, leaf] of leaves()) {
    lines.push(
      `  ${path.padEnd(44)} ${(leaf.flag !== undefined ? `--${leaf.flag}` : '').padEnd(20)} ${(leaf.env ?? '').padEnd(30)} ${describeLeaf(leaf)}`
    )
  }
  return lines.join('\n')
}

/** The README's key table (Markdown), generated from the schema: `npm run relay -- config table`. */
export function configTable(): string {
  const code = (text: string | undefined): string => (text === undefined ? '' : `\`${text}\``)
  const lines = ['| key | flag | environment | meaning |', '|---|---|---|---|']
  for (const [path, leaf] of leaves()) {
    lines.push(
      `| ${code(path)} | ${code(leaf.flag === undefined ? undefined : `--${leaf.flag}`)} | ${code(leaf.env)} | ${describeLeaf(leaf)} |`
    )
  }
  for (const path of ignoredPaths())
    lines.push(`| ${code(path)} | | | original Otedama key (any value): accepted with a warning, no effect |`)
  return lines.map((l) => l.replace(/ {2,}\|/g, ' |')).join('\n')
}
