import type { PeerId } from '@libp2p/interface'
import { createLogger } from '../../../shared/src/log'
import { bytesToHex } from '../../../shared/src/primitives/bytes'
import { ACCEPT, decodeBatch, reject, type Verdict } from '../../../shared/src/p2p'
import { decodeAttestation, decodeSignedTemplate, verifyAttestation, verifySignedTemplate } from '../../../shared/src/quorum'
import { createRelayNode, type RelayNode } from '../p2p'
import type { RelayP2pConfig } from '../p2p/config'
import { joinDevnetBlock, splitDevnetBlock, type DevnetTemplateSource } from '../devnet'
import { meetsBlockTarget } from '../block/from-share'
import type { QuorumDuties, QuorumTransport } from '../quorum/duties'
import type { SharePool } from '../work/pool'

const log = createLogger('relay/network')

export interface NetworkParts {
  p2p: RelayP2pConfig
  pool: SharePool
  duties: () => QuorumDuties | undefined
  /** The devnet source when the relay runs devnet (blocks are gossiped as header + coinbase). */
  devnet?: DevnetTemplateSource
}

/**
 * Wires E's libp2p node to the relay's parts: topic validators run the shared validation (the pool,
 * the devnet chain, quorum signatures); local shares, blocks, headers and templates are published.
 */
export async function startNetwork (parts: NetworkParts): Promise<{ node: RelayNode, transport: QuorumTransport, stop: () => Promise<void> }> {
  const { pool, devnet } = parts
  const shareVerdict = async (bytes: Uint8Array): Promise<Verdict> => (await pool.receiveShare(bytes, 'network')).verdict
  const node = await createRelayNode(parts.p2p, {
    validators: {
      share: shareVerdict,
      block: async (bytes) => {
        if (devnet !== undefined) {
          const block = splitDevnetBlock(bytes)
          return block === undefined ? reject('decode') : await devnet.acceptBlock(block.header80, block.coinbaseLegacy, 'network')
        }
        return await shareVerdict(bytes) // a share that meets the block target: holders of its template submit it
      },
      header: (bytes) => pool.addRemoteHeader(bytes),
      template: async (bytes) => {
        try {
          const check = await verifySignedTemplate(decodeSignedTemplate(bytes), pool.rules.networkTag)
          return check.ok ? ACCEPT : reject(check.reason)
        } catch {
          return reject('decode')
        }
      },
      attest: async (bytes) => {
        try {
          for (const item of decodeBatch(bytes)) {
            const check = await verifyAttestation(decodeAttestation(item), pool.rules.networkTag)
            if (!check.ok) return reject(check.reason)
          }
          return ACCEPT
        } catch {
          return reject('decode')
        }
      }
    },
    syncSource: {
      bestTip: () => pool.chain.tip?.id,
      window: (tip, skip, count) => {
        const from = pool.chain.getById(tip)
        if (from === undefined) return undefined
        const shares = [...pool.chain.ancestors(from, skip + count)].slice(skip).map((n) => n.bytes)
        return { shares, more: shares.length === count && from.height - skip - count >= 0 }
      },
      sharesById: (ids) => ids.flatMap((id) => { const n = pool.chain.getById(id); return n === undefined ? [] : [n.bytes] })
    },
    templateSource: { fullTemplate: async (id) => await parts.duties()?.fullTemplate(id) }
  })
  node.onTemplate((bytes) => { void parts.duties()?.onSignedTemplate(bytes).catch((err: unknown) => log.warn(`template check: ${(err as Error).message}`)) })
  const offs = [
    pool.onShare(({ share, bytes, origin }) => {
      if (origin === 'network') return
      void node.publishShare(bytes).catch(() => {})
      if (devnet === undefined && meetsBlockTarget(share, pool.rules.pow)) void node.publishBlock(bytes).catch(() => {})
    }),
    ...(devnet !== undefined ? [devnet.onBlock((block, origin) => { if (origin === 'local') void node.publishBlock(joinDevnetBlock(block.header80, block.coinbaseLegacy)).catch(() => {}) })] : [])
  ]
  await node.start()
  log.info(`libp2p ${node.peerId.toString()} on ${node.multiaddrs().map((a) => a.toString()).join(', ')}`)
  const transport: QuorumTransport = {
    publishTemplate: (bytes) => node.publishTemplate(bytes),
    publishHeader: (bytes) => node.publishHeader(bytes),
    publishAttestations: (items) => node.publishAttestations(items),
    fetchTemplate: async (publisherId, templateId) => {
      const peer = knownPeers.get(bytesToHex(publisherId))
      if (peer === undefined) throw new Error('the template publisher is not connected')
      return await node.fetchTemplate(peer, templateId)
    }
  }
  return {
    node,
    transport,
    stop: async () => {
      for (const off of offs) off()
      await node.stop()
    }
  }
}

/** Connected peers by hex of their peer id bytes (committee members fetch templates from publishers). */
const knownPeers = new Map<string, PeerId>()

/**
 * Peer id bytes of the peers we are connected to plus ourselves: the committee candidates. Browsers
 * are among the peers; they never attest, so a committee seat they take stays silent (the tally
 * weighs attestations that arrive).
 */
export function committeeCandidates (node: RelayNode): Uint8Array[] {
  knownPeers.clear()
  const ids = [node.peerId.toMultihash().bytes]
  for (const p of node.libp2p.getPeers()) {
    const bytes = p.toMultihash().bytes
    knownPeers.set(bytesToHex(bytes), p)
    ids.push(bytes)
  }
  return ids
}
