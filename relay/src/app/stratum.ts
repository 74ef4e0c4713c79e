import type { ChainParams } from '@otedama/shared/chain'
import { StratumServer, ShareChainJobSource, encodeFoundShare, type FoundShare, type StratumTemplate } from '../stratum'
import type { BlockSubmitter } from '../block/submitter'
import { createLogger } from '@otedama/shared/log'
import type { RelayConfig } from '../config'
import type { BlockTemplate, TemplateSource } from '../template/types'
import type { SharePool } from '../work/pool'
import type { BanStore } from '../store/records'
import type { TemplateBook } from '../work/template-book'
import type { RigSource } from './read-model'

export interface StratumParts {
  config: RelayConfig
  params: ChainParams
  source: TemplateSource
  book: TemplateBook
  pool: SharePool
  /** The block pipeline: the block sink hands every candidate to it (the share pool does too). */
  blocks: BlockSubmitter
  /** Bans survive restarts. */
  bans?: BanStore
  /** scriptSig bytes after the height push in our rigs' coinbases (the relay's key binding). */
  scriptSigTag?: Uint8Array
}

const log = createLogger('relay/stratum')

/**
 * The Stratum server on the relay's work: jobs from our own templates and the share-chain tip;
 * a block candidate goes to the block pipeline at once (even if its share were refused; the pool
 * hands the same block in again when the share is accepted, and the pipeline sends it once);
 * shares go to the pool. While the daemon is unhealthy, rigs are told why (client.show_message).
 * `start` builds the server and binds its port; `stop` lets go of the template, tip and health events and drains it.
 */
export class RelayStratum {
  private serverRef: StratumServer | undefined
  private boundPort: number | undefined
  private offs: Array<() => void> = []
  private running = false
  /** Whether rigs were told the daemon is unavailable (and not yet that it is back). */
  private toldUnhealthy = false

  /** The rigs and Stratum figures for the API and the monitor (none before start). */
  readonly rigs: RigSource = {
    rigs: () => this.serverRef?.rigRecords() ?? [],
    metrics: () => this.server.metrics()
  }

  constructor(private readonly parts: StratumParts) {}

  /** The Stratum server (once started; it stays readable after stop). */
  get server(): StratumServer {
    if (this.serverRef === undefined) throw new Error('the Stratum server is not started')
    return this.serverRef
  }

  /** The bound Stratum port (config port 0 picks a free one). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('the Stratum server is not started')
    return this.boundPort
  }

  async start(): Promise<void> {
    if (this.running) return
    const { parts } = this
    const { config, params, pool } = parts
    const jobs = new ShareChainJobSource(pool.chain, undefined, parts.scriptSigTag)
    const server = new StratumServer({
      chain: {
        name: params.name,
        pow: params.pow,
        stratumDiff1Target: params.stratumDiff1Target,
        addresses: params.addresses,
        shareIntervalSeconds: params.shareChain.shareIntervalSeconds
      },
      jobSource: jobs,
      shareSink: {
        submitShare: async (found: FoundShare) =>
          (await pool.receiveShare(encodeFoundShare(found, pool.rules.networkTag), 'stratum')).verdict
      },
      blockSink: {
        submitBlock: async (found: FoundShare) => {
          const template = (found.work as { template?: StratumTemplate }).template?.context as BlockTemplate | undefined
          if (template === undefined) return
          const templateId = (found.work as { template?: StratumTemplate }).template?.templateId
          return await parts.blocks.submit({
            template,
            header80: found.header,
            coinbaseLegacy: found.coinbaseTx,
            ...(templateId !== undefined ? { templateId } : {})
          })
        }
      },
      ...(parts.bans !== undefined ? { banStore: stratumBans(parts.bans) } : {}),
      params: {
        startDifficulty: defaultStartDifficulty(params),
        host: config.bind,
        port: config.stratumPort,
        operatorFee: config.poolFee,
        operatorAddress: config.poolAddress,
        poolName: config.poolName,
        sibling: config.stratumSibling
      }
    })
    const offs = [
      parts.book.onAnnouncement((entry) => {
        if (parts.source.current() !== entry.template) return // committee templates are not for our rigs
        const template: StratumTemplate = {
          announcement: entry.announcement,
          templateId: entry.id,
          minTime: entry.template.mintime,
          context: entry.template
        }
        jobs.setTemplate(template)
      }),
      // A new share-chain tip gives every rig new work at once (clean_jobs), whoever found it.
      pool.onTip(() => jobs.tipChanged())
    ]
    const latest = parts.book.latest()
    if (latest !== undefined)
      jobs.setTemplate({
        announcement: latest.announcement,
        templateId: latest.id,
        minTime: latest.template.mintime,
        context: latest.template
      })
    let address: { port: number }
    try {
      address = await server.start()
    } catch (err) {
      for (const off of offs) off()
      throw err
    }
    // Rigs keep their last job while the daemon is away; tell them why no new work comes, and when it is back.
    offs.push(
      parts.source.onHealth((health) => {
        if (!health.healthy && !this.toldUnhealthy) {
          this.toldUnhealthy = true
          log.warn(`telling rigs the daemon is unavailable: ${health.reason ?? ''}`)
          server.broadcastMessage(
            `${config.poolName}: the relay's coin daemon is unavailable (${health.reason ?? 'no answer'}); keep mining, new work follows when it is back`
          )
        } else if (health.healthy && this.toldUnhealthy) {
          this.toldUnhealthy = false
          server.broadcastMessage(`${config.poolName}: the coin daemon is back`)
        }
      })
    )
    this.serverRef = server
    this.boundPort = address.port
    this.offs = offs
    this.running = true
  }

  async stop(): Promise<void> {
    if (!this.running || this.serverRef === undefined) return
    this.running = false
    for (const off of this.offs) off()
    this.offs = []
    await this.serverRef.stop()
  }
}

/**
 * Where rigs start before vardiff has measured them. Mainnets and public testnets see ASICs (1024:
 * ~4.4 T sha256d hashes, a Bitaxe's ~4 s); devnet and regtests see CPU rigs and test grinders: 1/256
 * (~16.8 M sha256d hashes, ~1 s for a 13 MH/s CPU miner) and 1/16 on scrypt's 2^16-easier scale
 * (4 096 scrypt hashes, a few a second for a CPU). Vardiff takes each rig to its own pace from there.
 */
export function defaultStartDifficulty(params: ChainParams): number {
  const local = params.name === 'devnet' || params.name.endsWith('-regtest')
  if (!local) return 1024
  return params.pow === 'scrypt' ? 1 / 16 : 1 / 256
}

/** The relay store's ban table in the shape the Stratum server keeps bans. */
function stratumBans(bans: BanStore) {
  return {
    loadBans: async () =>
      (await bans.listBans(Date.now())).map((b) => ({ address: b.subject, untilMs: b.until, reason: b.reason })),
    saveBan: async (b: { address: string; untilMs: number; reason: string }) =>
      await bans.putBan({ subject: b.address, until: b.untilMs, reason: b.reason }),
    deleteBan: async (address: string) => await bans.deleteBan(address)
  }
}
