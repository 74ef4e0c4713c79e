import { mkdir } from 'node:fs/promises'
import { createLogger } from '../../../shared/src/log'
import { getChainParams } from '../../../shared/src/chain'
import type { ChainParams } from '../../../shared/src/chain/params'
import { hexToBytes } from '../../../shared/src/primitives/bytes'
import { peerIdBytesOf } from '../../../shared/src/quorum'
import { shareChainRules } from '../../../shared/src/sharechain/rules'
import { BlockSubmitter } from '../block/submitter'
import type { RelayConfig } from '../config'
import { DevnetTemplateSource } from '../devnet'
import { createRelayHttpServer, type RelayHttpServer } from '../http/server'
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
import { createApiContext } from './api-context'
import { startNetwork } from './network'
import { startStratum, type RelayStratum } from './stratum'

const log = createLogger('relay')

/** Time to wait for the first template at start before serving anyway (ms). */
export const FIRST_TEMPLATE_WAIT_MS = 10_000

export interface RelayOptions {
  config: RelayConfig
  /** The built PWA (dist/). */
  staticRoot: string
  /** Parts to leave out (tests): the libp2p node, the Stratum server. */
  network?: boolean
  stratum?: boolean
  /** devnet only: other params (tests use an easy genesis), with the genesis nonce for them. */
  devnet?: { params: ChainParams, genesisNonce: number }
}

/**
 * One relay: template source (daemon or embedded devnet), template book, share pool, block
 * submitter, durable store, quorum duties, HTTP face, and — composed from their own folders —
 * the libp2p node and the Stratum server.
 */
export class Relay {
  private constructor (
    readonly params: ChainParams,
    readonly store: LevelRelayStore,
    readonly source: TemplateSource,
    readonly book: TemplateBook,
    readonly submitter: BlockSubmitter,
    readonly pool: SharePool,
    readonly http: RelayHttpServer,
    readonly config: RelayConfig,
    private readonly net: { peerCount: () => number, peerId: string | undefined },
    /** What this relay believes of templates and blocks (absent without the network). */
    readonly quorum: RelayQuorum | undefined,
    readonly duties: QuorumDuties | undefined,
    private readonly stops: Array<() => Promise<void> | void>
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

    const source: TemplateSource = config.daemon === undefined
      ? new DevnetTemplateSource(store, opts.devnet ?? {})
      : new DaemonTemplateSource({
        network: config.blockchain,
        rpc: {
          url: config.daemon.rpcUrl,
          auth: config.daemon.rpcCookieFile !== undefined
            ? { kind: 'cookie', cookieFile: config.daemon.rpcCookieFile }
            : { kind: 'userpass', user: config.daemon.rpcUser ?? '', password: config.daemon.rpcPassword ?? '' }
        },
        coinbaseBudget: coinbaseBudget(params.shareChain.maxCoinbaseOutputs, params.segwit),
        longpoll: config.daemon.longpoll
      })
    const key = await loadOrCreatePeerKey(config.dataDir)
    const selfId = peerIdBytesOf(key.publicKey)
    let duties: QuorumDuties | undefined
    const book = new TemplateBook(shareChainRules(params).networkTag, store)
    const submitter = new BlockSubmitter({
      network: params.name, source, blocks: store, pow: params.pow, coinbaseMaturity: params.coinbaseMaturity,
      attestor: { attestBlock: (hash, height, kind) => duties?.attestBlock(hash, height, kind) }
    })
    const pool = new SharePool({ params, source, book, submitter, store: new LevelShareStore(store.db), verdictCacheEntries: config.optimization.validation.cacheSize })

    await source.start()
    stops.unshift(async () => await source.stop())
    if (source instanceof DaemonTemplateSource) await source.ready(FIRST_TEMPLATE_WAIT_MS).catch((err: unknown) => log.warn(`${(err as Error).message}; serving while the daemon comes up`))
    book.follow(source)
    submitter.start()
    await pool.start()
    stops.unshift(() => { pool.stop(); book.stop() }, async () => await submitter.stop())

    let peerCount = (): number => 0
    let peerId: string | undefined
    let multiaddrs = (): string[] => []
    let quorum: RelayQuorum | undefined
    if (opts.network !== false) {
      const { minValidators, maxValidators } = config.optimization.validation
      const follower = new RelayQuorum({
        selfId, networkTag: pool.rules.networkTag, source, committeeSize: maxValidators, minAttesters: minValidators,
        coinbaseMaturity: params.coinbaseMaturity, attestBlock: (hash, kind) => duties?.attestBlock(hash, 0, kind)
      })
      quorum = follower
      follower.start()
      // A block accepted on a template proves the template valid.
      const offBlocks = submitter.onChange((record) => { if (record.status === 'accepted' && record.templateId !== undefined) follower.blockAccepted(hexToBytes(record.templateId)) })
      stops.unshift(() => { offBlocks(); follower.stop() })
      const net = await startNetwork({
        p2p: { network: params.name, dataDir: config.dataDir, host: config.bind, tcpPort: config.p2pPort, wsPort: config.wsPort, bootstrap: config.bootstrapNodes, allowPrivateAddresses: params.isTestNetwork },
        pool,
        quorum: follower,
        duties: () => duties,
        ...(source instanceof DevnetTemplateSource ? { devnet: source } : {})
      })
      stops.unshift(net.stop)
      peerCount = () => net.node.libp2p.getPeers().length
      peerId = net.node.peerId.toString()
      multiaddrs = () => net.node.multiaddrs().map((a) => a.toString())
      duties = new QuorumDuties({
        key, selfId, networkTag: pool.rules.networkTag, source, book, transport: net.transport,
        candidates: () => follower.roster.candidates(),
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
      stratum = await startStratum({ config, params, source, book, pool, submitter, bans: store })
      stops.unshift(async () => await stratum?.stop())
    }

    const http = await createRelayHttpServer({
      host: config.http.host,
      port: config.http.port,
      ...(config.http.tlsCert !== undefined && config.http.tlsKey !== undefined ? { tlsCert: config.http.tlsCert, tlsKey: config.http.tlsKey } : {}),
      staticRoot: opts.staticRoot,
      api: createApiContext({
        params, poolName: config.poolName, poolFee: config.poolFee, source, pool, blocks: store,
        ...(stratum !== undefined ? { rigs: stratum.rigs } : {}),
        peers: { peerCount: () => peerCount() },
        ...(peerId !== undefined ? { self: { peerId, multiaddrs: () => multiaddrs() } } : {}),
        ...(quorum !== undefined ? { quorum: { follower: quorum, minAttesters: config.optimization.validation.minValidators } } : {})
      })
    })
    await http.listen()
    stops.unshift(async () => await http.close())
    if (params.isTestNetwork) log.info(`${params.name}: coins of no value`)
    return new Relay(params, store, source, book, submitter, pool, http, config, { peerCount: () => peerCount(), peerId }, quorum, duties, stops)
  }

  /** Stops every part, newest first; the store closes last. */
  async stop (): Promise<void> {
    for (const stop of this.stops) {
      try {
        await stop()
      } catch (err) {
        log.warn(`stopping: ${(err as Error).message}`)
      }
    }
  }
}
