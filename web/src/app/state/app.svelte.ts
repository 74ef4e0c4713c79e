import { Router } from './router.svelte'
import { Settings } from './settings.svelte'
import { Connectivity } from './connectivity.svelte'
import { MinerState } from './miner.svelte'
import { PoolView } from './pool.svelte'
import { PeersView } from './peers.svelte'
import { fetchRelayStatus } from './relay-status'
import { ShareHistoryView } from './history.svelte'
import { MiningTabLock } from './tab-lock.svelte'
import { MinerWatch, PoolObserver } from './observer.svelte'

export interface AppState {
  router: Router
  settings: Settings
  connectivity: Connectivity
  miner: MinerState
  /** The tab's own share chain (fed by the browser peer while it mines). */
  pool: PoolView
  peers: PeersView
  history: ShareHistoryView
  tabLock: MiningTabLock
  /** The relay's public figures (no mining needed). */
  observer: PoolObserver
  /** The relay's view of this user's payout address (block statuses, workers). */
  myMiner: MinerWatch
  /** The relay's view of the address a miner page shows. */
  pageMiner: MinerWatch
}

/**
 * Builds the app's state. The browser peer (libp2p node, share chain, miner workers) is loaded
 * only when the user starts mining: nothing connects or hashes before that click. The public figures
 * come from the relay's HTTP API.
 */
export function createAppState(): AppState {
  const settings = new Settings()
  const pool = new PoolView()
  const peers = new PeersView()
  const history = new ShareHistoryView()
  const tabLock = new MiningTabLock()
  const miner = new MinerState(settings, tabLock, async () => {
    const { createBrowserPeer } = await import('../../peer/browser-peer')
    const engine = await createBrowserPeer({ origin: location.origin, settings, pool, peers })
    const reload = (): void => {
      void history.load()
    }
    engine.onShareFound(reload)
    engine.onShareAccepted(reload)
    return engine
  })
  const observer = new PoolObserver(location.origin)
  observer.start()
  void history.load()
  void settings.load()
  void fetchRelayStatus(location.origin)
    .then((status) => {
      settings.setNetwork(status.network)
    })
    .catch(() => {
      /* offline or no relay: the last known network (IndexedDB) stays */
    })
  return {
    router: new Router(),
    settings,
    connectivity: new Connectivity(),
    miner,
    pool,
    peers,
    history,
    tabLock,
    observer,
    myMiner: new MinerWatch(location.origin),
    pageMiner: new MinerWatch(location.origin)
  }
}
