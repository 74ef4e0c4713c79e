// Bounded disk (docs/design.md "Bounded state"): a relay's stored shares stay within the window plus its
// margin as the chain grows, and what stays restores the same tip and window after a restart.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ShareChain } from '@otedama/shared/sharechain'
import { restoreShareChain } from '@otedama/shared/store'
import { StorePruner } from '@otedama/shared/store'
import { LevelRelayStore } from '../src/store/level-store'
import { LevelShareStore } from '../src/store/level-share-store'
import { addShare, testNet, testRules } from '../../shared/test/sharechain/fixtures'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

async function countStored(store: LevelShareStore): Promise<number> {
  return (await store.sharesFromHeight(0, 1_000_000)).length
}

describe('store pruning', () => {
  it('300 shares on a 10-share window keep at most window + margin + one pruning step on disk, and restore exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otedama-prune-'))
    dirs.push(dir)
    const relayStore = new LevelRelayStore(dir)
    await relayStore.open()
    const store = new LevelShareStore(relayStore.db)
    const window = 10
    const margin = 10
    const every = 20
    const net = testNet(testRules({ windowShares: window }), { pruneMarginShares: margin })
    const pruner = new StorePruner(net.chain, store, every)
    let most = 0
    let n = addShare(net, 'p0', { parent: undefined })
    await store.putShares([{ id: n.id, bytes: n.bytes, height: n.height }])
    for (let i = 1; i < 300; i++) {
      n = addShare(net, `p${i % 4}`, { parent: n })
      await store.putShares([{ id: n.id, bytes: n.bytes, height: n.height }])
      await pruner.afterAdd()
      most = Math.max(most, await countStored(store))
    }
    expect(most).toBeLessThanOrEqual(window + margin + every + 1)
    expect(pruner.deleted).toBeGreaterThan(250)
    // A restart restores the same tip and window from what is left.
    const restored = new ShareChain(net.rules, { pruneMarginShares: margin })
    await restoreShareChain(store, restored)
    expect(restored.tip?.key).toBe(net.chain.tip?.key)
    expect(restored.tipWindow().weights).toEqual(net.chain.tipWindow().weights)
    expect(restored.historyComplete(restored.tip)).toBe(true)
    await relayStore.close()
  })
})
