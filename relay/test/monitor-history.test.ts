// The monitor's history on the real LevelDB: points fold from seconds to minutes to hours by each
// figure's rule, survive a reopen, and stay within their tiers and the stated byte bound through a
// simulated month (virtual clock); a flood of rigs is held to the series bound.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { History, historyBoundBytes, HistoryQueryError, HistoryStore, TIERS } from '../src/monitor'

let dir: string
let db: ClassicLevel<string, string>
const T0 = Date.UTC(2026, 0, 1) // a whole hour
const HOUR = 3_600_000
const DAY = 24 * HOUR

async function openDb(): Promise<HistoryStore> {
  db = new ClassicLevel<string, string>(join(dir, 'db'), { valueEncoding: 'utf8' })
  await db.open()
  return new HistoryStore(db)
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otedama-history-'))
})
afterEach(async () => {
  await db?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('monitor history', () => {
  it('folds seconds into a minute: gauges by mean, counts by sum, peaks by max, latency weighted by events, rigs absent as 0', async () => {
    const history = await History.open(await openDb())
    for (let s = 0; s < 60; s++) {
      await history.add({
        t: T0 + s * 1000,
        values: {
          poolHashrate: s < 30 ? 100 : 300,
          sharesAccepted: 2,
          rssBytes: 1000 + s,
          validations: s === 0 ? 3 : 1,
          validationMeanMs: s === 0 ? 1 : 5
        },
        rigs:
          s < 15
            ? [['a.r1', 40]]
            : [
                ['a.r1', 40],
                ['b.r2', 10]
              ]
      })
    }
    // The first second of the next minute closes the previous one.
    await history.add({ t: T0 + 60_000, values: { poolHashrate: 0 }, rigs: [] })
    const day = history.query(
      '24h',
      ['samples', 'poolHashrate', 'sharesAccepted', 'rssBytes', 'validationMeanMs', 'rig:a.r1', 'rig:b.r2'],
      T0 + 60_500
    )
    expect(day.stepSeconds).toBe(60)
    expect(day.t.slice(0, 2)).toEqual([T0, T0 + 60_000])
    expect(day.series.samples?.[0]).toBe(60)
    expect(day.series.poolHashrate?.[0]).toBeCloseTo(200, 3)
    expect(day.series.sharesAccepted?.[0]).toBe(120)
    expect(day.series.rssBytes?.[0]).toBe(1059)
    // (3 × 1 ms + 59 × 5 ms) / 62 validations.
    expect(day.series.validationMeanMs?.[0]).toBeCloseTo((3 + 59 * 5) / 62, 4)
    expect(day.series['rig:a.r1']?.[0]).toBeCloseTo(40, 3)
    expect(day.series['rig:b.r2']?.[0]).toBeCloseTo((10 * 45) / 60, 3)
    // The open minute is answered folded so far, and said to be partial.
    expect(day.lastPointPartial).toBe(true)
    expect(day.series.samples?.[1]).toBe(1)
    await history.flush()
  })

  it('answers the same history after the store is closed and opened again', async () => {
    let history = await History.open(await openDb())
    for (let s = 0; s < 150; s++)
      await history.add({ t: T0 + s * 1000, values: { rigHashrate: s, peers: 3 }, rigs: [['a.r1', s + 1]] })
    const before = history.query('10m', ['rigHashrate', 'peers', 'rig:a.r1'], T0 + 150_000)
    const beforeDay = history.query('24h', ['rigHashrate'], T0 + 150_000)
    await history.flush()
    await db.close()
    history = await History.open(await openDb())
    expect(history.query('10m', ['rigHashrate', 'peers', 'rig:a.r1'], T0 + 150_000)).toEqual(before)
    expect(history.query('24h', ['rigHashrate'], T0 + 150_000)).toEqual(beforeDay)
    expect(before.t).toHaveLength(150)
    expect(before.series['rig:a.r1']?.[149]).toBe(150)
  })

  it('stays within every tier and the byte bound through a simulated month', async () => {
    const store = await openDb()
    const history = await History.open(store)
    const rigs = Array.from({ length: 10 }, (_, i) => [`odev1q${i}.rig`, 1e6 * (i + 1)] as const)
    // A point every 59 s for 31 days (every minute and hour gets one or two), then a dense last hour.
    const end = T0 + 31 * DAY
    for (let t = T0; t < end - HOUR; t += 59_000)
      await history.add({ t, values: { rigHashrate: 5.5e7, sharesAccepted: 1 }, rigs })
    for (let t = end - HOUR; t < end; t += 1000)
      await history.add({ t, values: { rigHashrate: 5.5e7, sharesAccepted: 1 }, rigs })
    await history.flush()
    const counts = history.counts()
    TIERS.forEach((tier, i) => expect(counts[i]).toBeLessThanOrEqual(tier.keep))
    expect(counts[0]).toBe(3600)
    expect(counts[1]).toBe(1440)
    expect(counts[2]).toBe(720)
    const month = history.query('30d', ['samples', 'sharesAccepted'], end)
    expect(month.t[0]).toBeGreaterThanOrEqual(end - 30 * DAY)
    // Every sample is counted once in the coarse tier: an hour of 59-s points holds 61 or 62 of them.
    expect(month.series.samples?.slice(1, -2).every((n) => n === 61 || n === 62)).toBe(true)
    const live = await store.liveBytes()
    const bound = historyBoundBytes()
    expect(live.entries).toBe(3600 + 1440 + 720 + 1)
    expect(live.bytes).toBeLessThanOrEqual(historyBoundBytes(rigs.length))
    expect(bound).toBeGreaterThan(live.bytes)
  }, 60_000)

  it('gives a flood of rigs no more series than its bound; the rest count as untracked hashrate', async () => {
    const history = await History.open(await openDb(), 4)
    const rigs = Array.from({ length: 10 }, (_, i) => [`rig${i}`, 10] as const)
    await history.add({ t: T0, values: {}, rigs })
    expect(history.rigs.size).toBe(4)
    const answer = history.query('10m', ['untrackedRigHashrate', 'rig:rig0', 'rig:rig9'], T0 + 1000)
    expect(answer.series.untrackedRigHashrate).toEqual([60])
    expect(answer.series['rig:rig0']).toEqual([10])
    expect(answer.series['rig:rig9']).toEqual([0])
    // A slot is freed only when its rig has been gone longer than the month tier keeps points.
    await history.add({ t: T0 + 31 * DAY, values: {}, rigs: [['rig9', 7]] })
    expect(history.rigs.lookup('rig9')).toBeDefined()
    expect(history.rigs.lookup('rig0')).toBeUndefined()
    await history.flush()
  })

  it('refuses an unknown range or series with a message naming the known ones', async () => {
    const history = await History.open(await openDb())
    expect(() => history.query('7d', undefined, T0)).toThrow(HistoryQueryError)
    expect(() => history.query('1h', ['hashrate'], T0)).toThrow(
      /unknown series "hashrate"; known: samples, poolHashrate/
    )
    expect(() =>
      history.query(
        '1h',
        Array.from({ length: 17 }, () => 'peers'),
        T0
      )
    ).toThrow(/at most 16 series/)
  })
})
