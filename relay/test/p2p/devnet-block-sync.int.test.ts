// Devnet blocks over the devnet-blocks protocol (relay/src/app/network.ts devnetBlockSync): a relay that
// was not linked while another mined catches up with that relay's blocks as soon as they link, and a
// gossiped block whose parent it missed brings the missing blocks along. Before, a missed devnet block
// never arrived: the relay mined a fork of its own and every other relay's shares were `unknown-block`.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bytesToHex, p2wpkhScript } from '@otedama/shared/primitives'
import { decodeDevnetBlock, encodeDevnetBlock } from '@otedama/shared/chain'
import { devnetBlockSync } from '../../src/app/network'
import { DevnetTemplateSource } from '../../src/devnet'
import { createRelayNode, type RelayNode } from '../../src/p2p'
import { easyDevnetParams } from '../harness/devnet'
import { coinbaseFor, grindHeader } from '../harness/grind'
import { tcpAddr, waitFor } from './fixtures'

const { params, genesisNonce } = easyDevnetParams()
const miner = p2wpkhScript(new Uint8Array(20).fill(7))
let extranonce = 0

/** Mines one block on the source's current template and adds it as the source's own. */
async function mineBlock(source: DevnetTemplateSource): Promise<Uint8Array> {
  const height = source.chain.tip().height
  const template = source.current()!
  expect(template.height).toBe(height + 1)
  const nonce = new Uint8Array(8)
  new DataView(nonce.buffer).setUint32(0, ++extranonce)
  const coinbase = coinbaseFor(template, [{ script: miner, value: template.coinbaseValue }], nonce)
  const header = grindHeader(template, coinbase, 'sha256d')
  expect(await source.acceptBlock(header, coinbase, 'local')).toEqual({ kind: 'accept' })
  await waitFor('the next template', () => source.current()?.height === height + 2)
  return encodeDevnetBlock(header, coinbase)
}

interface DevnetRelay {
  source: DevnetTemplateSource
  node: RelayNode
  dataDir: string
}

async function startDevnetRelay(bootstrap: string[] = []): Promise<DevnetRelay> {
  const source = new DevnetTemplateSource(undefined, { params, genesisNonce })
  await source.start()
  const dataDir = await mkdtemp(join(tmpdir(), 'otedama-devnet-sync-'))
  const node = await createRelayNode(
    { network: 'devnet', dataDir, host: '127.0.0.1', tcpPort: 0, wsPort: 0, bootstrap, allowPrivateAddresses: true },
    {
      validators: {
        block: async (bytes) => {
          const block = decodeDevnetBlock(bytes)
          return block.ok ? await source.acceptBlock(block.header80, block.coinbaseLegacy, 'network') : block.verdict
        }
      },
      devnetBlocks: devnetBlockSync(source)
    }
  )
  await node.start()
  return { source, node, dataDir }
}

describe('devnet block sync between relays', () => {
  const started: DevnetRelay[] = []
  afterAll(async () => {
    for (const r of started) {
      await r.node.stop()
      await r.source.stop()
      await rm(r.dataDir, { recursive: true, force: true })
    }
  })

  it('a relay that mined alone is caught up on linking, and a gossiped block brings its missing parents', async () => {
    const a = await startDevnetRelay()
    started.push(a)
    for (let i = 0; i < 12; i++) await mineBlock(a.source)
    const b = await startDevnetRelay([tcpAddr(a.node)])
    started.push(b)
    await waitFor(
      'the new relay follows the blocks it missed',
      () => bytesToHex(b.source.chain.tip().hash) === bytesToHex(a.source.chain.tip().hash),
      20_000
    )
    expect(b.source.chain.tip().height).toBe(12)

    // A third relay links to b after b mined three more blocks of its own (published nowhere): it walks
    // b's chain on linking. Then b mines two more and gossips only the newest, whose parent c lacks: c
    // fetches the gap from the sender.
    const c = await startDevnetRelay()
    started.push(c)
    for (let i = 0; i < 3; i++) await mineBlock(b.source)
    await c.node.libp2p.dial(b.node.multiaddrs()[0])
    await waitFor(
      "c on b's tip",
      () => bytesToHex(c.source.chain.tip().hash) === bytesToHex(b.source.chain.tip().hash),
      20_000
    )
    expect(c.source.chain.tip().height).toBe(15)
    await mineBlock(b.source)
    const newest = await mineBlock(b.source)
    await waitFor('b and c on the block topic', () => b.node.metrics().gossipPeers > 0)
    await b.node.publish('block', newest)
    await waitFor('c fetched the missing parent and took both', () => c.source.chain.tip().height === 17, 20_000)
  })
})
