import { fileURLToPath } from 'node:url'
import { createLogger } from '../../shared/src/log'
import { Relay } from './app/relay'
import { ConfigError, configHelp, loadConfig } from './config'
import { installDialRaceGuard } from './p2p/dial-race'

// The relay process: configuration in, parts composed (app/relay.ts), clean shutdown on a signal.
const log = createLogger('main')
const STATIC_ROOT = fileURLToPath(new URL('../../dist', import.meta.url))
/** Longest a shutdown may take before the process exits anyway (ms). */
const SHUTDOWN_TIMEOUT_MS = 15_000

async function main (): Promise<void> {
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
    relay.stop().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((err: unknown) => {
  log.error(`relay failed to start: ${(err as Error).stack ?? String(err)}`)
  process.exit(1)
})
