import { afterAll, describe, expect, it, vi } from 'vitest'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { Relay } from '../src/app/relay'
import type { RelayConfig } from '../src/config'
import { freePorts } from './harness/litecoind'
import { easyDevnetParams, mineShare } from './harness/devnet'

// Two whole relays on devnet over real libp2p (TCP between relays): a block found on one reaches the
// other through the block topic and its one entry point; the share reaches the other's share chain.
const devnet = easyDevnetParams()
const WAIT_MS = 20_000
const relays: Relay[] = []
let dir: string

async function configFor(name: string, bootstrap: string[]): Promise<RelayConfig> {
  const [p2pPort, wsPort] = await freePorts(2)
  return {
    poolName: name,
    poolFee: 0,
    p2pPort,
    wsPort,
    stratumPort: 0,
    blockchain: 'devnet',
    bootstrapNodes: bootstrap,
    bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, name),
    optimization: {
      sharePropagation: { batchSize: 10, batchInterval: 10 },
      validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 }
    }
  }
}

async function until(what: string, check: () => boolean): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`timed out waiting for ${what}`)
    },
    { timeout: WAIT_MS, interval: 50 }
  )
}

afterAll(async () => {
  for (const r of relays) await r.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('devnet relays over libp2p', () => {
  it('a block found on one relay becomes the tip of the other', async () => {
    dir = await mkdtemp(join(tmpdir(), 'otedama-devnet-net-'))
    const dist = join(dir, 'dist')
    await mkdir(dist)
    await writeFile(join(dist, 'index.html'), '<!doctype html>')
    const a = await Relay.start({ config: await configFor('a', []), staticRoot: dist, stratum: false, devnet })
    relays.push(a)
    const multiaddr = `/ip4/127.0.0.1/tcp/${a.config.p2pPort}/p2p/${a.peerId() ?? ''}`
    const b = await Relay.start({ config: await configFor('b', [multiaddr]), staticRoot: dist, stratum: false, devnet })
    relays.push(b)
    await until('the relays to connect', () => a.peerCount() > 0 && b.peerCount() > 0)
    // Publish once A knows B subscribes to the block and share topics (gossipsub sends our own messages
    // to every known subscriber).
    await until(
      'A to see B on the block and share topics',
      () => a.topicPeers('block').subscribers > 0 && a.topicPeers('share').subscribers > 0
    )
    const entry = await a.book.add(a.source.current()!)
    const result = await a.pool.receiveShare(
      mineShare(a.pool, entry, p2wpkhScript(new Uint8Array(20).fill(1)), 1).bytes,
      'local'
    )
    expect(result.block?.status).toBe('accepted')
    await until('relay B to take the block', () => b.source.current()?.height === 2)
    expect(await b.source.bestBlockHash()).toEqual(await a.source.bestBlockHash())
    await until('relay B to take the share', () => b.pool.chain.size === 1)
  })
})
