// The rig against the relay's real Stratum server (hand-driven job source, real coinbases and merkle
// branches, real sha256d on our WASM kernels): difficulty below 1, clean and non-clean jobs reaching
// every thread, client.reconnect, reconnect after a drop with session resume, mining.set_extranonce,
// and the command itself (summary lines, clean exit on SIGINT). Waits on events, never on time.
import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import { startTestServer, testAddress, type TestServer } from '../../relay/test/stratum/harness'
import { headerMerkleMatches, nextBlock, nextShareTip, type TestWork } from '../../relay/test/stratum/work'
import { Rig, type RigOptions } from '../src/rig'

const WAIT = { timeout: 60_000, interval: 50 }
const servers: TestServer[] = []
const rigs: Rig[] = []

afterEach(async () => {
  await Promise.all(rigs.splice(0).map(async (r) => await r.stop()))
  await Promise.all(servers.splice(0).map(async (s) => await s.stop()))
})

async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(opts)
  servers.push(s)
  return s
}

async function rig(port: number, extra: Partial<RigOptions> = {}): Promise<Rig> {
  const r = new Rig({
    endpoint: { host: '127.0.0.1', port },
    user: `${testAddress(0x5a)}.rig`,
    password: 'x',
    threads: 1,
    algorithm: 'sha256d',
    summaryIntervalMs: 200,
    ...extra
  })
  rigs.push(r)
  await r.start()
  return r
}

/** Shares the server received on `work` (pseudo-shares here all meet the share target: max difficulty = share difficulty). */
function sharesOn(s: TestServer, work: TestWork): number {
  return s.shares.filter((f) => f.work === work).length
}

describe('rig against the relay Stratum server', () => {
  it('mines below difficulty 1; every submit is accepted and its header rebuilds from the job', async () => {
    const s = await server()
    const r = await rig(s.port)
    await vi.waitFor(() => expect(r.snapshot().accepted).toBeGreaterThanOrEqual(20), WAIT)
    const stats = r.sample()
    expect(stats.rejected).toBe(0)
    expect(stats.difficulty).toBeLessThan(1)
    expect(s.server.counters.accepted).toBeGreaterThanOrEqual(20)
    for (const f of s.shares) expect(headerMerkleMatches(f.header, f.coinbaseTx, s.work.txids)).toBe(true)
    await vi.waitFor(() => expect(r.sample().totalHashes[0]).toBeGreaterThan(0), WAIT)
    expect(stats.drops + stats.refusals).toBe(0)
  })

  it('clean_jobs (a new block) moves every thread to the new job; shares follow on the new block', async () => {
    const s = await server()
    const r = await rig(s.port, { threads: 2 })
    await vi.waitFor(() => expect(sharesOn(s, s.work)).toBeGreaterThanOrEqual(4), WAIT)
    const next = nextBlock(s.work)
    const newJob = new Promise<number>((resolve) =>
      r.on('job', (j) => {
        if (bytesToHex(j.prevHash) === bytesToHex(next.prevHash)) resolve(j.seq)
      })
    )
    const switched = new Set<number>()
    r.on('switched', (e) => switched.add(e.thread * 1e9 + e.jobSeq))
    s.source.push(next)
    const seq = await newJob
    await vi.waitFor(() => expect([0, 1].every((t) => switched.has(t * 1e9 + seq))).toBe(true), WAIT)
    await vi.waitFor(() => expect(sharesOn(s, next)).toBeGreaterThanOrEqual(4), WAIT)
    expect(r.snapshot().cleanJobs).toBeGreaterThanOrEqual(2)
  })

  it('a notify without clean_jobs (a new share tip) is taken up by every thread after its next find', async () => {
    const s = await server()
    const r = await rig(s.port, { threads: 2, scantimeSeconds: 3600 })
    await vi.waitFor(() => expect(r.snapshot().accepted).toBeGreaterThanOrEqual(4), WAIT)
    const next = nextShareTip(s.work)
    const session = s.server.activeSessions()[0]
    const jobIds = new Map<number, string>()
    const switched = new Set<number>()
    r.on('job', (j) => jobIds.set(j.seq, j.jobId))
    r.on('switched', (e) => {
      if (session.jobs.get(jobIds.get(e.jobSeq) ?? '')?.job.epoch.work === next) switched.add(e.thread)
    })
    s.source.push(next)
    expect(session.currentJob?.job.epoch.work).toBe(next)
    await vi.waitFor(() => expect(switched.size).toBe(2), WAIT)
    await vi.waitFor(() => expect(sharesOn(s, next)).toBeGreaterThanOrEqual(2), WAIT)
  })

  it('client.reconnect sends the rig to the sibling relay; that is not a drop', async () => {
    const sibling = await server()
    const first = await server()
    const r = await rig(first.port)
    await vi.waitFor(() => expect(r.snapshot().accepted).toBeGreaterThanOrEqual(2), WAIT)
    await first.server.stop({ host: '127.0.0.1', port: sibling.port }, 30_000)
    await vi.waitFor(() => expect(sibling.server.counters.accepted).toBeGreaterThanOrEqual(2), WAIT)
    const stats = r.snapshot()
    expect(stats.reconnectRequests).toBe(1)
    expect(stats.drops).toBe(0)
    expect(r.client.currentEndpoint.port).toBe(sibling.port)
  })

  it('after a drop it reconnects, resuming its session (same extranonce1), and mines on', async () => {
    const s = await server()
    const r = await rig(s.port)
    const sessions: Array<{ extranonce1: string; resumed: boolean }> = []
    r.on('mining', (m) => sessions.push({ extranonce1: bytesToHex(m.extranonce1), resumed: m.resumed }))
    await vi.waitFor(() => expect(r.snapshot().accepted).toBeGreaterThanOrEqual(2), WAIT)
    const before = s.server.counters.accepted
    s.server.activeSessions()[0].conn.drop('shutdown', 'test drop')
    await vi.waitFor(() => expect(s.server.counters.accepted).toBeGreaterThanOrEqual(before + 2), WAIT)
    expect(r.snapshot().drops).toBe(1)
    expect(sessions.at(-1)?.resumed).toBe(true)
  })

  it('reconnects to a relay that comes back on the same port after being down', async () => {
    const s = await server()
    const r = await rig(s.port)
    await vi.waitFor(() => expect(r.snapshot().accepted).toBeGreaterThanOrEqual(2), WAIT)
    await s.stop()
    await vi.waitFor(() => expect(r.snapshot().connected).toBe(false), WAIT)
    const again = await server({ params: { port: s.port } })
    await vi.waitFor(() => expect(again.server.counters.accepted).toBeGreaterThanOrEqual(2), WAIT)
    expect(r.snapshot().sessions).toBe(2)
  })

  it('with backup pools, a relay that dies is left at once: the next pool in the list, no backoff', async () => {
    const backup = await server()
    const first = await server()
    const r = await rig(first.port, { fallbacks: [{ host: '127.0.0.1', port: backup.port }] })
    const waits: number[] = []
    r.client.on('reconnecting', (e) => waits.push(e.delayMs))
    await vi.waitFor(() => expect(r.snapshot().accepted).toBeGreaterThanOrEqual(2), WAIT)
    await first.stop()
    await vi.waitFor(() => expect(backup.server.counters.accepted).toBeGreaterThanOrEqual(2), WAIT)
    expect(waits[0]).toBe(0)
    expect(r.client.currentEndpoint.port).toBe(backup.port)
    expect(r.snapshot().drops).toBe(1)
  })

  it('a first pool that does not answer at start is skipped for the next one', async () => {
    const backup = await server()
    const gone = await server()
    await gone.stop()
    const r = await rig(gone.port, { fallbacks: [{ host: '127.0.0.1', port: backup.port }] })
    await vi.waitFor(() => expect(backup.server.counters.accepted).toBeGreaterThanOrEqual(2), WAIT)
    expect(r.snapshot().sessions).toBe(1)
  })

  it('mining.set_extranonce: later shares carry the new extranonce1', async () => {
    const s = await server()
    const r = await rig(s.port, { extranonceSubscribe: true })
    await vi.waitFor(() => expect(r.snapshot().accepted).toBeGreaterThanOrEqual(2), WAIT)
    await vi.waitFor(() => expect(s.server.activeSessions()[0]?.extranonceSubscribed).toBe(true), WAIT)
    const session = s.server.activeSessions()[0]
    const old = session.extranonce1Hex
    expect(s.server.renewExtranonce(session)).toBe(true)
    const fresh = session.extranonce1Hex
    expect(fresh).not.toBe(old)
    await vi.waitFor(
      () => expect(s.shares.filter((f) => bytesToHex(f.extranonce).startsWith(fresh)).length).toBeGreaterThanOrEqual(2),
      WAIT
    )
  })

  it('npm run rig: prints summaries with accepted shares and exits 0 on SIGINT', async () => {
    const s = await server()
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'rig/src/main.ts',
        '-o',
        `stratum+tcp://127.0.0.1:${s.port}`,
        '-u',
        `${testAddress(0x11)}.cli`,
        '-t',
        '1'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let output = ''
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString()
    })
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      await vi.waitFor(() => expect(output).toMatch(/accepted [1-9]\d* rejected 0/), WAIT)
    } finally {
      child.kill('SIGINT')
    }
    expect(await exited).toBe(0)
    expect(output).toMatch(/1 x sha256d [\d.]+ [kMG]?H\/s/)
    expect(output).toMatch(/SIGINT: stopping/)
    expect(output).toMatch(/average, accepted \d+, rejected 0, drops 0, refused 0/)
  })
})
