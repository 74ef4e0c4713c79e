// A relay as a real OS process on the compiled-in devnet, mined by a Stratum test rig grinding with our
// WebAssembly kernel: after `kill -9` a restart on the same data directory has every share the relay had
// accepted, every block record and the tip; a SIGTERM sends the rig to the sibling relay
// (client.reconnect), where it mines on, and the stopped relay's data is all there on restart.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BlockView, ShareChainView, StatusView } from '../src/http/views'
import { spawnRelay, type RelayProcess } from './harness/relay-process'
import { loadKernelScanner, TestRig, targetOfBits, type NonceScanner } from './stratum/clients'
import { testAddress } from './stratum/harness'

/** Pseudo-share difficulty the rig asks for (`d=` in the password): ~430 k hashes, a fraction of a second with the kernel. */
const RIG_DIFFICULTY = 0.0001
/** Shares mined before the crash (each pseudo-share at this difficulty is also a share on a cold devnet share chain). */
const SHARES_BEFORE_CRASH = 4
/** Longest waits (ms): the relay's API showing what the rig found; a process exit. */
const WAIT_MS = 60_000

let scanner: NonceScanner
const dirs: string[] = []
const running: RelayProcess[] = []
const rigs: TestRig[] = []

beforeAll(async () => {
  scanner = await loadKernelScanner()
})

afterAll(async () => {
  for (const r of rigs) r.close()
  for (const p of running)
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL')
      await p.exited
    }
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otedama-restart-'))
  dirs.push(dir)
  return dir
}

async function start(dir: string, env: Record<string, string> = {}): Promise<RelayProcess> {
  const p = await spawnRelay(dir, { env })
  running.push(p)
  return p
}

async function rigOn(relay: RelayProcess, fill: number, extranonceSubscribe = false): Promise<TestRig> {
  const rig = await TestRig.connect(relay.ports.stratum, 'esp-miner', {
    user: `${testAddress(fill)}.w${fill}`,
    password: `d=${RIG_DIFFICULTY}`,
    scanner,
    extranonceSubscribe
  })
  rigs.push(rig)
  await rig.handshake()
  return rig
}

/** Most submits tried for the accepted ones wanted (a share moves the tip: a submit racing its clean notify is refused as stale). */
const MAX_SUBMITS = 40

/** Mines until `count` submits are accepted; returns the refusals seen on the way. */
async function mineAccepted(rig: TestRig, count: number): Promise<unknown[]> {
  const refused: unknown[] = []
  let accepted = 0
  for (let i = 0; i < MAX_SUBMITS && accepted < count; i++) {
    await new Promise((resolve) => setImmediate(resolve)) // let a clean notify in before the next grind
    const { reply } = await rig.mineOne()
    if (reply.result === true) accepted++
    else refused.push(reply.error)
  }
  if (accepted < count)
    throw new Error(`${accepted} of ${count} submits accepted; refused: ${JSON.stringify(refused.slice(-3))}`)
  return refused
}

/** Block attempts: a grind of ~2^24 hashes can outlive its job (a refresh or a new share tip makes it stale). */
const MAX_BLOCK_ATTEMPTS = 5

/** Grinds to the block target of the rig's current job until the relay takes one. */
async function mineBlock(rig: TestRig): Promise<void> {
  const refused: unknown[] = []
  for (let i = 0; i < MAX_BLOCK_ATTEMPTS; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    const job = rig.currentJob
    if (job === undefined) throw new Error('no job')
    const reply = await rig.submit(job, rig.grindTarget(job, targetOfBits(job.nbits)))
    if (reply.result === true) return
    refused.push(reply.error)
  }
  throw new Error(`no block accepted in ${MAX_BLOCK_ATTEMPTS} attempts: ${JSON.stringify(refused)}`)
}

/**
 * Mines until the relay's share chain holds `count` shares: an accepted pseudo-share is a share only
 * when it also meets the rig's own share target, which the retarget may have made harder meanwhile.
 */
async function mineShares(rig: TestRig, relay: RelayProcess, count: number): Promise<void> {
  for (let i = 0; i < MAX_SUBMITS && (await shareIds(relay)).length < count; i++) {
    await new Promise((resolve) => setImmediate(resolve)) // let a clean notify in before the next grind
    await rig.mineOne()
  }
}

const shareIds = async (relay: RelayProcess): Promise<string[]> =>
  (await relay.get<ShareChainView>('/api/v1/sharechain?limit=1000')).shares.map((s) => s.id)
const blocksOf = async (relay: RelayProcess): Promise<Array<{ hash: string; status: string; height: number }>> =>
  (await relay.get<{ blocks: BlockView[] }>('/api/v1/blocks?limit=1000')).blocks.map((b) => ({
    hash: b.hash,
    status: b.status,
    height: b.height
  }))

it('after kill -9, a restart on the same data directory has every accepted share, every block record and the tip', async () => {
  const dir = await dataDir()
  const relay = await start(dir)
  const rig = await rigOn(relay, 61)
  await mineAccepted(rig, 1)
  await mineShares(rig, relay, SHARES_BEFORE_CRASH)
  // And a block: on a young devnet (bootstrap blocks at the easiest target) the shares already were;
  // else the rig grinds one to its job's block target.
  if ((await blocksOf(relay)).length === 0) await mineBlock(rig)
  await expect
    .poll(async () => (await blocksOf(relay)).filter((b) => b.status === 'accepted').length, { timeout: WAIT_MS })
    .toBeGreaterThanOrEqual(1)
  await expect
    .poll(async () => (await shareIds(relay)).length, { timeout: WAIT_MS })
    .toBeGreaterThanOrEqual(SHARES_BEFORE_CRASH)

  const before = {
    shares: await shareIds(relay),
    blocks: await blocksOf(relay),
    status: await relay.get<StatusView>('/api/v1/status')
  }
  rig.close()
  relay.child.kill('SIGKILL')
  expect((await relay.exited).signal).toBe('SIGKILL')

  const again = await start(dir)
  const after = {
    shares: await shareIds(again),
    blocks: await blocksOf(again),
    status: await again.get<StatusView>('/api/v1/status')
  }
  expect(after.shares).toEqual(expect.arrayContaining(before.shares))
  expect(after.status.shareChain.tip).toBe(before.status.shareChain.tip)
  expect(after.status.shareChain.height).toBe(before.status.shareChain.height)
  // Every block record is kept; one still in flight at the crash may settle differently afterwards
  // (the daemon's chain decides), but an accepted one stays in the chain.
  expect(after.blocks.map((b) => b.hash)).toEqual(expect.arrayContaining(before.blocks.map((b) => b.hash)))
  for (const b of before.blocks.filter((x) => x.status === 'accepted')) {
    expect(['accepted', 'confirmed'], b.hash).toContain(after.blocks.find((x) => x.hash === b.hash)?.status)
  }
  expect(after.status.source.height).toBe(before.status.source.height)
  expect(after.status.source.prevHash).toBe(before.status.source.prevHash)
  again.child.kill('SIGTERM')
  expect((await again.exited).code).toBe(0)
})

it('SIGTERM sends rigs to the sibling relay (client.reconnect), they mine on there, and the stopped relay keeps what it accepted', async () => {
  const sibling = await start(await dataDir())
  const dir = await dataDir()
  const relay = await start(dir, { OTEDAMA_STRATUM_SIBLING: `127.0.0.1:${sibling.ports.stratum}` })
  const rig = await rigOn(relay, 62)
  await mineAccepted(rig, 1)
  await expect.poll(async () => (await shareIds(relay)).length, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(1)
  const accepted = await shareIds(relay)

  relay.child.kill('SIGTERM')
  const reconnect = await rig.waitFor((m) => m.method === 'client.reconnect', WAIT_MS)
  expect(reconnect.params).toEqual(['127.0.0.1', sibling.ports.stratum, 0])
  // The rig does what firmware does with client.reconnect: it dials the host and port it was given.
  const [host, port] = reconnect.params as [string, number]
  expect(host).toBe('127.0.0.1')
  rig.close()
  const moved = await TestRig.connect(port, 'esp-miner', {
    user: `${testAddress(62)}.w62`,
    password: `d=${RIG_DIFFICULTY}`,
    scanner
  })
  rigs.push(moved)
  await moved.handshake()
  await mineAccepted(moved, 1)
  await expect.poll(async () => (await shareIds(sibling)).length, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(1)
  expect((await relay.exited).code).toBe(0)

  const again = await start(dir)
  expect(await shareIds(again)).toEqual(expect.arrayContaining(accepted))
})
