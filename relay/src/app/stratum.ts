import type { ChainParams } from '../../../shared/src/chain/params'
import { StratumServer, ShareChainJobSource, encodeFoundShare, type FoundShare, type StratumTemplate } from '../stratum'
import type { BlockSubmitter } from '../block/submitter'
import type { RelayConfig } from '../config'
import type { RigView } from '../http/views'
import type { BlockTemplate, TemplateSource } from '../template/types'
import type { SharePool } from '../work/pool'
import type { BanStore } from '../store/records'
import type { TemplateBook } from '../work/template-book'
import type { RigSource } from './api-context'

export interface RelayStratum {
  server: StratumServer
  rigs: RigSource
  stop: () => Promise<void>
}

export interface StratumParts {
  config: RelayConfig
  params: ChainParams
  source: TemplateSource
  book: TemplateBook
  pool: SharePool
  submitter: BlockSubmitter
  /** Bans survive restarts. */
  bans?: BanStore
}

/**
 * F's Stratum server on the relay's work: jobs from our own templates and the share-chain tip;
 * a block candidate is submitted at once (even if its share were refused); shares go to the pool.
 */
export async function startStratum (parts: StratumParts): Promise<RelayStratum> {
  const { config, params, pool } = parts
  const jobs = new ShareChainJobSource(pool.chain)
  const offTemplates = parts.book.onAnnouncement((entry) => {
    if (parts.source.current() !== entry.template) return // committee templates are not for our rigs
    const template: StratumTemplate = { announcement: entry.announcement, templateId: entry.id, minTime: entry.template.mintime, context: entry.template }
    jobs.setTemplate(template)
  })
  const offShares = pool.onShare(() => jobs.tipChanged())
  const latest = parts.book.latest()
  if (latest !== undefined) jobs.setTemplate({ announcement: latest.announcement, templateId: latest.id, minTime: latest.template.mintime, context: latest.template })
  const server = new StratumServer({
    chain: { name: params.name, pow: params.pow, stratumDiff1Target: params.stratumDiff1Target, addresses: params.addresses },
    jobSource: jobs,
    shareSink: { submitShare: async (found: FoundShare) => (await pool.receiveShare(encodeFoundShare(found, pool.rules.networkTag), 'stratum')).verdict },
    blockSink: {
      submitBlock: async (found: FoundShare) => {
        const template = (found.work as { template?: StratumTemplate }).template?.context as BlockTemplate | undefined
        if (template === undefined) return
        return await parts.submitter.submit({ template, header80: found.header, coinbaseLegacy: found.coinbaseTx })
      }
    },
    ...(parts.bans !== undefined ? { banStore: stratumBans(parts.bans) } : {}),
    params: {
      host: config.bind,
      port: config.stratumPort,
      operatorFee: config.poolFee,
      operatorAddress: config.poolAddress,
      poolName: config.poolName
    }
  })
  await server.start()
  return {
    server,
    rigs: {
      rigs: (): RigView[] => server.rigs().map((r) => ({
        worker: r.worker, address: r.address, hashrate: r.hashrate, difficulty: r.difficulty, accepted: r.accepted, rejected: r.rejected,
        connectedAt: r.connectedAt, ...(r.lastShareAt !== undefined ? { lastShareAt: r.lastShareAt } : {})
      }))
    },
    stop: async () => {
      offTemplates()
      offShares()
      await server.stop()
    }
  }
}

/** The relay store's ban table in the shape the Stratum server keeps bans. */
function stratumBans (bans: BanStore) {
  return {
    loadBans: async () => (await bans.listBans(Date.now())).map((b) => ({ address: b.subject, untilMs: b.until, reason: b.reason })),
    saveBan: async (b: { address: string, untilMs: number, reason: string }) => await bans.putBan({ subject: b.address, until: b.untilMs, reason: b.reason }),
    deleteBan: async (address: string) => await bans.deleteBan(address)
  }
}
