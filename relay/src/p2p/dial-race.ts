// @libp2p/tcp 11 removes its socket 'error' listener when a dial is aborted and destroys the socket a
// microtask later; when the kernel's refusal lands in that gap, Node emits the socket's ECONNREFUSED
// with no listener and it surfaces as an uncaught exception (seen ~1 in 3 runs of the gossip tests).
// The dial itself already failed cleanly, so such an error carries no information: recognise exactly
// that shape and nothing else.
import { createLogger } from '@otedama/shared/log'

import { isOrphanedDialError } from './orphaned-dial'

export { isOrphanedDialError }

const log = createLogger('p2p:dial-race')
/**
 * Keeps the relay alive through that race: orphaned dial errors are logged at debug level; any other
 * uncaught exception is logged and ends the process, as Node would have.
 */
export function installDialRaceGuard(): void {
  process.on('uncaughtException', (err) => {
    if (isOrphanedDialError(err)) {
      log.debug(`ignored a refused dial that libp2p had already given up: ${err.message}`)
      return
    }
    log.error(`uncaught exception: ${err.stack ?? String(err)}`)
    process.exit(1)
  })
}
