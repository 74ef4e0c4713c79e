import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createLogger } from '@otedama/shared/log'
import { getChainParams } from '@otedama/shared/chain'
import type { ChainParams } from '@otedama/shared/chain'
import { hexToBytes } from '@otedama/shared/primitives'
import { RelayWeightBook, peerIdBytesOf, relayBindingTag, type RelayWeights } from '@otedama/shared/quorum'
import { shareChainRules } from '@otedama/shared/sharechain'
import { BlockPipeline } from '../block/pipeline'
import type { DaemonConfig, RelayConfig } from '../config'
import type { DaemonBackup } from '../config/types'
import type { RpcAuth } from '../rpc'
import { DevnetTemplateSource } from '../devnet'
import type { AdminControls, BanView } from '../http/admin'
import type { HttpLimits } from '../http/guard'
import { createRelayHttpServer, type HttpInit, type RelayHttpServer } from '../http/server'
import { createObserverRoutes } from '../http/observer-api'
import { ObserverModel } from '../http/observer-model'
import { createMonitorRoutes } from '../monitor/routes'
import { defaultAlertsConfig } from '../config/alerts'
import { HistoryStore, instrument, Monitor, relayMonitorInputs } from '../monitor'
import { loadOrCreatePeerKey } from '../p2p'
import { QuorumDuties } from '../quorum/duties'
import { RelayQuorum } from '../quorum/follow'
import { LevelRelayStore } from '../store/level-store'
import { LevelShareStore } from '../store/level-share-store'
import { coinbaseBudget } from '../template/coinbase-room'
import { DaemonTemplateSource } from '../template/daemon-source'
import type { TemplateSource } from '../template/types'
import { SharePool } from '../work/pool'
import { TemplateBook } from '../work/template-book'
import { PartLifecycle, type NamedPart } from './lifecycle'
import { RelayReadModel } from './read-model'
import { RelayNetwork } from './network'
import { RelayStratum } from './stratum'
import { errorMessage } from '@otedama/shared/util'
import type { TopicKind } from '@otedama/shared/p2p'

const log = createLogger('relay')

/** Time to wait for the first template at start before serving anyway (ms). */
export const FIRST_TEMPLATE_WAIT_MS = 10_000
/** Where a running relay tells the operator's CLI its HTTP address and admin token (mode 0600). */
export const ADMIN_FILE = 'admin.json'
/** Admin bearer token length (random bytes, hex in the file). */
const ADMIN_TOKEN_BYTES = 32

export interface RelayOptions {
  config: RelayConfig
  /** The built PWA (dist/). */
  staticRoot: string
  /** Parts to leave out (tests): the libp2p node, the Stratum server. */
  network?: boolean
  stratum?: boolean
  /** devnet only: other params (tests use an easy genesis), with the genesis nonce for them. */
  devnet?: { params: ChainParams; genesisNonce: number }
  /** HTTP per-client limits other than the defaults (tests). */
  httpLimits?: Partial<HttpLimits>
}

/**
 * One relay: template source (daemon or embedded devnet), template book, share pool, the block
 * pipeline, durable store, quorum duties, HTTP face, and — composed from their own folders —
 * the libp2p node and the Stratum server. Its parts run in one ordered list (lifecycle.ts).
 */
export class Relay {
  private constructor(
    readonly params: ChainParams,
    readonly store: LevelRelayStore,
    readonly source: TemplateSource,
    readonly book: TemplateBook,
    /** Every found block goes through it, from Stratum and from the share pool alike. */
    readonly blocks: BlockPipeline,
    readonly pool: SharePool,
    readonly http: RelayHttpServer,
    readonly config: RelayConfig,
    /** The libp2p side (absent when the relay runs without the network). */
    private readonly network: RelayNetwork | undefined,
    /** What this relay believes of templates and blocks (absent without the network). */
    readonly quorum: RelayQuorum | undefined,
    readonly duties: QuorumDuties | undefined,
    /** The running parts, stopped in reverse of their start. */
    private readonly life: PartLifecycle,
    /** History, trends and alerts (relay/src/monitor). */
    readonly monitor: Monitor,
    /** The Stratum server, when it runs. */
    readonly stratum?: RelayStratum
  ) {}

  /** Connected libp2p peers (0 without the network). */
  peerCount(): number {
    return this.network?.peerCount() ?? 0
  }

  /** A gossip topic's subscribers and mesh peers (0 without the network). */
  topicPeers(kind: TopicKind): { subscribers: number; mesh: number } {
    return this.network?.topicPeers(kind) ?? { subscribers: 0, mesh: 0 }
  }

  /** Our libp2p peer id, when the network runs. */
  peerId(): string | undefined {
    return this.network?.peerId()
  }

  /** Names of the running parts, in start order (none once stopped). */
  parts(): string[] {
    return this.life.names()
  }

  /**
   * Starts every part in order: the store; the template source, template book, block pipeline and
   * share pool; the quorum follower, libp2p node and quorum duties; then Stratum, the observer model,
   * the monitor, the HTTP face and the admin file. A part failing to start stops the running ones,
   * newest first, and the relay throws PartStartError naming it (its own error as `cause`).
   */
  static async start(opts: RelayOptions): Promise<Relay> {
    const life = new PartLifecycle()
    try {
      return await Relay.compose(opts, life)
    } catch (err) {
      // A failure between two runs (a part's own start failure has stopped the others already).
      await life.stop()
      throw err
    }
  }

  /** Builds the relay's parts and runs them, in several runs where later parts need what earlier ones opened. */
  private static async compose(opts: RelayOptions, life: PartLifecycle): Promise<Relay> {
    const { config } = opts
    const params = opts.devnet?.params ?? getChainParams(config.blockchain)
    await mkdir(config.dataDir, { recursive: true })
    const store = new LevelRelayStore(`${config.dataDir}/db`)
    await life.start([
      part(
        'store',
        async () => await store.open(),
        async () => await store.close()
      )
    ])

    // Work: the template source and everything that follows its templates.
    const monitor = await Monitor.open({
      store: new HistoryStore(store.db),
      alerts: config.alerts ?? defaultAlertsConfig(),
      relayName: config.poolName
    })
    const source: TemplateSource =
      config.daemon === undefined
        ? new DevnetTemplateSource(store, opts.devnet ?? {})
        : new DaemonTemplateSource({
            network: config.blockchain,
            rpc: { url: config.daemon.rpcUrl, auth: daemonAuth(config.daemon) },
            // A backup without credentials of its own uses the main daemon's.
            backups: config.daemon.backups.map((b) => ({
              url: b.rpcUrl,
              auth:
                b.rpcCookieFile !== undefined || b.rpcUser !== undefined
                  ? daemonAuth(b)
                  : daemonAuth(config.daemon as DaemonConfig)
            })),
            coinbaseBudget: coinbaseBudget(params.shareChain.maxCoinbaseOutputs, params.segwit),
            longpoll: config.daemon.longpoll
          })
    const key = await loadOrCreatePeerKey(config.dataDir)
    const selfId = peerIdBytesOf(key.publicKey)
    let duties: QuorumDuties | undefined
    const book = new TemplateBook(shareChainRules(params).networkTag, store)
    const blocks = new BlockPipeline({
      network: params.name,
      source,
      blocks: store,
      pow: params.pow,
      coinbaseMaturity: params.coinbaseMaturity,
      attestor: { attestBlock: (hash, height, kind) => duties?.attestBlock(hash, height, kind) }
    })
    const pool = new SharePool({
      params,
      source,
      book,
      submitter: blocks,
      store: new LevelShareStore(store.db),
      verdictCacheEntries: config.optimization.validation.cacheSize
    })
    // Validation and submitblock times for the monitor's histograms and history.
    instrument(pool.ledger, 'add', monitor.latency.validation)
    instrument(source, 'submitBlock', monitor.latency.blockSubmit)
    await life.start([
      part(
        'template source',
        async () => {
          await source.start()
          if (source instanceof DaemonTemplateSource)
            await source
              .ready(FIRST_TEMPLATE_WAIT_MS)
              .catch((err: unknown) => log.warn(`${errorMessage(err)}; serving while the daemon comes up`))
        },
        async () => await source.stop()
      ),
      part(
        'template book',
        () => book.follow(source),
        () => book.stop()
      ),
      { name: 'block pipeline', part: blocks },
      { name: 'share pool', part: pool }
    ])

    // The network: the quorum follower, the libp2p node, and our quorum duties over it.
    let network: RelayNetwork | undefined
    let quorum: RelayQuorum | undefined
    if (opts.network !== false) {
      const { minValidators, maxValidators } = config.optimization.validation
      // Votes weigh the work bound to each relay key in our share chain's window.
      const weightBook = new RelayWeightBook(pool.chain)
      const weights = (): RelayWeights => weightBook.current()
      const follower = new RelayQuorum({
        selfId,
        networkTag: pool.rules.networkTag,
        source,
        weights,
        committeeSize: maxValidators,
        minAttesters: minValidators,
        coinbaseMaturity: params.coinbaseMaturity,
        attestBlock: (hash, kind) => duties?.attestBlock(hash, 0, kind)
      })
      const net = new RelayNetwork({
        p2p: {
          network: params.name,
          dataDir: config.dataDir,
          host: config.bind,
          tcpPort: config.p2pPort,
          wsPort: config.wsPort,
          bootstrap: config.bootstrapNodes,
          allowPrivateAddresses: params.isTestNetwork
        },
        pool,
        quorum: follower,
        duties: () => duties,
        ...(source instanceof DevnetTemplateSource ? { devnet: source } : {})
      })
      const ownDuties = new QuorumDuties({
        key,
        selfId,
        networkTag: pool.rules.networkTag,
        source,
        book,
        transport: net.transport,
        weights,
        committeeSize: maxValidators,
        observer: follower.observer(),
        batchSize: config.optimization.sharePropagation.batchSize,
        batchIntervalMs: config.optimization.sharePropagation.batchInterval
      })
      let offBlocks: (() => void) | undefined
      let offHeaders: (() => void) | undefined
      await life.start([
        part(
          'quorum follower',
          () => {
            follower.start()
            // A block accepted on a template proves the template valid.
            offBlocks = blocks.onChange((record) => {
              if (record.status === 'accepted' && record.templateId !== undefined)
                follower.blockAccepted(hexToBytes(record.templateId))
            })
          },
          () => {
            offBlocks?.()
            follower.stop()
          }
        ),
        { name: 'network', part: net },
        part(
          'quorum duties',
          () => {
            duties = ownDuties
            ownDuties.start()
            offHeaders = pool.onHeader((header80, origin) => {
              if (origin === 'source') ownDuties.publishHeader(header80)
            })
          },
          async () => {
            offHeaders?.()
            await ownDuties.stop()
          }
        )
      ])
      network = net
      quorum = follower
    }

    // The faces: Stratum, the observer and monitor, HTTP, and the admin file the operator's CLI reads.
    // Our rigs' shares bind to our peer key: their work is our weight in committees.
    const stratum =
      opts.stratum !== false
        ? new RelayStratum({
            config,
            params,
            source,
            book,
            pool,
            blocks,
            bans: store,
            scriptSigTag: relayBindingTag(selfId)
          })
        : undefined
    const observer = new ObserverModel({
      params,
      rules: pool.rules,
      chain: pool.chain,
      headers: () => pool.headers,
      template: () => source.current(),
      blocks: async (limit) => await store.listBlocks(limit),
      rigs: () => stratum?.rigs.rigs() ?? [],
      onShare: (listener) => pool.onShare((s) => listener(s.id, s.origin)),
      poolFee: config.poolFee,
      ...(stratum !== undefined ? { stratum: { host: config.bind, port: config.stratumPort } } : {})
    })
    const api = new RelayReadModel({
      params,
      poolName: config.poolName,
      poolFee: config.poolFee,
      source,
      pool,
      blocks: store,
      pipeline: blocks,
      ...(stratum !== undefined ? { rigs: stratum.rigs } : {}),
      ...(network !== undefined ? { peers: network, self: network } : {}),
      ...(quorum !== undefined
        ? { quorum: { follower: quorum, minAttesters: config.optimization.validation.minValidators, self: selfId } }
        : {})
    })
    const monitorRoutes = createMonitorRoutes(monitor)
    const adminToken = randomBytes(ADMIN_TOKEN_BYTES).toString('hex')
    const http = new HttpPart(() => ({
      routes: [createObserverRoutes(observer), monitorRoutes.route],
      ...(opts.httpLimits !== undefined ? { limits: opts.httpLimits } : {}),
      admin: { controls: adminControls(store, stratum, network), token: adminToken },
      host: config.http.host,
      port: config.http.port,
      ...(config.http.tlsCert !== undefined && config.http.tlsKey !== undefined
        ? { tlsCert: config.http.tlsCert, tlsKey: config.http.tlsKey }
        : {}),
      staticRoot: opts.staticRoot,
      api,
      prometheusRegistries: [monitor.metrics.registry]
    }))
    const adminFile = join(config.dataDir, ADMIN_FILE)
    await life.start([
      ...(stratum !== undefined ? [{ name: 'stratum', part: stratum }] : []),
      { name: 'observer model', part: observer },
      part(
        'monitor',
        () =>
          monitor.start(
            relayMonitorInputs({
              params,
              api,
              source,
              pool,
              onBlockChange: (l) => blocks.onChange(l),
              network: network !== undefined
            })
          ),
        async () => {
          monitorRoutes.close()
          await monitor.stop()
        }
      ),
      { name: 'http', part: http },
      part(
        'admin file',
        async () =>
          await writeFile(
            adminFile,
            JSON.stringify({ url: http.http.url(), token: adminToken, pid: process.pid }) + '\n',
            { mode: 0o600 }
          ),
        async () => await rm(adminFile, { force: true })
      )
    ])
    if (params.isTestNetwork) log.info(`${params.name}: coins of no value`)
    return new Relay(
      params,
      store,
      source,
      book,
      blocks,
      pool,
      http.http,
      config,
      network,
      quorum,
      duties,
      life,
      monitor,
      stratum
    )
  }

  /** Stops every part, newest first; the store closes last. */
  async stop(): Promise<void> {
    await this.life.stop()
  }
}

/** A part from its start and stop: a store's open and close, a subscription's on and off. */
function part(name: string, start: () => void | Promise<void>, stop: () => void | Promise<void>): NamedPart {
  return { name, part: { start, stop } }
}

/** The HTTP face as a part: built at start (it may read TLS files) and bound, closed at stop. */
class HttpPart {
  private server: RelayHttpServer | undefined

  constructor(private readonly init: () => HttpInit) {}

  get http(): RelayHttpServer {
    if (this.server === undefined) throw new Error('the HTTP server is not started')
    return this.server
  }

  async start(): Promise<void> {
    const server = await createRelayHttpServer(this.init())
    await server.listen()
    this.server = server
  }

  async stop(): Promise<void> {
    await this.server?.close()
  }
}

/** The credentials of a daemon: its cookie file, else user and password. */
function daemonAuth(d: Pick<DaemonBackup, 'rpcCookieFile' | 'rpcUser' | 'rpcPassword'>): RpcAuth {
  return d.rpcCookieFile !== undefined
    ? { kind: 'cookie', cookieFile: d.rpcCookieFile }
    : { kind: 'userpass', user: d.rpcUser ?? '', password: d.rpcPassword ?? '' }
}

/** The operator's controls over a running relay: every ban list, and online snapshots of the store. */
function adminControls(
  store: LevelRelayStore,
  stratum: RelayStratum | undefined,
  network: RelayNetwork | undefined
): AdminControls {
  const bans = async (): Promise<BanView[]> => {
    const rigs: BanView[] =
      stratum !== undefined
        ? stratum.server.bans
            .list()
            .map((b) => ({ subject: b.address, kind: 'stratum-ip', until: b.untilMs, reason: b.reason }))
        : (await store.listBans(Date.now())).map((b) => ({
            subject: b.subject,
            kind: 'stratum-ip',
            until: b.until,
            reason: b.reason
          }))
    const peers: BanView[] = (network?.node.bans() ?? []).map((b) => ({
      subject: b.peerId,
      kind: 'p2p-peer',
      until: b.until,
      reason: b.reason
    }))
    return [...rigs, ...peers]
  }
  return {
    bans,
    async liftBan(subject) {
      const lifted = (await bans()).filter((b) => b.subject === subject)
      if (stratum !== undefined) stratum.server.bans.unban(subject)
      await store.deleteBan(subject)
      network?.node.liftBan(subject)
      if (lifted.length > 0) log.info(`operator lifted the ban on ${subject}`)
      return lifted
    },
    snapshot: async (target) => await store.snapshot(target)
  }
}
