import { describe, expect, it } from 'vitest'
import { PartLifecycle, PartStartError, startFailureCause, type NamedPart } from '../src/app/lifecycle'

/** A part that writes "start name" / "stop name" to the shared journal; it fails where told. */
function recordingPart(name: string, journal: string[], fail: { start?: Error; stop?: Error } = {}): NamedPart {
  return {
    name,
    part: {
      async start() {
        await Promise.resolve()
        if (fail.start !== undefined) throw fail.start
        journal.push(`start ${name}`)
      },
      stop() {
        journal.push(`stop ${name}`)
        if (fail.stop !== undefined) throw fail.stop
      }
    }
  }
}

describe('the relay part lifecycle', () => {
  it('starts parts in list order and stops them in reverse', async () => {
    const journal: string[] = []
    const life = new PartLifecycle()
    await life.start(['store', 'source', 'network'].map((n) => recordingPart(n, journal)))
    expect(life.names()).toEqual(['store', 'source', 'network'])
    await life.stop()
    expect(journal).toEqual([
      'start store',
      'start source',
      'start network',
      'stop network',
      'stop source',
      'stop store'
    ])
    expect(life.names()).toEqual([])
  })

  it('a later batch starts after the running parts and stops before them', async () => {
    const journal: string[] = []
    const life = new PartLifecycle()
    await life.start([recordingPart('store', journal)])
    await life.start([recordingPart('stratum', journal), recordingPart('http', journal)])
    await life.stop()
    expect(journal).toEqual(['start store', 'start stratum', 'start http', 'stop http', 'stop stratum', 'stop store'])
  })

  it('a part failing to start stops every running part, newest first, and names itself in the error', async () => {
    const journal: string[] = []
    const life = new PartLifecycle()
    await life.start([recordingPart('store', journal)])
    const cause = new Error('address in use')
    const started = life.start([
      recordingPart('source', journal),
      recordingPart('http', journal, { start: cause }),
      recordingPart('admin file', journal)
    ])
    const err = await started.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(PartStartError)
    expect((err as PartStartError).part).toBe('http')
    expect((err as Error).message).toBe('starting http: address in use')
    expect(startFailureCause(err)).toBe(cause)
    // The failed part is not stopped (it never ran), nor the one after it (never started).
    expect(journal).toEqual(['start store', 'start source', 'stop source', 'stop store'])
    expect(life.names()).toEqual([])
  })

  it('a part failing to stop does not keep the older ones running', async () => {
    const journal: string[] = []
    const life = new PartLifecycle()
    await life.start([
      recordingPart('store', journal),
      recordingPart('monitor', journal, { stop: new Error('flush failed') }),
      recordingPart('http', journal)
    ])
    await life.stop()
    expect(journal.filter((l) => l.startsWith('stop'))).toEqual(['stop http', 'stop monitor', 'stop store'])
  })

  it('stopping twice stops each part once', async () => {
    const journal: string[] = []
    const life = new PartLifecycle()
    await life.start([recordingPart('store', journal)])
    await life.stop()
    await life.stop()
    expect(journal).toEqual(['start store', 'stop store'])
  })
})
