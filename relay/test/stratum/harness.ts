// Starts a Stratum server for tests on a free loopback port with a hand-driven job source and
// sinks that record what they receive.
import { encodeSegwitAddress } from '@otedama/shared/address'
import type { ChainParams } from '@otedama/shared/chain'
import { StratumServer, type BanStore, type FoundShare, type StratumParams } from '../../src/stratum'
import { devnet, makeTestWork, TestJobSource, type TestWork } from './work'

/** Test difficulties are powers of two so client and server targets agree exactly. */
export const TEST_START_DIFFICULTY = 2 ** -18
export const TEST_MIN_DIFFICULTY = 2 ** -24
export const TEST_MAX_DIFFICULTY = 2 ** -16

export const TEST_PARAMS: Partial<StratumParams> = {
  host: '127.0.0.1',
  port: 0,
  startDifficulty: TEST_START_DIFFICULTY,
  minDifficulty: TEST_MIN_DIFFICULTY,
  maxDifficulty: TEST_MAX_DIFFICULTY
}

/** A valid P2WPKH address of `chain` (default devnet) whose key hash is 20 bytes of `fill`. */
export function testAddress(fill: number, chain: ChainParams = devnet): string {
  return encodeSegwitAddress(chain.addresses.bech32Hrp, 0, new Uint8Array(20).fill(fill))
}

export interface TestServer {
  server: StratumServer
  port: number
  source: TestJobSource
  work: TestWork
  shares: FoundShare[]
  blocks: FoundShare[]
  stop: () => Promise<void>
}

export async function startTestServer(
  opts: { params?: Partial<StratumParams>; work?: TestWork; chain?: ChainParams; banStore?: BanStore } = {}
): Promise<TestServer> {
  const work = opts.work ?? makeTestWork()
  const source = new TestJobSource(work)
  const shares: FoundShare[] = []
  const blocks: FoundShare[] = []
  const server = new StratumServer({
    chain: opts.chain ?? devnet,
    jobSource: source,
    shareSink: {
      submitShare: (s) => {
        shares.push(s)
      }
    },
    blockSink: {
      submitBlock: (b) => {
        blocks.push(b)
      }
    },
    banStore: opts.banStore,
    params: { ...TEST_PARAMS, ...opts.params }
  })
  const { port } = await server.start()
  return { server, port, source, work, shares, blocks, stop: async () => await server.stop(undefined, 0) }
}
