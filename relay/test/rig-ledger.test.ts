import { describe, expect, it } from 'vitest'
import { RigLedger, type RigInfo } from '../src/stratum/metrics'

const info = (connectionId: number, accepted: number, extra: Partial<RigInfo> = {}): RigInfo => ({
  connectionId,
  remoteAddress: '10.0.0.1',
  userAgent: 'cgminer/4.12',
  address: 'rltc1qrig',
  worker: 's9',
  difficulty: 0.5,
  hashrate: 1000,
  accepted,
  rejected: 1,
  shares: 2,
  connectedAt: 1000 * connectionId,
  lastShareAt: 1000 * connectionId + 500,
  versionRolling: false,
  ...extra
})

describe('rig records across reconnects', () => {
  it("keeps a rig's counts when it reconnects, merges its open connections, and names units", () => {
    const ledger = new RigLedger()
    ledger.closed(info(1, 10), 1_900)
    ledger.closed(info(2, 5), 2_900)
    const [rig] = ledger.records([info(3, 7), info(4, 1, { difficulty: 2 })], 5_000)
    expect(rig).toMatchObject({
      rig: 'rltc1qrig.s9',
      online: true,
      connections: 2,
      acceptedPseudoShares: 23,
      rejectedPseudoShares: 4,
      sharesFound: 8,
      hashrateHashesPerSecond: 2000,
      stratumDifficulty: 2,
      firstSeenAtMs: 1000,
      lastSeenAtMs: 5_000,
      lastShareAtMs: 4_500
    })
    // Gone: still listed, offline, with everything it did.
    expect(ledger.records([], 6_000)).toEqual([
      expect.objectContaining({ online: false, connections: 0, acceptedPseudoShares: 15, hashrateHashesPerSecond: 0 })
    ])
  })
})
