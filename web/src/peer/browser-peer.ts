// Entry point the app loads lazily when the user presses Start (consent first: nothing of this file,
// no worker, no libp2p node, runs before that click). Composes the session (network side), the worker
// pool (B1's miner) and the view feed into the MiningEngine the Mine screen drives.
import { setLogLevel } from '@otedama/shared/log'
import type { MiningEngine } from '../app/state/miner.svelte'
import type { PeersView } from '../app/state/peers.svelte'
import type { PoolView } from '../app/state/pool.svelte'
import { fetchRelayStatus } from '../app/state/relay-status'
import type { Settings } from '../app/state/settings.svelte'
import { MinerPool } from '../miner/pool'
import { browserGpuWorkerFactory } from '../miner/gpu/gpu-worker-port.browser'
import { browserWorkerFactory, hardwareThreads } from '../miner/worker-port.browser'
import { addToOutbox, listOutbox, loadSnapshot, recordHistory, removeFromOutbox, saveSnapshot } from '../storage/db'
import { PeerEngine } from './engine'
import { fetchRelayWork } from './relay-work'
import { PeerSession } from './session'
import { ViewFeed } from './view-feed'

export interface BrowserPeerInit {
  origin: string
  settings: Settings
  pool: PoolView
  peers: PeersView
}

/** localStorage key that sets the peer's log level (debug, info, warn, error, silent) for diagnosis. */
export const LOG_LEVEL_KEY = 'otedama:log'

export async function createBrowserPeer(init: BrowserPeerInit): Promise<MiningEngine> {
  const wanted = globalThis.localStorage?.getItem(LOG_LEVEL_KEY)
  if (wanted === 'debug' || wanted === 'info' || wanted === 'warn' || wanted === 'error' || wanted === 'silent')
    setLogLevel(wanted)
  const feed = new ViewFeed(init.pool, init.peers)
  return new PeerEngine({
    feed,
    createPool: (workers, dutyCycle) =>
      new MinerPool({
        createWorker: browserWorkerFactory,
        gpuWorker: browserGpuWorkerFactory,
        hardwareThreads: hardwareThreads(),
        workers,
        dutyCycle
      }),
    session: async () => {
      const status = await fetchRelayStatus(init.origin)
      // Relays listed in Settings: best effort (another origin may not answer this page).
      const listed = await Promise.all(
        init.settings.relays.map(async (origin) => await fetchRelayStatus(origin).catch(() => undefined))
      )
      const session = new PeerSession(init.origin, status, {
        extraRelays: listed.filter((r) => r !== undefined),
        quorum: init.settings.quorum,
        createNetwork: async (networkInit) => (await import('./libp2p-network')).createLibp2pNetwork(networkInit),
        fetchWork: fetchRelayWork,
        store: { addToOutbox, removeFromOutbox, listOutbox, recordHistory },
        snapshots: { saveSnapshot, loadSnapshot }
      })
      await session.join()
      return session
    }
  })
}
