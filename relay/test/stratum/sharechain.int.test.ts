// Stratum on the real share chain (devnet rules): jobs come from the shared coinbase builder, found
// shares pass the shared validator into the chain, a new tip reaches rigs as clean_jobs=false, and
// later coinbases pay the earlier shares' owners (PPLNS).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { randomBytes } from 'node:crypto'
import { getChainParams } from '@otedama/shared/chain'
import { addressToScript } from '@otedama/shared/address'
import { bytesToHex } from '@otedama/shared/primitives'
import {
  HeaderChain,
  ShareChain,
  ShareValidator,
  shareChainRules,
  type ShareJob,
  type ShareVerdict
} from '@otedama/shared/sharechain'
import { ShareChainJobSource, ShareChainSink, StratumServer } from '../../src/stratum'
import { TestRig } from './clients'
import { testAddress, TEST_PARAMS } from './harness'

const devnet = getChainParams('devnet')
let server: StratumServer | undefined
const rigs: TestRig[] = []
afterEach(async () => {
  for (const r of rigs.splice(0)) r.close()
  await server?.stop(undefined, 0)
  server = undefined
})

describe('stratum on the share chain (devnet)', () => {
  it('two rigs mine shares the validator accepts; each new tip is a clean job; coinbases pay both', async () => {
    const rules = shareChainRules(devnet)
    const chain = new ShareChain(rules)
    const prevHash = new Uint8Array(randomBytes(32))
    const headers = new HeaderChain({
      pow: 'sha256d',
      powLimit: devnet.powLimit,
      checkpoint: { hash: prevHash, height: 99 }
    })
    const validator = new ShareValidator({ rules, chain, headers })
    const source = new ShareChainJobSource(chain)
    const now = Math.floor(Date.now() / 1000)
    source.setTemplate({
      announcement: {
        networkTag: rules.networkTag,
        prevHash,
        height: 100,
        version: 0x20000000,
        bits: 0x1d00ffff,
        curtime: now,
        coinbaseValue: 50_0000_0000n,
        witnessCommitment: undefined,
        merkleBranch: [new Uint8Array(randomBytes(32))]
      },
      minTime: now - 600
    })
    const verdicts: ShareVerdict[] = []
    const sink = new ShareChainSink({
      chain,
      validator,
      networkTag: rules.networkTag,
      onVerdict: (v) => verdicts.push(v),
      onAccepted: (_bytes, _found, tipChanged) => {
        if (tipChanged) source.tipChanged()
      }
    })
    server = new StratumServer({
      chain: devnet,
      jobSource: source,
      shareSink: sink,
      params: { ...TEST_PARAMS, minDifficulty: 2 ** -30 }
    })
    const { port } = await server.start()

    const a = await TestRig.connect(port, 'esp-miner', { user: `${testAddress(0xa1)}.a` })
    const b = await TestRig.connect(port, 'cpuminer', { user: `${testAddress(0xb2)}.b` })
    rigs.push(a, b)
    await a.handshake()
    await b.handshake()
    for (let round = 0; round < 3; round++) {
      for (const r of [a, b]) {
        // Wait for the previous share's notify, so this rig builds on the new tip.
        const worker = r === a ? 'a' : 'b'
        await vi.waitFor(() =>
          expect(r.currentJob?.id).toBe(
            server!.activeSessions().find((x) => x.payee?.worker === worker)?.currentJob?.job.id
          )
        )
        const before = chain.size
        while (chain.size === before) {
          const { reply } = await r.mineOne()
          expect(reply.result).toBe(true)
        }
      }
    }
    expect(verdicts.every((v) => v.kind === 'accept')).toBe(true)
    expect(chain.size).toBeGreaterThanOrEqual(6)
    // The other rig learnt of each new tip as a job with clean_jobs: work on the old tip is dropped at once.
    const tipNotifies = b.received.filter((m) => m.method === 'mining.notify' && (m.params as unknown[])[8] === true)
    expect(tipNotifies.length).toBeGreaterThanOrEqual(3)
    expect(server.counters.epochs['share-tip']).toBeGreaterThanOrEqual(6)

    // A job on the current tip pays both rigs from the PPLNS window.
    const session = server.activeSessions()[0]
    const job = session.currentJob!.job.coinbase.context as ShareJob
    const paid = job.payouts.map((p) => bytesToHex(p.script))
    expect(paid).toContain(bytesToHex(addressToScript(testAddress(0xa1), devnet.addresses)))
    expect(paid).toContain(bytesToHex(addressToScript(testAddress(0xb2), devnet.addresses)))
    expect(job.payouts.reduce((s, p) => s + p.value, 0n)).toBe(50_0000_0000n)
  })
})
