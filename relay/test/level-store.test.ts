import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from '@otedama/shared/store'
import type { ShareStore } from '@otedama/shared/store'
import { LevelRelayStore } from '../src/store/level-store'
import { LevelShareStore } from '../src/store/level-share-store'
import type { FoundBlockRecord } from '../src/store/records'

const dirs: string[] = []
const stores: LevelRelayStore[] = []
async function openStore(dir?: string): Promise<LevelRelayStore> {
  dir ??= await mkdtemp(join(tmpdir(), 'otedama-level-'))
  if (!dirs.includes(dir)) dirs.push(dir)
  const s = new LevelRelayStore(dir)
  await s.open()
  stores.push(s)
  return s
}
afterEach(async () => {
  for (const s of stores.splice(0)) if (s.db.status === 'open') await s.close()
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const id = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const share = (n: number, height: number) => ({ id: id(n), bytes: new Uint8Array([n, n, n]), height })

/** The same operations on both stores must give the same answers (MemoryStore is the reference). */
async function script(s: ShareStore): Promise<unknown[]> {
  const out: unknown[] = []
  await s.putShares([share(1, 0), share(2, 1), share(3, 1), share(4, 2), share(5, 3)])
  await s.putShares([share(2, 1)]) // duplicate
  out.push((await s.sharesFromHeight(1, 10)).map((x) => [x.id[0], x.height, [...x.bytes]]))
  out.push((await s.sharesFromHeight(0, 2)).map((x) => x.id[0]))
  out.push(await s.hasShare(id(3)), await s.hasShare(id(9)))
  out.push((await s.getShare(id(4)))?.height)
  await s.deleteShares([id(3)])
  out.push(await s.deleteSharesBelow(2))
  out.push((await s.sharesFromHeight(0, 10)).map((x) => x.id[0]))
  await s.putHeaders([
    { hash: id(7), header80: new Uint8Array(80).fill(7), height: 10 },
    { hash: id(8), header80: new Uint8Array(80).fill(8), height: 11 }
  ])
  out.push((await s.headersFromHeight(11, 5)).map((h) => h.hash[0]))
  out.push((await s.getHeader(id(7)))?.header80[0])
  out.push(await s.deleteHeadersBelow(11))
  await s.putMeta('tip', new Uint8Array([1, 2]))
  out.push([...((await s.getMeta('tip')) ?? [])], await s.getMeta('none'))
  return out
}

describe('LevelDB stores', () => {
  it('the share store answers exactly as the reference MemoryStore', async () => {
    const level = await openStore()
    expect(await script(new LevelShareStore(level.db))).toEqual(await script(new MemoryStore()))
  })

  it('keeps shares, blocks, templates and bans across a reopen', async () => {
    const first = await openStore()
    await new LevelShareStore(first.db).putShares([share(1, 0), share(2, 1)])
    const block: FoundBlockRecord = {
      hash: 'ab'.repeat(32),
      network: 'devnet',
      height: 5,
      prevHash: 'cd'.repeat(32),
      coinbaseValue: '50',
      payouts: [{ script: '00', value: '50' }],
      foundAt: 1000,
      status: 'accepted',
      updatedAt: 1000
    }
    await first.putBlock(block)
    await first.putBlock({ ...block, status: 'confirmed', confirmations: 100, updatedAt: 2000 })
    await first.putBan({ subject: '10.0.0.1', until: Date.now() + 60_000, reason: 'test' })
    await first.putBan({ subject: '10.0.0.2', until: Date.now() - 1, reason: 'expired' })
    const dir = first.location
    await first.close()
    const again = await openStore(dir)
    expect((await new LevelShareStore(again.db).sharesFromHeight(0, 10)).map((s) => s.id[0])).toEqual([1, 2])
    expect(await again.listBlocks(10)).toEqual([{ ...block, status: 'confirmed', confirmations: 100, updatedAt: 2000 }])
    expect((await again.listBans(Date.now())).map((b) => b.subject)).toEqual(['10.0.0.1'])
  })
})
