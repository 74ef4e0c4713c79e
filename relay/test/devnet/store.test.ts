import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDevnet, FileDevnetBlockStore, MemoryDevnetBlockStore, type DevnetBlockStore } from '../../src/devnet'
import type { DevnetTemplateSource } from '../../src/devnet/source'
import { blockOn } from './mine'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otedama-devnet-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function mineTwo(source: DevnetTemplateSource): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const b = blockOn(source.chain, source.chain.tip())
    expect(await source.acceptBlock(b.header80, b.coinbaseLegacy)).toEqual({ kind: 'accept' })
  }
}

async function restartKeepsChain(store: () => DevnetBlockStore): Promise<void> {
  const first = createDevnet({ store: store() })
  await first.source.start()
  await mineTwo(first.source)
  const tip = first.chain.tip()
  await first.source.stop()
  const again = createDevnet({ store: store() })
  await again.source.start()
  expect(again.chain.tip().hashHex).toBe(tip.hashHex)
  expect(again.chain.tip().chainWork).toBe(tip.chainWork)
  expect(again.source.current()!.height).toBe(3)
  // And mining goes on from there.
  const next = blockOn(again.chain, again.chain.tip())
  expect(await again.source.acceptBlock(next.header80, next.coinbaseLegacy)).toEqual({ kind: 'accept' })
  await again.source.stop()
}

describe('devnet block stores', () => {
  it('a restart with the file store in the data dir keeps the chain', async () => {
    await restartKeepsChain(() => new FileDevnetBlockStore(join(dir, 'devnet', 'blocks.dat')))
  })

  it('a restart with the same memory store keeps the chain', async () => {
    const memory = new MemoryDevnetBlockStore()
    await restartKeepsChain(() => memory)
  })

  it('cuts off a torn last record and keeps every whole one', async () => {
    const path = join(dir, 'blocks.dat')
    const first = createDevnet({ store: new FileDevnetBlockStore(path) })
    await first.source.start()
    await mineTwo(first.source)
    const whole = (await stat(path)).size
    await appendFile(path, Uint8Array.of(0x99, 0, 0, 0, 1, 2, 3)) // a record header promising 153 bytes, then 3
    const blocks = await new FileDevnetBlockStore(path).loadDevnetBlocks()
    expect(blocks).toHaveLength(2)
    expect(blocks[1].header80).toEqual(first.chain.tip().header80)
    expect((await stat(path)).size).toBe(whole)
  })

  it('a missing file is an empty chain', async () => {
    expect(await new FileDevnetBlockStore(join(dir, 'none.dat')).loadDevnetBlocks()).toEqual([])
  })
})
