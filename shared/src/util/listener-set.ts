// Listeners of one event: a throwing listener is logged and skipped, never stops the others or the
// emitter (a bug in a dashboard widget must not stop a share from being stored).
import { createLogger } from '../log'

const log = createLogger('listeners')

export class ListenerSet<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => void>()

  constructor(private readonly event = 'event') {}

  /** Adds a listener; the returned function removes it. */
  add(listener: (...args: A) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  emit(...args: A): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(...args)
      } catch (err) {
        log.warn(`a ${this.event} listener threw: ${errorMessage(err)}`)
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }

  clear(): void {
    this.listeners.clear()
  }
}

/** The message of anything thrown: an Error's message, else its string form. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  if (typeof err === 'string') return err
  try {
    return String(err)
  } catch {
    return 'unprintable error'
  }
}

/** For logs of unexpected failures: an Error's stack (which starts with its message), else errorMessage. */
export function errorStack(err: unknown): string {
  return err instanceof Error && err.stack !== undefined ? err.stack : errorMessage(err)
}
