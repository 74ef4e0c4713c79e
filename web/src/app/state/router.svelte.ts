export type Screen = 'mine' | 'pool' | 'miner' | 'rig' | 'peers' | 'settings'
/** Screens in the navigation; the miner page (#/miner/<address>) is reached from links and "My miner". */
export const SCREENS: ReadonlyArray<{ id: Screen; label: string }> = [
  { id: 'mine', label: 'Mine' },
  { id: 'pool', label: 'Pool' },
  { id: 'miner', label: 'My miner' },
  { id: 'rig', label: 'Connect a rig' },
  { id: 'peers', label: 'Peers' },
  { id: 'settings', label: 'Settings' }
]

export interface Route {
  screen: Screen
  param: string | undefined
}

/** "#/pool" → pool; "#/miner/odev1…" → miner with its address; anything else → mine. */
export function routeFromHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '')
  const slash = path.indexOf('/')
  const id = slash < 0 ? path : path.slice(0, slash)
  let param: string | undefined
  if (slash >= 0) {
    try {
      param = decodeURIComponent(path.slice(slash + 1)) || undefined
    } catch {
      param = undefined
    }
  }
  return SCREENS.some((s) => s.id === id) ? { screen: id as Screen, param } : { screen: 'mine', param: undefined }
}

export function minerHref(address: string): string {
  return `#/miner/${encodeURIComponent(address)}`
}

/** Hash routing (#/pool) so deep links work offline from the service worker's cached shell. */
export class Router {
  #route = $state<Route>(routeFromHash(typeof location !== 'undefined' ? location.hash : ''))

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        this.#route = routeFromHash(location.hash)
      })
    }
  }

  get current(): Screen {
    return this.#route.screen
  }
  get param(): string | undefined {
    return this.#route.param
  }

  go(screen: Screen): void {
    location.hash = `#/${screen}`
  }
}
