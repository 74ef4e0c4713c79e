import { fileURLToPath } from 'node:url'
import { createLogger } from '@otedama/shared/log'
import { PartStartError, startFailureCause } from './app/lifecycle'
import { Relay } from './app/relay'
import { CLI_COMMANDS, CliError, runCli } from './cli'
import { ConfigError, configHelp, loadConfig } from './config'
import { installDialRaceGuard } from './p2p/dial-race'
import { StoreBusyError, StoreDamagedError } from './store/maintenance'

// The relay process: configuration in, parts composed (app/relay.ts), clean shutdown on a signal.
const log = createLogger('main')
const STATIC_ROOT = fileURLToPath(new URL('../../dist', import.meta.url))
/** Longest a shutdown may take before the process exits anyway (ms). */
const SHUTDOWN_TIMEOUT_MS = 15_000

/** Exit status when the database is damaged or in use: refused, nothing changed (2 is a config error). */
const EXIT_STORE_REFUSED = 3

async function operatorCommand(argv: string[]): Promise<void> {
  try {
    process.stdout.write((await runCli(argv)) + '\n')
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(err.exitCode)
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    if (err instanceof StoreDamagedError || err instanceof StoreBusyError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(EXIT_STORE_REFUSED)
    }
    throw err
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if ((CLI_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return await operatorCommand(argv)
  installDialRaceGuard()
  let loaded
  try {
    loaded = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n(run with --help for every setting)\n`)
    process.exit(2)
  }
  if (loaded.help) {
    process.stdout.write(configHelp() + '\n')
    return
  }
  for (const warning of loaded.warnings) log.warn(warning)
  const relay = await Relay.start({ config: loaded.config, staticRoot: STATIC_ROOT })
  process.stderr.write(`otedama relay (${loaded.config.blockchain}): ${relay.http.url()}/\n`)
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: shutting down`)
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref()
    relay.stop().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((err: unknown) => {
  // A part that failed to start (app/lifecycle.ts) carries its own error as the cause; the parts
  // started before it are stopped already.
  const cause = startFailureCause(err)
  if (cause instanceof StoreDamagedError || cause instanceof StoreBusyError) {
    // Written whole (the logger cuts long lines): the operator needs every problem and the way out.
    process.stderr.write(`relay refused to start: ${cause.message}\n`)
    process.exit(EXIT_STORE_REFUSED)
  }
  const part = err instanceof PartStartError ? ` (${err.part})` : ''
  log.error(`relay failed to start${part}: ${(cause as Error).stack ?? String(cause)}`)
  process.exit(1)
})
