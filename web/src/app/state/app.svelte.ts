import { Router } from './router.svelte'
import { Settings } from './settings.svelte'
import { Connectivity } from './connectivity.svelte'
import { MinerState } from './miner.svelte'
import { PoolView } from './pool.svelte'
import { PeersView } from './peers.svelte'
import { fetchRelayStatus } from './relay-status'
import { ShareHistoryView } from './history.svelte'

export interface AppState {
  router: Router
  settings: Settings
  connectivity: Connectivity
  miner: MinerState
  pool: PoolView
  peers: PeersView
  history: ShareHistoryView
}

/**
 * Builds the app's state. The browser peer (libp2p node, share chain, miner workers) is loaded
 * only when the user starts mining: nothing connects or hashes before that click.
 */
export function createAppState (): AppState {
  const settings = new Settings()
  const pool = new PoolView()
  const peers = new PeersView()
  const history = new ShareHistoryView()
  const miner = new MinerState(settings, async () => {
    const { createBrowserPeer } = await import('../../peer/browser-peer')
    const engine = await createBrowserPeer({ origin: location.origin, settings, pool, peers })
    const reload = (): void => { void history.load() }
    engine.onShareFound(reload)
    engine.onShareAccepted(reload)
    return engine
  })
  void history.load()
  void settings.load()
  void fetchRelayStatus(location.origin)
    .then((status) => { settings.network = status.network })
    .catch(() => { /* offline or no relay: the Settings screen says it is waiting for the relay */ })
  return { router: new Router(), settings, connectivity: new Connectivity(), miner, pool, peers, history }
}
