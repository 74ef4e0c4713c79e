// The store interface's reference implementation, and restoring a share chain after a restart.
import { describe, expect, it } from 'vitest'
import { MemoryStore, restoreShareChain } from '../../src/store'
import { ShareChain } from '../../src/sharechain'
import { addShare, testNet, testRules } from './fixtures'

describe('share store', () => {
  it('restores the chain, tip and window from stored shares, including a pruned history', async () => {
    const net = testNet(testRules({ windowShares: 4 }), { pruneMarginShares: 2 })
    const store = new MemoryStore()
    let n = addShare(net, 'alice', { parent: undefined })
    await store.putShares([{ id: n.id, bytes: n.bytes, height: n.height }])
    for (let i = 0; i < 12; i++) {
      n = addShare(net, i % 3 ? 'bob' : 'carol')
      await store.putShares([{ id: n.id, bytes: n.bytes, height: n.height }])
    }
    await store.deleteSharesBelow(n.height - 6) // the store prunes too
    const restored = new ShareChain(net.rules)
    const { added, skipped } = await restoreShareChain(store, restored)
    expect(added).toBe(7)
    expect(skipped).toBe(0)
    expect(restored.tip?.key).toBe(net.chain.tip?.key)
    expect(restored.tipWindow().weights).toEqual(net.chain.tipWindow().weights)
    expect(restored.nextShareBits(restored.tip)).toBe(net.chain.nextShareBits(net.chain.tip))
  })

  it('keeps headers and meta values, and refuses use after close', async () => {
    const store = new MemoryStore()
    const hash = new Uint8Array(32).fill(7)
    await store.putHeaders([{ hash, header80: new Uint8Array(80), height: 5 }])
    expect((await store.getHeader(hash))?.height).toBe(5)
    expect(await store.headersFromHeight(6, 10)).toEqual([])
    await store.putMeta('tip', Uint8Array.of(1))
    expect(await store.getMeta('tip')).toEqual(Uint8Array.of(1))
    await store.close()
    await expect(store.getMeta('tip')).rejects.toThrow(/closed/)
  })
})
