import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createLogger } from '@otedama/shared/log'
import { getChainParams } from '@otedama/shared/chain'
import type { ChainParams } from '@otedama/shared/chain'
import { hexToBytes } from '@otedama/shared/primitives'
import { NO_WEIGHTS, RelayWeightBook, peerIdBytesOf, relayBindingTag, type RelayWeights } from '@otedama/shared/quorum'
import { shareChainRules } from '@otedama/shared/sharechain'
import { BlockPipeline } from '../block/pipeline'
import type { DaemonConfig, RelayConfig } from '../config'
import type { DaemonBackup } from '../config/types'
import type { RpcAuth } from '../rpc'
import { DevnetTemplateSource } from '../devnet'
import type { AdminControls, BanView } from '../http/admin'
import type { HttpLimits } from '../http/guard'
import { createRelayHttpServer, type RelayHttpServer } from '../http/server'
import { createObserverRoutes } from '../http/observer-api'
import { createObserverModel } from '../http/observer-model'
import { createMonitorRoutes } from '../http/monitor-api'
import { defaultAlertsConfig } from '../config/alerts'
import { HistoryStore, instrument, Monitor, relayMonitorInputs } from '../monitor'
import { loadOrCreatePeerKey, type RelayNode } from '../p2p'
import { QuorumDuties } from '../quorum/duties'
import { RelayQuorum } from '../quorum/follow'
import { LevelRelayStore } from '../store/level-store'
import { LevelShareStore } from '../store/level-share-store'
import { coinbaseBudget } from '../template/coinbase-room'
import { DaemonTemplateSource } from '../template/daemon-source'
import type { TemplateSource } from '../template/types'
import { SharePool } from '../work/pool'
import { TemplateBook } from '../work/template-book'
import { RelayReadModel } from './read-model'
import { RelayNetwork } from './network'
import { RelayStratum } from './stratum'
import { errorMessage } from '@otedama/shared/util'

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
  devnet?: { params: ChainParams, genesisNonce: number }
  /** HTTP per-client limits other than the defaults (tests). */
  httpLimits?: Partial<HttpLimits>
}

/**
 * One relay: template source (daemon or embedded devnet), template book, share pool, the block
 * pipeline, durable store, quorum duties, HTTP face, and — composed from their own folders —
 * the libp2p node and the Stratum server.
 */
export class Relay {
  private constructor (
    readonly params: ChainParams,
    readonly store: LevelRelayStore,
    readonly source: TemplateSource,
    readonly book: TemplateBook,
    /** Every found block goes through it, from Stratum and from the share pool alike. */
    readonly blocks: BlockPipeline,
    readonly pool: SharePool,
    readonly http: RelayHttpServer,
    readonly config: RelayConfig,
    private readonly net: { peerCount: () => number, peerId: string | undefined },
    /** What this relay believes of templates and blocks (absent without the network). */
    readonly quorum: RelayQuorum | undefined,
    readonly duties: QuorumDuties | undefined,
    private readonly stops: Array<() => Promise<void> | void>,
    /** History, trends and alerts (relay/src/monitor). */
    readonly monitor: Monitor,
    /** The Stratum server, when it runs. */
    readonly stratum?: RelayStratum
  ) {}

  /** Connected libp2p peers (0 without the network). */
  peerCount (): number {
    return this.net.peerCount()
  }

  /** Our libp2p peer id, when the network runs. */
  peerId (): string | undefined {
    return this.net.peerId
  }

  static async start (opts: RelayOptions): Promise<Relay> {
    const { config } = opts
    const params = opts.devnet?.params ?? getChainParams(config.blockchain)
    const stops: Array<() => Promise<void> | void> = []
    await mkdir(config.dataDir, { recursive: true })
    const store = new LevelRelayStore(`${config.dataDir}/db`)
    await store.open()
    stops.push(async () => await store.close())
    const monitor = await Monitor.open({ store: new HistoryStore(store.db), alerts: config.alerts ?? defaultAlertsConfig(), relayName: config.poolName })

    const source: TemplateSource = config.daemon === undefined
      ? new DevnetTemplateSource(store, opts.devnet ?? {})
      : new DaemonTemplateSource({
        network: config.blockchain,
        rpc: { url: config.daemon.rpcUrl, auth: daemonAuth(config.daemon) },
        // A backup without credentials of its own uses the main daemon's.
        backups: config.daemon.backups.map((b) => ({ url: b.rpcUrl, auth: b.rpcCookieFile !== undefined || b.rpcUser !== undefined ? daemonAuth(b) : daemonAuth(config.daemon as DaemonConfig) })),
        coinbaseBudget: coinbaseBudget(params.shareChain.maxCoinbaseOutputs, params.segwit),
        longpoll: config.daemon.longpoll
      })
    const key = await loadOrCreatePeerKey(config.dataDir)
    const selfId = peerIdBytesOf(key.publicKey)
    let duties: QuorumDuties | undefined
    const book = new TemplateBook(shareChainRules(params).networkTag, store)
    const blocks = new BlockPipeline({
      network: params.name, source, blocks: store, pow: params.pow, coinbaseMaturity: params.coinbaseMaturity,
      attestor: { attestBlock: (hash, height, kind) => duties?.attestBlock(hash, height, kind) }
    })
    const pool = new SharePool({ params, source, book, submitter: blocks, store: new LevelShareStore(store.db), verdictCacheEntries: config.optimization.validation.cacheSize })
    // Validation and submitblock times for the monitor's histograms and history.
    instrument(pool.ledger, 'add', monitor.latency.validation)
    instrument(source, 'submitBlock', monitor.latency.blockSubmit)

    await source.start()
    stops.unshift(async () => await source.stop())
    if (source instanceof DaemonTemplateSource) await source.ready(FIRST_TEMPLATE_WAIT_MS).catch((err: unknown) => log.warn(`${errorMessage(err)}; serving while the daemon comes up`))
    book.follow(source)
    await blocks.start()
    await pool.start()
    stops.unshift(() => { pool.stop(); book.stop() }, async () => await blocks.stop())

    let peerCount = (): number => 0
    let peerId: string | undefined
    let multiaddrs = (): string[] => []
    let quorum: RelayQuorum | undefined
    let weights = (): RelayWeights => NO_WEIGHTS
    let p2pNode: RelayNode | undefined
    if (opts.network !== false) {
      const { minValidators, maxValidators } = config.optimization.validation
      // Votes weigh the work bound to each relay key in our share chain's window.
      const weightBook = new RelayWeightBook(pool.chain)
      weights = () => weightBook.current()
      const follower = new RelayQuorum({
        selfId, networkTag: pool.rules.networkTag, source, weights, committeeSize: maxValidators, minAttesters: minValidators,
        coinbaseMaturity: params.coinbaseMaturity, attestBlock: (hash, kind) => duties?.attestBlock(hash, 0, kind)
      })
      quorum = follower
      follower.start()
      // A block accepted on a template proves the template valid.
      const offBlocks = blocks.onChange((record) => { if (record.status === 'accepted' && record.templateId !== undefined) follower.blockAccepted(hexToBytes(record.templateId)) })
      stops.unshift(() => { offBlocks(); follower.stop() })
      const net = new RelayNetwork({
        p2p: { network: params.name, dataDir: config.dataDir, host: config.bind, tcpPort: config.p2pPort, wsPort: config.wsPort, bootstrap: config.bootstrapNodes, allowPrivateAddresses: params.isTestNetwork },
        pool,
        quorum: follower,
        duties: () => duties,
        ...(source instanceof DevnetTemplateSource ? { devnet: source } : {})
      })
      await net.start()
      stops.unshift(async () => await net.stop())
      p2pNode = net.node
      peerCount = () => net.peerCount()
      peerId = net.peerId()
      multiaddrs = () => net.multiaddrs()
      duties = new QuorumDuties({
        key, selfId, networkTag: pool.rules.networkTag, source, book, transport: net.transport,
        weights,
        committeeSize: maxValidators,
        observer: follower.observer(),
        batchSize: config.optimization.sharePropagation.batchSize,
        batchIntervalMs: config.optimization.sharePropagation.batchInterval
      })
      duties.start()
      const offHeaders = pool.onHeader((header80, origin) => { if (origin === 'source') duties?.publishHeader(header80) })
      stops.unshift(() => offHeaders(), async () => await duties?.stop())
    }

    let stratum: RelayStratum | undefined
    if (opts.stratum !== false) {
      // Our rigs' shares bind to our peer key: their work is our weight in committees.
      const server = new RelayStratum({ config, params, source, book, pool, blocks, bans: store, scriptSigTag: relayBindingTag(selfId) })
      await server.start()
      stratum = server
      stops.unshift(async () => await server.stop())
    }

    const observer = createObserverModel({
      params, rules: pool.rules, chain: pool.chain, headers: () => pool.headers,
      template: () => source.current(),
      blocks: async (limit) => await store.listBlocks(limit),
      rigs: () => stratum?.rigs.rigs() ?? [],
      onShare: (listener) => pool.onShare((s) => listener(s.id, s.origin)),
      poolFee: config.poolFee,
      ...(stratum !== undefined ? { stratum: { host: config.bind, port: config.stratumPort } } : {})
    })
    stops.unshift(() => observer.close())
    const api = new RelayReadModel({
      params, poolName: config.poolName, poolFee: config.poolFee, source, pool, blocks: store, pipeline: blocks,
      ...(stratum !== undefined ? { rigs: stratum.rigs } : {}),
      peers: { peerCount: () => peerCount() },
      ...(peerId !== undefined ? { self: { peerId, multiaddrs: () => multiaddrs() } } : {}),
      ...(quorum !== undefined ? { quorum: { follower: quorum, minAttesters: config.optimization.validation.minValidators, self: selfId } } : {})
    })
    monitor.start(relayMonitorInputs({ params, api, source, pool, onBlockChange: (l) => blocks.onChange(l), network: opts.network !== false }))
    const monitorRoutes = createMonitorRoutes(monitor)
    stops.unshift(async () => { monitorRoutes.close(); await monitor.stop() })
    const adminToken = randomBytes(ADMIN_TOKEN_BYTES).toString('hex')
    const http = await createRelayHttpServer({
      routes: [createObserverRoutes(observer), monitorRoutes.route],
      ...(opts.httpLimits !== undefined ? { limits: opts.httpLimits } : {}),
      admin: { controls: adminControls(store, stratum, p2pNode), token: adminToken },
      host: config.http.host,
      port: config.http.port,
      ...(config.http.tlsCert !== undefined && config.http.tlsKey !== undefined ? { tlsCert: config.http.tlsCert, tlsKey: config.http.tlsKey } : {}),
      staticRoot: opts.staticRoot,
      api,
      prometheusRegistries: [monitor.metrics.registry]
    })
    await http.listen()
    stops.unshift(async () => await http.close())
    const adminFile = join(config.dataDir, ADMIN_FILE)
    await writeFile(adminFile, JSON.stringify({ url: http.url(), token: adminToken, pid: process.pid }) + '\n', { mode: 0o600 })
    stops.unshift(async () => await rm(adminFile, { force: true }))
    if (params.isTestNetwork) log.info(`${params.name}: coins of no value`)
    return new Relay(params, store, source, book, blocks, pool, http, config, { peerCount: () => peerCount(), peerId }, quorum, duties, stops, monitor, stratum)
  }

  /** Stops every part, newest first; the store closes last. */
  async stop (): Promise<void> {
    for (const stop of this.stops) {
      try {
        await stop()
      } catch (err) {
        log.warn(`stopping: ${errorMessage(err)}`)
      }
    }
  }
}

/** The credentials of a daemon: its cookie file, else user and password. */
function daemonAuth (d: Pick<DaemonBackup, 'rpcCookieFile' | 'rpcUser' | 'rpcPassword'>): RpcAuth {
  return d.rpcCookieFile !== undefined
    ? { kind: 'cookie', cookieFile: d.rpcCookieFile }
    : { kind: 'userpass', user: d.rpcUser ?? '', password: d.rpcPassword ?? '' }
}

/** The operator's controls over a running relay: every ban list, and online snapshots of the store. */
function adminControls (store: LevelRelayStore, stratum: RelayStratum | undefined, p2p: RelayNode | undefined): AdminControls {
  const bans = async (): Promise<BanView[]> => {
    const rigs: BanView[] = stratum !== undefined
      ? stratum.server.bans.list().map((b) => ({ subject: b.address, kind: 'stratum-ip', until: b.untilMs, reason: b.reason }))
      : (await store.listBans(Date.now())).map((b) => ({ subject: b.subject, kind: 'stratum-ip', until: b.until, reason: b.reason }))
    const peers: BanView[] = (p2p?.bans() ?? []).map((b) => ({ subject: b.peerId, kind: 'p2p-peer', until: b.until, reason: b.reason }))
    return [...rigs, ...peers]
  }
  return {
    bans,
    async liftBan (subject) {
      const lifted = (await bans()).filter((b) => b.subject === subject)
      if (stratum !== undefined) stratum.server.bans.unban(subject)
      await store.deleteBan(subject)
      p2p?.liftBan(subject)
      if (lifted.length > 0) log.info(`operator lifted the ban on ${subject}`)
      return lifted
    },
    snapshot: async (target) => await store.snapshot(target)
  }
}
