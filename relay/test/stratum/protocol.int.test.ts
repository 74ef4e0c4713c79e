// Stratum protocol over real loopback sockets with firmware-like clients that grind real sha256d.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { hashToBigInt } from '@otedama/shared/primitives'
import { TestRig, type Message, type Profile, type RigOptions } from './clients'
import { startTestServer, testAddress, TEST_MAX_DIFFICULTY, TEST_START_DIFFICULTY, type TestServer } from './harness'
import { headerMerkleMatches, makeTestWork, nextBlock, nextShareTip } from './work'

let ts: TestServer | undefined
const rigs: TestRig[] = []
afterEach(async () => {
  vi.useRealTimers() // ends a mocked Date (vi.setSystemTime)
  for (const r of rigs.splice(0)) r.close()
  await ts?.stop()
  ts = undefined
})

async function rig(profile: Profile, opts: Partial<RigOptions> = {}, localAddress?: string): Promise<TestRig> {
  if (ts === undefined) throw new Error('server not started')
  const r = await TestRig.connect(
    ts.port,
    profile,
    { user: opts.user ?? `${testAddress(7)}.rig1`, ...opts },
    localAddress
  )
  rigs.push(r)
  return r
}

const errorCode = (m: Message): number | undefined => (Array.isArray(m.error) ? (m.error[0] as number) : undefined)

describe('stratum: every firmware profile mines real shares', () => {
  for (const profile of ['esp-miner', 'cpuminer', 'cgminer', 'nerdminer', 'bfgminer'] as const) {
    it(`${profile}: handshake, accepted pseudo-shares, shares with a correct header`, async () => {
      ts = await startTestServer()
      const r = await rig(profile, { suggestDifficulty: profile === 'nerdminer' ? 0.00015 : undefined })
      await r.handshake()
      for (let i = 0; i < 4; i++) {
        const { reply } = await r.mineOne()
        expect(reply.error).toBeNull()
        expect(TestRig.accepted(reply)).toBe(true)
      }
      expect(ts.server.counters.accepted).toBe(4)
      // Every share handed on is real PoW under the share target, and its coinbase folds to the header root.
      for (const s of ts.shares) {
        expect(hashToBigInt(sha256d(s.header))).toBeLessThanOrEqual(s.work.shareTarget)
        expect(headerMerkleMatches(s.header, s.coinbaseTx, ts.work.txids)).toBe(true)
        expect(bytesToHex(s.extranonce).slice(0, 8)).toBe(r.extranonce1)
      }
      const rigInfo = ts.server.rigs()[0]
      expect(rigInfo.address).toBe(testAddress(7))
      expect(rigInfo.worker).toBe('rig1')
      expect(rigInfo.accepted).toBe(4)
      expect(rigInfo.hashrate).toBeGreaterThan(0)
    })
  }

  it('esp-miner rolls version bits inside the negotiated mask 1fffe000 and the header carries them', async () => {
    ts = await startTestServer({ work: makeTestWork({ shareTarget: 1n << 255n }) }) // every pseudo-share is a share
    const r = await rig('esp-miner')
    await r.handshake()
    expect(r.versionMask).toBe(0x1fffe000)
    const { reply, found } = await r.mineOne()
    expect(reply.result).toBe(true)
    expect(found.rolledBits).not.toBe(0)
    const share = ts.shares.at(-1)
    expect(share).toBeDefined()
    expect(new DataView(share!.header.buffer).getUint32(0, true)).toBe(found.version)
  })

  it('nerdminer: UPPERCASE unpadded nonces are left-padded and accepted', async () => {
    ts = await startTestServer()
    const r = await rig('nerdminer', { suggestDifficulty: 0.00015 })
    await r.handshake()
    const job = r.currentJob!
    const found = r.grind(job, job.difficulty)
    const params = r.submitParams(job, found)
    expect(params[4]).toBe(found.nonce.toString(16).toUpperCase())
    expect(params[4].length).toBeLessThan(8)
    const reply = await r.submit(job, found)
    expect(reply.error).toBeNull()
  })
})

describe('stratum: ordering quirks', () => {
  it('Q1: the subscribe reply is the first line; difficulty and notify only after authorize', async () => {
    ts = await startTestServer()
    const r = await rig('cpuminer')
    r.sendJson({ id: 1, method: 'mining.subscribe', params: ['cpuminer/2.5.1'] })
    const first = await r.waitFor(() => true)
    expect(first.id).toBe(1)
    // Barrier: the server answers in order, so anything subscribe set off would come before this pong.
    expect((await r.call('mining.ping', [], 'barrier')).result).toBe('pong')
    expect(r.received).toHaveLength(0)
    r.sendJson({ id: 2, method: 'mining.authorize', params: [testAddress(7), 'x'] })
    const order = [await r.waitFor(() => true), await r.waitFor(() => true), await r.waitFor(() => true)]
    expect(order.map((m) => m.method ?? `reply:${String(m.id)}`)).toEqual([
      'reply:2',
      'mining.set_difficulty',
      'mining.notify'
    ])
    expect((order[2].params as unknown[])[8]).toBe(true) // first job is clean
  })

  it('authorize before subscribe also works (work starts once both are done)', async () => {
    ts = await startTestServer()
    const r = await rig('cpuminer')
    expect((await r.call('mining.authorize', [testAddress(7), 'x'], 1)).result).toBe(true)
    const sub = await r.call('mining.subscribe', [], 2)
    expect((sub.result as unknown[])[2]).toBe(4)
    await r.waitFor((m) => m.method === 'mining.notify')
  })

  it('a bad payout address gets a clear error and no work', async () => {
    ts = await startTestServer()
    const r = await rig('cpuminer')
    await r.call('mining.subscribe', ['cpuminer/2.5.1'], 1)
    const reply = await r.call('mining.authorize', ['tltc1qnotanaddress.rig', 'x'], 2)
    expect(errorCode(reply)).toBe(24)
    expect(String((reply.error as unknown[])[1])).toMatch(/devnet payout address/)
    expect((reply.error as unknown[])[2]).toBeNull()
    expect((await r.call('mining.ping', [], 'barrier')).result).toBe('pong') // the refused authorize is behind us
    expect(r.received.filter((m) => m.method === 'mining.notify' || m.method === 'mining.set_difficulty')).toHaveLength(
      0
    )
  })

  it('unknown methods get an array-shaped error; mining.ping gets pong; id null gets no reply', async () => {
    ts = await startTestServer()
    const r = await rig('cpuminer')
    await r.handshake()
    const unknown = await r.call('mining.get_transactions', [], 10)
    expect(unknown.result).toBeNull()
    expect(Array.isArray(unknown.error)).toBe(true)
    expect(unknown.error).toEqual([20, 'Method not found: mining.get_transactions', null])
    expect((await r.call('mining.ping', [], 'p1')).result).toBe('pong')
    r.sendJson({ id: null, method: 'mining.suggest_difficulty', params: [TEST_START_DIFFICULTY] })
    const next = await r.call('mining.extranonce.subscribe', [], 'after')
    expect(next.id).toBe('after') // nothing was sent for the id-null request in between
  })
})

describe('stratum: difficulty', () => {
  it('suggest_difficulty is clamped to the ceiling, applies from the next notify, and old jobs keep their difficulty (Q4)', async () => {
    ts = await startTestServer({ work: makeTestWork({ shareTarget: 0xffffn << 208n }) }) // share difficulty 1, far above the ceiling
    const r = await rig('esp-miner', { suggestDifficulty: 1000 })
    await r.handshake()
    const set = await r.waitFor(
      (m) => m.method === 'mining.set_difficulty' && (m.params as number[])[0] !== TEST_START_DIFFICULTY
    )
    expect((set.params as number[])[0]).toBe(TEST_MAX_DIFFICULTY)
    const notify = await r.waitFor(
      (m) => m.method === 'mining.notify' && r.currentJob?.difficulty === TEST_MAX_DIFFICULTY
    )
    expect((notify.params as unknown[])[8]).toBe(false)
    const jobIds = [...r.jobs.keys()]
    expect(new Set(jobIds).size).toBe(jobIds.length) // unique ids (Q8)
    const oldJob = [...r.jobs.values()].find((j) => j.difficulty === TEST_START_DIFFICULTY)!
    const { reply } = await r.mineOne({ job: oldJob, difficulty: TEST_START_DIFFICULTY })
    expect(reply, JSON.stringify(reply)).toMatchObject({ result: true })
  })

  it('password d=<n> sets the start difficulty, clamped to the ceiling, above the required share difficulty too', async () => {
    ts = await startTestServer({ work: makeTestWork({ shareTarget: 1n << 250n }) }) // required share difficulty ~2^-26, far below the ceiling
    const r = await rig('cpuminer', { password: 'x,d=1' })
    await r.handshake()
    // no longer capped at the required share difficulty: the rig's own share target follows its difficulty
    expect(r.currentJob!.difficulty).toBe(TEST_MAX_DIFFICULTY)
    const session = ts.server.activeSessions()[0]
    expect(session.ownShareTarget()).toBeLessThan(ts.work.shareTarget)
  })

  it('suggest_target (bfgminer, id null, before subscribe) sets the difficulty', async () => {
    ts = await startTestServer()
    const target = (0xffffn << 208n) * (1n << 20n) // difficulty 2^-20
    const r = await rig('bfgminer', { suggestTarget: target.toString(16).padStart(64, '0') })
    await r.handshake()
    expect(r.currentJob!.difficulty).toBe(2 ** -20)
    expect((await r.mineOne()).reply.result).toBe(true)
  })
})

describe('stratum: jobs', () => {
  it('new block -> clean_jobs and old jobs stale; new share tip -> clean_jobs too, old tip valid within the grace then stale', async () => {
    // The server reads the grace off Date.now(): a mocked clock, set before the server takes its
    // clock, stands still until the test moves it past the grace.
    const graceMs = 1500
    const tipReplacedAt = Date.now()
    vi.setSystemTime(tipReplacedAt)
    ts = await startTestServer({
      params: { shareTipGraceMs: graceMs },
      work: makeTestWork({ shareTarget: 1n << 255n })
    })
    const r = await rig('cgminer')
    await r.handshake()
    const first = r.currentJob!

    ts.source.push(nextShareTip(ts.work))
    const tipNotify = await r.waitFor((m) => m.method === 'mining.notify')
    expect((tipNotify.params as unknown[])[8]).toBe(true) // rigs drop work on the old tip at once
    const onOldTip = await r.mineOne({ job: first })
    expect(onOldTip.reply.result).toBe(true)
    expect(ts.server.counters.acceptedOnStaleTip).toBe(1)
    expect(ts.server.counters.staleShares).toBe(1)
    expect(ts.shares.at(-1)!.staleTip).toBe(true)
    vi.setSystemTime(tipReplacedAt + graceMs + 1)
    const late = await r.mineOne({ job: first })
    expect(late.reply.error).toEqual([21, 'Stale job', null])

    const tipJob = r.currentJob!
    ts.source.push(nextBlock(ts.work))
    const blockNotify = await r.waitFor((m) => m.method === 'mining.notify')
    expect((blockNotify.params as unknown[])[8]).toBe(true)
    const stale = await r.mineOne({ job: tipJob })
    expect(errorCode(stale.reply)).toBe(21)
    expect((await r.mineOne()).reply.result).toBe(true)
    expect(ts.server.counters.rejected.stale).toBe(2)
  })

  it('sends a job at least every refresh interval even without new work', async () => {
    ts = await startTestServer({ params: { jobRefreshIntervalMs: 200, tickMs: 50 } })
    const r = await rig('nerdminer')
    await r.handshake()
    const before = r.currentJob!.id
    const m = await r.waitFor((x) => x.method === 'mining.notify', 2000)
    expect((m.params as string[])[0]).not.toBe(before)
    expect((await r.mineOne()).reply.result).toBe(true)
    expect(ts.server.counters.epochs.refresh).toBeGreaterThan(0)
  })

  it('a header meeting the block target goes to the block sink at once', async () => {
    const work = makeTestWork({ bits: 0x1f00ffff, shareTarget: 0xffffn << 224n })
    ts = await startTestServer({ work })
    const r = await rig('esp-miner')
    await r.handshake()
    while (ts.blocks.length === 0) await r.mineOne()
    const block = ts.blocks[0]
    expect(hashToBigInt(sha256d(block.header))).toBeLessThanOrEqual(work.blockTarget)
    expect(headerMerkleMatches(block.header, block.coinbaseTx, work.txids)).toBe(true)
    expect(ts.server.counters.blocksFound).toBe(ts.blocks.length)
  })
})

describe('stratum: submit checks', () => {
  it('duplicate, unknown job, ntime out of range, bad version bits, low difficulty', async () => {
    ts = await startTestServer()
    const r = await rig('esp-miner')
    await r.handshake()
    const job = r.currentJob!
    const found = r.grind(job, job.difficulty)
    expect((await r.submit(job, found)).result).toBe(true)
    expect(errorCode(await r.submit(job, found))).toBe(22)

    const params = r.submitParams(job, found)
    expect(errorCode(await r.call('mining.submit', [params[0], 'deadbeef', ...params.slice(2)]))).toBe(21)
    const farNtime = (job.ntime + 8000).toString(16)
    expect(
      (await r.call('mining.submit', [params[0], params[1], params[2], farNtime, params[4], params[5]])).error
    ).toEqual([20, 'Ntime out of range', null])
    expect(
      (await r.call('mining.submit', [params[0], params[1], params[2], params[3], params[4], '00000001'])).error
    ).toEqual([20, 'Version bits outside the negotiated mask', null])
    const low = await r.call('mining.submit', [params[0], params[1], '000000ff', params[3], '00000000', '00000000'])
    expect(low.error).toEqual([23, 'Low difficulty share', null])
    expect(ts.server.counters.rejected).toMatchObject({
      duplicate: 1,
      'unknown-job': 1,
      'ntime-out-of-range': 1,
      'bad-version-bits': 1,
      'low-difficulty': 1
    })
  })

  it('a rig without mining.configure may not send version bits; unauthorized worker names are refused', async () => {
    ts = await startTestServer()
    const r = await rig('cpuminer')
    await r.handshake()
    const job = r.currentJob!
    const found = r.grind(job, job.difficulty)
    const params = r.submitParams(job, found)
    expect(errorCode(await r.call('mining.submit', [...params, '00002000']))).toBe(20)
    expect(errorCode(await r.call('mining.submit', [`${testAddress(9)}.other`, ...params.slice(1)]))).toBe(24)
    expect((await r.call('mining.submit', params)).result).toBe(true)
  })
})

describe('stratum: session services', () => {
  it('extranonce.subscribe -> set_extranonce with a fresh extranonce1, and mining continues on it', async () => {
    ts = await startTestServer()
    const r = await rig('esp-miner', { extranonceSubscribe: true })
    await r.handshake()
    const before = r.extranonce1
    expect(ts.server.renewExtranonce(ts.server.activeSessions()[0])).toBe(true)
    await r.waitFor((m) => m.method === 'mining.set_extranonce')
    const clean = await r.waitFor((m) => m.method === 'mining.notify')
    expect((clean.params as unknown[])[8]).toBe(true)
    expect(r.extranonce1).not.toBe(before)
    expect((await r.mineOne()).reply.result).toBe(true)
  })

  it('cpuminer resumes its extranonce1 with the subscription id', async () => {
    ts = await startTestServer()
    const a = await rig('cpuminer')
    await a.handshake()
    const id = a.subscriptionId
    a.close()
    // The id is free to resume once the server has closed the session.
    await vi.waitFor(
      () => {
        expect(ts!.server.activeSessions()).toHaveLength(0)
      },
      { timeout: 10_000 }
    )
    const b = await rig('cpuminer', { resumeId: id })
    await b.handshake()
    expect(b.extranonce1).toBe(a.extranonce1)
    expect((await b.mineOne()).reply.result).toBe(true)
  })

  it('server mining.ping is answered (ESP-Miner "pong"), client.get_version fills the user agent, set_version_mask reaches rolling rigs', async () => {
    ts = await startTestServer()
    const esp = await rig('esp-miner')
    await esp.handshake()
    const session = ts.server.activeSessions()[0]
    // A mocked clock a second on: the pong's arrival shows as that time in lastLineAt.
    const pongAt = session.conn.lastLineAt + 1000
    vi.setSystemTime(pongAt)
    session.ping()
    const ping = await esp.waitFor((m) => m.method === 'mining.ping')
    await vi.waitFor(
      () => {
        expect(session.conn.lastLineAt).toBe(pongAt)
      },
      { timeout: 10_000 }
    )
    expect((await esp.call('mining.ping', [], 'after-pong')).result).toBe('pong')
    expect(esp.received.filter((m) => m.id === ping.id)).toEqual([]) // the pong itself gets no reply (no "Method not found")

    const cg = await rig('cgminer')
    cg.sendJson({
      id: 0,
      method: 'mining.configure',
      params: [['version-rolling'], { 'version-rolling.mask': '1fffe000' }]
    })
    cg.sendJson({ id: 1, method: 'mining.subscribe', params: [] }) // no user agent -> server asks
    cg.sendJson({ id: 2, method: 'mining.authorize', params: [testAddress(8), 'x'] })
    await cg.waitFor((m) => m.method === 'client.get_version')
    await cg.waitFor((m) => m.method === 'mining.notify')
    expect((await cg.call('mining.ping', [], 'barrier')).result).toBe('pong') // cg answered get_version before this
    expect(ts.server.rigs().find((x) => x.address === testAddress(8))?.userAgent).toBe('cgminer/4.12.1')

    ts.server.setVersionMask(0x00ffe000)
    const m = await cg.waitFor((x) => x.method === 'mining.set_version_mask')
    expect(m.params).toEqual(['00ffe000'])
  })

  it('operator fee: announced with client.show_message; a fair share of jobs names the operator script', async () => {
    const operator = testAddress(0x42)
    ts = await startTestServer({
      params: { operatorFee: 0.25, operatorAddress: operator, jobRefreshIntervalMs: 60_000 },
      work: makeTestWork({ shareTarget: 1n << 255n })
    })
    const r = await rig('cpuminer')
    await r.handshake()
    const msg = await r.waitFor((m) => m.method === 'client.show_message')
    expect(String((msg.params as string[])[0])).toContain('25%')
    expect(String((msg.params as string[])[0])).toContain(operator)
    // 40 jobs with one pseudo-share each: the operator's work share converges to the fee.
    for (let i = 0; i < 40; i++) {
      await r.mineOne()
      ts.source.push(nextShareTip(ts.work))
      await r.waitFor((m) => m.method === 'mining.notify')
    }
    const operatorShares = ts.shares.filter((s) => s.operatorFee).length
    expect(operatorShares).toBeGreaterThanOrEqual(8)
    expect(operatorShares).toBeLessThanOrEqual(12)
    for (const s of ts.shares.filter((x) => x.operatorFee))
      expect(bytesToHex(s.payoutScript)).toBe(bytesToHex(ts.server.operatorScript!))
  })

  it('graceful drain sends client.reconnect to the sibling relay', async () => {
    ts = await startTestServer({ params: { sibling: { host: '127.0.0.1', port: 3334 } } })
    const r = await rig('esp-miner')
    await r.handshake()
    const stopping = ts.server.stop(undefined, 2000)
    const m = await r.waitFor((x) => x.method === 'client.reconnect')
    expect(m.params).toEqual(['127.0.0.1', 3334, 0])
    r.close()
    await stopping
    ts = undefined
  })
})
