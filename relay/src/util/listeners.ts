import { createLogger } from '../../../shared/src/log'

const log = createLogger('listeners')

/** A typed set of callbacks; a throwing listener is logged and does not stop the others. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>()

  add (fn: (...args: A) => void): () => void {
    this.set.add(fn)
    return () => { this.set.delete(fn) }
  }

  emit (...args: A): void {
    for (const fn of this.set) {
      try {
        fn(...args)
      } catch (err) {
        log.error('listener failed', err)
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
