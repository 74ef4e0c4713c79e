// On every link to another relay (a peer that serves circuit reservations), walk its chains back to
// ours once: devnet blocks first (shares name the block they build on), then shares. So relays whose
// chains grew apart (started before they linked, cut off from each other, back from an outage)
// converge at once instead of at their next share (@otedama/shared/p2p: parent-fetcher.ts, branch walks).
import { RELAY_V2_HOP_CODEC as CIRCUIT_HOP_PROTOCOL } from '@libp2p/circuit-relay-v2'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { ParentFetcher } from '@otedama/shared/p2p'
import { createLogger } from '@otedama/shared/log'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('p2p:relay')

/** One chain to walk on a relay link: the protocol the other relay must speak, the fetcher that walks it. */
export interface RelayLinkWalk {
  /** What is walked, for the log ("devnet blocks", "shares"). */
  what: string
  protocol: string
  fetcher: ParentFetcher<PeerId>
}

/** Walks `walks` in order once per relay link (again after the link drops and comes back). */
export function walkChainsOnRelayLinks(node: Libp2p, walks: RelayLinkWalk[]): void {
  if (walks.length === 0) return
  const synced = new Set<string>()
  node.addEventListener('peer:identify', (event) => {
    const { peerId, protocols: spoken } = event.detail
    const id = peerId.toString()
    if (!spoken.includes(CIRCUIT_HOP_PROTOCOL) || synced.has(id)) return
    synced.add(id)
    void (async () => {
      for (const walk of walks) {
        if (!spoken.includes(walk.protocol)) continue
        const r = await walk.fetcher.walkBranch(peerId, undefined)
        log.info(
          `synced ${walk.what} with relay ${id}: ${r.fetched} fetched, ${r.accept} accepted${r.connected ? '' : ' (its chain does not connect to ours)'}`
        )
      }
    })().catch((err: unknown) => log.debug(`sync with relay ${id} failed: ${errorMessage(err)}`))
  })
  node.addEventListener('peer:disconnect', (event) => synced.delete(event.detail.toString()))
}
