// The operator's commands (`npm run relay -- <command>`), beside running the relay itself:
//   bans list                 every ban in force (Stratum IPs, libp2p peers), newest last
//   bans lift <ip|peer id>    lifts it at once
//   store check               reads the database files without opening them (integrity.ts)
//   store snapshot [dir]      an online, consistent copy of the database (default <dataDir>/backups/db-<time>)
//   store restore <dir>       puts a verified snapshot in place (the relay must be stopped)
//   store repair              LevelDB's repair (the relay must be stopped)
//   alerts prometheus-rules   a Prometheus alerting-rules file from the config's alert thresholds
//   config table              every configuration key as a Markdown table (relay/README.md holds it)
// With the relay running, `bans` and `store snapshot` go through its admin API (address and token from
// <dataDir>/admin.json); with it stopped they open the database directly. The configuration flags
// (--data-dir, --config, ...) are the relay's own.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ADMIN_FILE } from './app/relay'
import { configTable, loadConfig } from './config'
import type { BanView } from './http/admin'
import { renderPrometheusRules } from './monitor/prometheus-rules'
import { defaultAlertsConfig } from './config/alerts'
import { inspectStore } from './store/integrity'
import { LevelRelayStore } from './store/level-store'
import { CheckedLevel, openChecked, repairStore, restoreStore, StoreBusyError } from './store/maintenance'

export const CLI_COMMANDS = ['bans', 'store', 'alerts', 'config'] as const
/** How long the CLI waits for a running relay's admin API (ms). */
const ADMIN_REQUEST_TIMEOUT_MS = 30_000

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2
  ) {
    super(message)
    this.name = 'CliError'
  }
}

const USAGE = `usage: npm run relay -- bans list | bans lift <ip|peer id>
       npm run relay -- store check | store snapshot [dir] | store restore <snapshot dir> | store repair
       npm run relay -- alerts prometheus-rules > rules.yml
       npm run relay -- config table
       (with the relay's own --data-dir / --config flags)`

interface AdminAddress {
  url: string
  token: string
}

/** The running relay's admin API, or undefined when none answers (stopped: the file is stale or absent). */
async function runningRelay(dataDir: string): Promise<AdminAddress | undefined> {
  let admin: AdminAddress
  try {
    admin = JSON.parse(await readFile(join(dataDir, ADMIN_FILE), 'utf8')) as AdminAddress
  } catch {
    return undefined
  }
  try {
    const res = await fetch(`${admin.url}/admin/v1/bans`, {
      headers: { authorization: `Bearer ${admin.token}` },
      signal: AbortSignal.timeout(ADMIN_REQUEST_TIMEOUT_MS)
    })
    await res.body?.cancel()
    return res.ok ? admin : undefined
  } catch {
    return undefined
  }
}

async function adminCall(admin: AdminAddress, method: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${admin.url}/admin/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${admin.token}` },
    signal: AbortSignal.timeout(ADMIN_REQUEST_TIMEOUT_MS)
  })
  return { status: res.status, body: await res.json() }
}

function describeBan(b: BanView): string {
  return `${b.kind.padEnd(10)} ${b.subject.padEnd(52)} until ${new Date(b.until).toISOString()}  ${b.reason}`
}

async function withStore<T>(dataDir: string, use: (store: LevelRelayStore) => Promise<T>): Promise<T> {
  if (inspectStore(join(dataDir, 'db')).state === 'absent')
    throw new CliError(`no relay database in ${dataDir} (wrong --data-dir or --config?)`, 1)
  const store = new LevelRelayStore(join(dataDir, 'db'))
  await store.open()
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}

/** Refuses to touch files a running relay holds (its admin API answers, or LevelDB's lock is taken). */
async function ensureStopped(dataDir: string): Promise<void> {
  if ((await runningRelay(dataDir)) !== undefined)
    throw new CliError('the relay is running; stop it first (restore and repair work on a stopped relay)')
  const location = join(dataDir, 'db')
  // Only a sound database is opened to test LevelDB's lock: opening a damaged one is what we avoid.
  const inspection = inspectStore(location)
  if (inspection.state === 'absent' || inspection.problems.length > 0) return
  const db = new CheckedLevel(location)
  try {
    await openChecked(db)
    await db.close()
  } catch (err) {
    if (err instanceof StoreBusyError) throw new CliError(err.message)
  }
}

/** Runs one command; returns what to print on stdout. Throws CliError for wrong use. */
export async function runCli(argv: string[]): Promise<string> {
  const [group, action, ...rest] = argv
  if (group === 'config' && action === 'table') return configTable()
  const positional = rest.filter(
    (a, i) => !a.startsWith('--') && (i === 0 || !rest[i - 1].startsWith('--') || rest[i - 1].includes('='))
  )
  const flags = rest.filter((a) => !positional.includes(a))
  const { config } = loadConfig({ argv: flags })
  const { dataDir } = config
  const location = join(dataDir, 'db')
  if (group === 'alerts' && action === 'prometheus-rules')
    return renderPrometheusRules(config.alerts ?? defaultAlertsConfig()).trimEnd()
  if (group === 'bans' && action === 'list') {
    const admin = await runningRelay(dataDir)
    const bans: BanView[] =
      admin !== undefined
        ? (await adminCall(admin, 'GET', 'bans')).body.bans
        : await withStore(dataDir, async (store) =>
            (await store.listBans(Date.now())).map((b) => ({
              subject: b.subject,
              kind: 'stratum-ip' as const,
              until: b.until,
              reason: b.reason
            }))
          )
    const note =
      admin === undefined ? '\n(relay stopped: Stratum bans from the store; libp2p bans live only while it runs)' : ''
    return (bans.length === 0 ? 'no bans in force' : bans.map(describeBan).join('\n')) + note
  }
  if (group === 'bans' && action === 'lift') {
    const subject = positional[0]
    if (subject === undefined) throw new CliError(`bans lift needs an IP address or peer id\n${USAGE}`)
    const admin = await runningRelay(dataDir)
    if (admin !== undefined) {
      const { status, body } = await adminCall(admin, 'DELETE', `bans/${encodeURIComponent(subject)}`)
      if (status === 404) throw new CliError(`${subject} is not banned`, 1)
      return (body.lifted as BanView[]).map((b) => `lifted: ${describeBan(b)}`).join('\n')
    }
    return await withStore(dataDir, async (store) => {
      const found = (await store.listBans(Date.now())).filter((b) => b.subject === subject)
      if (found.length === 0) throw new CliError(`${subject} is not banned`, 1)
      await store.deleteBan(subject)
      return `lifted: ${subject} (${found[0].reason})`
    })
  }
  if (group === 'store' && action === 'check') {
    const inspection = inspectStore(location)
    if (inspection.state === 'absent') return `${location}: no database yet`
    if (inspection.problems.length > 0)
      throw new CliError(`${location} is damaged:\n${inspection.problems.map((p) => `  - ${p}`).join('\n')}`, 1)
    return `${location}: files sound${inspection.tornTail !== undefined ? ` (${inspection.tornTail})` : ''}`
  }
  if (group === 'store' && action === 'snapshot') {
    const admin = await runningRelay(dataDir)
    const target = positional[0]
    const result =
      admin !== undefined
        ? (await adminCall(admin, 'POST', `snapshot${target !== undefined ? `?to=${encodeURIComponent(target)}` : ''}`))
            .body
        : await withStore(dataDir, async (store) => await store.snapshot(target))
    if (result.error !== undefined) throw new CliError(`snapshot failed: ${result.error.message as string}`, 1)
    return `snapshot ${result.dir as string}: ${result.entries as number} entries, ${result.bytes as number} bytes, sha256 ${result.digest as string}`
  }
  if (group === 'store' && action === 'restore') {
    const from = positional[0]
    if (from === undefined) throw new CliError(`store restore needs the snapshot directory\n${USAGE}`)
    await ensureStopped(dataDir)
    const { manifest, keptAt } = await restoreStore(from, location)
    return `restored ${location} from ${from} (${manifest.entries} entries, taken ${manifest.createdAt})${keptAt !== undefined ? `\nthe previous database is kept at ${keptAt}` : ''}`
  }
  if (group === 'store' && action === 'repair') {
    await ensureStopped(dataDir)
    const { keptAt, entries, problemsBefore } = await repairStore(location)
    return `repaired ${location}: ${entries} entries readable (was: ${problemsBefore.join('; ') || 'no damage found'})\nthe damaged files are kept at ${keptAt}`
  }
  throw new CliError(USAGE)
}
