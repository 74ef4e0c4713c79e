// The relay's parts in one ordered list: started in order, stopped in reverse, and — when a part
// fails to start — the parts already running are stopped again before the error goes up, so a
// relay that could not start holds no port, timer or open database.
import type { Startable } from '@libp2p/interface'
import { createLogger } from '@otedama/shared/log'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('relay/lifecycle')

/**
 * What the list calls on a part: libp2p's `Startable` without its optional phase hooks
 * (beforeStart, afterStart, …), which assume every component starts at once; ours start one by one.
 */
export type RelayPart = Pick<Startable, 'start' | 'stop'>

/** A part with the name its log lines and start errors carry. */
export interface NamedPart {
  name: string
  part: RelayPart
}

/** A part failed to start; the parts started before it are stopped again. `cause` is its own error. */
export class PartStartError extends Error {
  constructor(
    readonly part: string,
    cause: unknown
  ) {
    super(`starting ${part}: ${errorMessage(cause)}`, { cause })
    this.name = 'PartStartError'
  }
}

/** The error a part's start threw (itself for any other error). */
export function startFailureCause(err: unknown): unknown {
  return err instanceof PartStartError ? err.cause : err
}

export class PartLifecycle {
  /** Started parts, oldest first. */
  private readonly running: NamedPart[] = []

  /** Names of the running parts, in start order. */
  names(): string[] {
    return this.running.map((p) => p.name)
  }

  /**
   * Starts each part in order after those already running (a later call appends: parts built from
   * what earlier ones started). If one throws, every running part is stopped, newest first, and a
   * PartStartError naming it is thrown.
   */
  async start(parts: readonly NamedPart[]): Promise<void> {
    for (const named of parts) {
      try {
        await named.part.start()
      } catch (err) {
        await this.stop()
        throw new PartStartError(named.name, err)
      }
      this.running.push(named)
    }
  }

  /** Stops every running part, newest first; one that fails to stop is logged and the rest still stop. */
  async stop(): Promise<void> {
    for (let named = this.running.pop(); named !== undefined; named = this.running.pop()) {
      try {
        await named.part.stop()
      } catch (err) {
        log.warn(`stopping ${named.name}: ${errorMessage(err)}`)
      }
    }
  }
}
