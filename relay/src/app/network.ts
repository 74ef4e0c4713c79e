import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { base58 } from '@scure/base'
import { createLogger } from '@otedama/shared/log'
import { decodeHeader, equalBytes } from '@otedama/shared/primitives'
import { blockMessageCodec, decodeDevnetBlock, encodeDevnetBlock, getChainParams } from '@otedama/shared/chain'
import { ignore, type TopicKind, type Verdict } from '@otedama/shared/p2p'
import { syncDepthShares } from '@otedama/shared/sharechain'
import { createRelayNode, type DevnetBlockSync, type RelayNode } from '../p2p'
import type { RelayP2pConfig } from '../p2p/config'
import type { DevnetTemplateSource } from '../devnet'
import { meetsBlockTarget, shareCoinbase } from '../work/block-from-share'
import type { QuorumDuties, QuorumTransport } from '../quorum/duties'
import type { RelayQuorum } from '../quorum/follow'
import type { SharePool } from '../work/pool'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('relay/network')

export interface NetworkParts {
  p2p: RelayP2pConfig
  pool: SharePool
  duties: () => QuorumDuties | undefined
  /** Follows the quorum: validates signed templates and attestations, enrols relays, tallies. */
  quorum: RelayQuorum
  /** The devnet source when the relay runs devnet (blocks are gossiped as header + coinbase). */
  devnet?: DevnetTemplateSource
}

/**
 * Wires E's libp2p node to the relay's parts: topic validators run the shared validation (the pool,
 * the devnet chain, quorum signatures); local shares, blocks, headers and templates are published.
 * `start` builds and starts the node; `stop` lets go of the parts' events and stops it.
 */
export class RelayNetwork {
  private readonly blockCodec: ReturnType<typeof blockMessageCodec>
  private nodeRef: RelayNode | undefined
  private running = false
  private offs: Array<() => void> = []

  /** The quorum's transport over this node; its calls need the node started. */
  readonly transport: QuorumTransport = {
    publishTemplate: async (bytes) => await this.node.publish('template', bytes),
    publishHeader: async (bytes) => await this.node.publish('header', bytes),
    publishAttestations: async (items) => await this.node.publishAttestations(items),
    fetchTemplate: async (publisherId, templateId) =>
      await this.node.fetchTemplate(peerOf(this.node, publisherId), templateId)
  }

  constructor(private readonly parts: NetworkParts) {
    this.blockCodec = blockMessageCodec(getChainParams(parts.p2p.network).name)
  }

  /** The libp2p node (once started; it stays readable after stop). */
  get node(): RelayNode {
    if (this.nodeRef === undefined) throw new Error('the relay network is not started')
    return this.nodeRef
  }

  /** A topic's subscribers and mesh peers (both 0 before start): relay-node.ts `topicPeers`. */
  topicPeers(kind: TopicKind): { subscribers: number; mesh: number } {
    return this.nodeRef?.topicPeers(kind) ?? { subscribers: 0, mesh: 0 }
  }

  /** Connected libp2p peers (0 before start). */
  peerCount(): number {
    return this.nodeRef?.libp2p.getPeers().length ?? 0
  }

  /** Our libp2p peer id (undefined before start). */
  peerId(): string | undefined {
    return this.nodeRef?.peerId.toString()
  }

  /** The addresses we listen on (none before start). */
  multiaddrs(): string[] {
    return this.nodeRef?.multiaddrs().map((a) => a.toString()) ?? []
  }

  async start(): Promise<void> {
    if (this.running) return
    const { pool, devnet } = this.parts
    const blockCodec = this.blockCodec
    const shareVerdict = async (bytes: Uint8Array): Promise<Verdict> =>
      (await pool.receiveShare(bytes, 'network')).verdict
    const node = await createRelayNode(this.parts.p2p, {
      validators: {
        share: shareVerdict,
        block: async (bytes) => {
          const decoded = blockCodec.decode(bytes)
          if (!decoded.ok) return decoded.verdict
          const { message } = decoded
          // A share that meets the block target: the holders of its template submit it.
          if (message.carries === 'share') return await shareVerdict(message.share)
          if (devnet === undefined) return ignore('no-devnet-chain')
          return await devnet.acceptBlock(message.header80, message.coinbaseLegacy, 'network')
        },
        header: (bytes) => pool.addRemoteHeader(bytes),
        // Runs before the template handler below, so the publisher is on the roster when duties pick committees.
        template: async (bytes) => await this.parts.quorum.takeSignedTemplate(bytes),
        // The router splits batches and calls this per attestation.
        attest: async (bytes) => await this.parts.quorum.takeAttestation(bytes)
      },
      syncedShare: async (bytes) => (await pool.receiveShare(bytes, 'network', 'synced')).verdict,
      shareMissingAncestry: (bytes) => pool.ledger.missingAncestry(bytes),
      branchDepth: syncDepthShares(pool.rules),
      ...(devnet !== undefined ? { devnetBlocks: devnetBlockSync(devnet) } : {}),
      syncSource: {
        bestTip: () => pool.chain.tip?.id,
        window: (tip, skip, count) => {
          const from = pool.chain.getById(tip)
          return from === undefined ? undefined : pool.chain.syncPage(from, skip, count)
        },
        sharesById: (ids) =>
          ids.flatMap((id) => {
            const n = pool.chain.getById(id)
            return n === undefined ? [] : [n.bytes]
          })
      },
      templateSource: { fullTemplate: async (id) => await this.parts.duties()?.fullTemplate(id) }
    })
    node.on('template', (bytes) => {
      void this.parts
        .duties()
        ?.onSignedTemplate(bytes)
        .catch((err: unknown) => log.warn(`template check: ${errorMessage(err)}`))
    })
    // Where the block message is the share, a local share that meets the block target announces the
    // block. A devnet block is announced by the chain that took it (below): that also covers a rig's find
    // that meets the block target but not its share target.
    const announcesShareBlocks = blockCodec.carries === 'share'
    const offs = [
      pool.onShare(({ share, bytes, origin }) => {
        if (origin === 'network') return
        void node.publish('share', bytes).catch(() => {})
        if (announcesShareBlocks && meetsBlockTarget(share, pool.rules.pow)) {
          const message = blockCodec.encode({
            header80: share.header80,
            share: bytes,
            coinbaseLegacy: () => shareCoinbase(pool.chain, share)
          })
          void node.publish('block', message).catch(() => {})
        }
      }),
      ...(devnet !== undefined
        ? [
            devnet.onBlock((block, origin) => {
              if (origin !== 'local') return
              void node.publish('block', encodeDevnetBlock(block.header80, block.coinbaseLegacy)).catch(() => {})
            })
          ]
        : [])
    ]
    try {
      await node.start()
    } catch (err) {
      // A node that failed to start is no part of the relay: nothing of it stays subscribed or listening.
      for (const off of offs) off()
      await node.stop().catch(() => {})
      throw err
    }
    this.nodeRef = node
    this.offs = offs
    this.running = true
    log.info(`libp2p ${node.peerId.toString()} on ${this.multiaddrs().join(', ')}`)
  }

  async stop(): Promise<void> {
    if (!this.running || this.nodeRef === undefined) return
    this.running = false
    for (const off of this.offs) off()
    this.offs = []
    await this.nodeRef.stop()
  }
}

/** Deepest devnet block walk: a day of one-minute blocks. */
const DEVNET_BLOCK_SYNC_DEPTH = 1440

/**
 * The embedded devnet's blocks for the devnet-blocks protocol: a relay that missed blocks (it started
 * later, or one arrived before its parent and the parent never came) fetches them back to its chain,
 * instead of mining a fork of its own on which every other relay's shares are `unknown-block`.
 */
export function devnetBlockSync(devnet: DevnetTemplateSource): DevnetBlockSync {
  const chain = devnet.chain
  return {
    source: {
      bestTip: () => chain.tip().hash,
      window: (tip, skip, count) => {
        let block = chain.get(tip)
        if (block === undefined) return undefined
        const blocks: Uint8Array[] = []
        for (let i = 0; block !== undefined; i++, block = block.parent) {
          if (block.parent === undefined) break // genesis: every relay holds it
          if (i >= skip + count) return { shares: blocks, more: true }
          if (i >= skip) blocks.push(encodeDevnetBlock(block.header80, block.coinbaseLegacy))
        }
        return { shares: blocks, more: false }
      },
      sharesById: (ids) =>
        ids.flatMap((id) => {
          const b = chain.get(id)
          return b === undefined ? [] : [encodeDevnetBlock(b.header80, b.coinbaseLegacy)]
        })
    },
    missingAncestry: (bytes) => {
      const block = decodeDevnetBlock(bytes)
      if (!block.ok) return []
      const prev = decodeHeader(block.header80).prevHash
      return chain.get(prev) === undefined ? [prev] : []
    },
    ingest: async (bytes) => {
      const block = decodeDevnetBlock(bytes)
      return block.ok ? await devnet.acceptBlock(block.header80, block.coinbaseLegacy, 'network') : block.verdict
    },
    maxDepth: DEVNET_BLOCK_SYNC_DEPTH
  }
}

/** The PeerId of peer id bytes: the connected peer when there is one, else built from the bytes (libp2p dials what its peer store knows). */
function peerOf(node: RelayNode, peerIdBytes: Uint8Array): PeerId {
  return (
    node.libp2p.getPeers().find((p) => equalBytes(p.toMultihash().bytes, peerIdBytes)) ??
    peerIdFromString(base58.encode(peerIdBytes))
  )
}
