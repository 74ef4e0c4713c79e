// `npm run rig -- -o stratum+tcp://HOST:PORT -u ADDRESS[.worker] -t THREADS [-a sha256d|scrypt]`:
// a Stratum v1 CPU miner on our own WASM kernels. Summaries and events go to the logger (stderr);
// SIGINT / SIGTERM stop the threads, close the connection, print the totals and exit 0.
import { createLogger } from '@otedama/shared/log'
import { parseRigArgs, RIG_USAGE, RigUsageError } from './cli-options'
import { Rig } from './rig'
import { formatHashrate, formatSummary } from './summary'
import { errorMessage, errorStack } from '@otedama/shared/util'

const log = createLogger('rig')
/** Longest a clean stop may take before the process exits anyway (ms). */
const STOP_TIMEOUT_MS = 5_000

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseRigArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof RigUsageError)) throw err
    process.stderr.write(`${err.problems.map((p) => `rig: ${p}`).join('\n')}\n\n${RIG_USAGE}\n`)
    process.exit(2)
  }
  if (parsed.help) {
    process.stdout.write(RIG_USAGE + '\n')
    return
  }
  const { options } = parsed
  const rig = new Rig(options)
  rig.on('summary', (s) => log.info(formatSummary(s, options.algorithm)))
  const startedAt = Date.now()
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) process.exit(130) // a second Ctrl-C: leave at once
    stopping = true
    log.info(`${signal}: stopping`)
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref()
    const s = rig.snapshot()
    rig.stop().then(
      () => {
        const seconds = (Date.now() - startedAt) / 1000
        const hashes = s.totalHashes.reduce((a, b) => a + b, 0)
        log.info(
          `${seconds.toFixed(0)} s: ${formatHashrate(hashes / seconds)} average, accepted ${s.accepted}, rejected ${s.rejected}, drops ${s.drops}, refused ${s.refusals}`
        )
        process.exit(0)
      },
      (err: unknown) => {
        log.error(`stop failed: ${errorMessage(err)}`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  await rig.start()
}

main().catch((err: unknown) => {
  log.error(`rig failed: ${errorStack(err)}`)
  process.exit(1)
})
