// Adapts the browser libp2p node (engineer E, web/src/p2p) to the peer's BrowserNetwork interface.
import type { BrowserNetwork, BrowserNetworkInit } from './network'

export async function createLibp2pNetwork (init: BrowserNetworkInit): Promise<BrowserNetwork> {
  throw new Error(`the browser libp2p node (web/src/p2p) is not available yet; cannot join ${init.network}`)
}
