// Real share-chain shares (@otedama/shared src/sharechain) over real libp2p: a miner's shares reach a relay, a
// late joiner syncs the window from the relay and derives the same tip and byte-identical payouts.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { afterAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '@otedama/shared/primitives'
import type { ShareSyncSource, WindowPage } from '@otedama/shared/p2p'
import { ShareLedger, syncDepthShares, type ShareNode } from '@otedama/shared/sharechain'
import {
  CHECKPOINT_HEIGHT,
  addShare,
  fakeHash,
  mineShare,
  payoutScriptOf,
  testNet,
  type Net
} from '../../../shared/test/sharechain/fixtures'
import { createRelayNode, type RelayNode } from '../../src/p2p'
import { waitFor } from './fixtures'

const WINDOW_SHARES_TO_MINE = 12

/** A node's share chain behind the P2P interfaces: validator (adds accepted shares) and sync source. */
function chainPeer(net: Net): {
  validate: (bytes: Uint8Array, from: PeerId) => ReturnType<Net['validator']['validate']>['verdict']
  source: ShareSyncSource
} {
  const validate = (bytes: Uint8Array) => {
    const v = net.validator.validate(bytes)
    if (v.verdict.kind === 'accept') net.chain.add(v.share!, v.id!, bytes)
    return v.verdict
  }
  const source: ShareSyncSource = {
    bestTip: () => net.chain.tip?.id,
    window(tip, skip, count): WindowPage | undefined {
      let node: ShareNode | undefined = net.chain.getById(tip)
      if (node === undefined) return undefined
      const shares: Uint8Array[] = []
      for (let i = 0; node !== undefined; i++, node = node.parent) {
        if (i >= skip + count) return { shares, more: true }
        if (i >= skip) shares.push(node.bytes)
      }
      return { shares, more: false }
    },
    sharesById: (ids) => ids.map((id) => net.chain.getById(id)?.bytes).filter((b): b is Uint8Array => b !== undefined)
  }
  return { validate, source }
}

async function startChainNode(net: Net, bootstrap: string[] = []): Promise<{ node: RelayNode; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'otedama-p2p-chain-'))
  const { validate, source } = chainPeer(net)
  const node = await createRelayNode(
    { network: 'devnet', dataDir, host: '127.0.0.1', tcpPort: 0, wsPort: 0, bootstrap, allowPrivateAddresses: true },
    { validators: { share: validate }, syncSource: source }
  )
  await node.start()
  return { node, dataDir }
}

/**
 * A relay's share handling as the relay app wires it (relay/src/app/network.ts): a ShareLedger judging
 * gossip live and fetched shares as synced history, walking missing branches back to its chain.
 */
async function startLedgerNode(
  ledger: ShareLedger,
  bootstrap: string[] = []
): Promise<{ node: RelayNode; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'otedama-p2p-ledger-'))
  const node = await createRelayNode(
    { network: 'devnet', dataDir, host: '127.0.0.1', tcpPort: 0, wsPort: 0, bootstrap, allowPrivateAddresses: true },
    {
      validators: { share: (bytes) => ledger.add(bytes, 'live', 'network').verdict },
      syncedShare: (bytes) => ledger.add(bytes, 'synced', 'network').verdict,
      shareMissingAncestry: (bytes) => ledger.missingAncestry(bytes),
      branchDepth: syncDepthShares(ledger.rules),
      syncSource: {
        bestTip: () => ledger.tip?.id,
        window(tip, skip, count): WindowPage | undefined {
          const from = ledger.chain.getById(tip)
          return from === undefined ? undefined : ledger.chain.syncPage(from, skip, count)
        },
        sharesById: (ids) =>
          ids.flatMap((id) => {
            const n = ledger.chain.getById(id)
            return n === undefined ? [] : [n.bytes]
          })
      }
    }
  )
  await node.start()
  return { node, dataDir }
}

/** A relay's ledger holding `count` shares it mined alone from a first share. */
function ledgerMinedAlone(payee: string, count: number): ShareLedger {
  return ledgerOf(testNet(), payee, count)
}

/** A ledger holding `count` shares of `net`, mined alone from a first share (added to `net` as well). */
function ledgerOf(net: Net, payee: string, count: number): ShareLedger {
  let parent: ShareNode | undefined
  for (let i = 0; i < count; i++) parent = addShare(net, payee, { parent })
  return ledgerHolding(net, count)
}

/** A fresh ledger holding the first `count` shares of `net`'s best chain. */
function ledgerHolding(net: Net, count: number): ShareLedger {
  const ledger = new ShareLedger({ rules: net.rules, powLimit: (1n << 255n) - 1n, now: () => net.clock.now })
  ledger.anchor({ hash: fakeHash('checkpoint'), height: CHECKPOINT_HEIGHT })
  const best = [...net.chain.ancestors(net.chain.tip!, net.chain.tip!.height + 1)].reverse()
  for (const n of best.slice(0, count)) ledger.add(n.bytes, 'synced', 'network')
  expect(ledger.chain.size).toBe(count)
  return ledger
}

describe('share-chain sync over libp2p', () => {
  const started: Array<{ node: RelayNode; dataDir: string }> = []
  afterAll(async () => {
    await Promise.all(started.map((s) => s.node.stop()))
    await Promise.all(started.map((s) => rm(s.dataDir, { recursive: true, force: true })))
  })

  it('a late joiner syncs the window and derives identical payouts', async () => {
    const relayNet = testNet()
    const minerNet = testNet()
    const relay = await startChainNode(relayNet)
    started.push(relay)
    const relayAddr = relay.node.multiaddrs()[0].toString()
    const miner = await startChainNode(minerNet, [relayAddr])
    started.push(miner)
    await waitFor('miner linked to the relay', () => miner.node.libp2p.getConnections(relay.node.peerId).length > 0)
    await waitFor(
      'share mesh grafted both ways',
      () => relay.node.metrics().shareMeshPeers > 0 && miner.node.metrics().shareMeshPeers > 0
    )

    // The miner mines on its own chain (two payees alternate) and gossips each share.
    for (let i = 0; i < WINDOW_SHARES_TO_MINE; i++) {
      const { bytes } = mineShare(minerNet, i % 3 === 0 ? 'alice' : 'bob')
      const v = minerNet.validator.validate(bytes)
      expect(v.verdict.kind).toBe('accept')
      minerNet.chain.add(v.share!, v.id!, bytes)
      await miner.node.publish('share', bytes)
    }
    await waitFor('relay holds the miner chain', () => relayNet.chain.size === WINDOW_SHARES_TO_MINE)
    expect(bytesToHex(relayNet.chain.tip!.id)).toBe(bytesToHex(minerNet.chain.tip!.id))

    const joinerNet = testNet()
    const joiner = await startChainNode(joinerNet, [relayAddr])
    started.push(joiner)
    await waitFor('joiner linked to the relay', () => joiner.node.libp2p.getConnections(relay.node.peerId).length > 0)
    const result = await joiner.node.catchUp(relay.node.peerId, relayNet.rules.windowShares)
    expect(result).toEqual({ accept: WINDOW_SHARES_TO_MINE, reject: 0, ignore: 0 })
    expect(bytesToHex(joinerNet.chain.tip!.id)).toBe(bytesToHex(relayNet.chain.tip!.id))

    // Payouts of the next coinbase on the tip: byte-identical on the joiner and the relay.
    const value = relayNet.template.coinbaseValue
    const finder = payoutScriptOf('carol')
    const atRelay = relayNet.chain.payouts(relayNet.chain.tip, value, finder)
    const atJoiner = joinerNet.chain.payouts(joinerNet.chain.tip, value, finder)
    expect(bytesToHex(atJoiner.bytes)).toBe(bytesToHex(atRelay.bytes))
    expect(atJoiner.outputs.length).toBeGreaterThan(1) // alice, bob (and carol's bonus): a real split
  })

  it('a live share that arrives before its parent is held once the parent is fetched (gossip does not bring it again)', async () => {
    // The sender (a tab) and the relay hold the same chain; the sender then finds two shares and only the
    // second reaches the relay, which has to fetch the first from the sender.
    const net = testNet()
    const sender = ledgerOf(net, 'alice', 4)
    const relayLedger = ledgerHolding(net, 4)
    const relay = await startLedgerNode(relayLedger)
    started.push(relay)
    const tab = await startLedgerNode(sender, [relay.node.multiaddrs()[0].toString()])
    started.push(tab)
    await waitFor(
      'share mesh grafted both ways',
      () => relay.node.metrics().shareMeshPeers > 0 && tab.node.metrics().shareMeshPeers > 0
    )
    const missed = addShare(net, 'alice')
    const child = addShare(net, 'alice')
    expect(sender.add(missed.bytes, 'live', 'network').verdict.kind).toBe('accept')
    expect(sender.add(child.bytes, 'live', 'network').verdict.kind).toBe('accept')
    await tab.node.publish('share', child.bytes)
    // The relay ignores the child (unknown parent), walks the sender's branch for the parent, then judges
    // the child again: both are held. Before, the child was dropped and only its parent was kept.
    await waitFor('the relay holds the missed parent', () => relayLedger.chain.getById(missed.id) !== undefined)
    await waitFor('the relay holds the child', () => relayLedger.chain.getById(child.id) !== undefined)
    expect(relayLedger.tip?.key).toBe(child.key)
  })

  it('two relays that mined apart converge on the chain with more work as soon as they link', async () => {
    const heavy = ledgerMinedAlone('alice', 30)
    const light = ledgerMinedAlone('bob', 18)
    const heavyTip = heavy.tip!.key
    const a = await startLedgerNode(heavy)
    started.push(a)
    const b = await startLedgerNode(light, [a.node.multiaddrs()[0].toString()])
    started.push(b)
    // No share is gossiped: linking alone makes each walk the other's chain back to its own.
    await waitFor('the lighter relay adopts the heavier chain', () => light.tip?.key === heavyTip, 20_000)
    await waitFor('the heavier relay holds the lighter branch', () => heavy.chain.size === 30 + 18, 20_000)
    expect(heavy.tip!.key).toBe(heavyTip)
    expect(light.chain.size).toBe(18 + 30)
  })
})
