export type Screen = 'mine' | 'pool' | 'peers' | 'settings'
export const SCREENS: ReadonlyArray<{ id: Screen; label: string }> = [
  { id: 'mine', label: 'Mine' },
  { id: 'pool', label: 'Pool' },
  { id: 'peers', label: 'Peers' },
  { id: 'settings', label: 'Settings' }
]

function screenFromHash (hash: string): Screen {
  const id = hash.replace(/^#\/?/, '')
  return SCREENS.some((s) => s.id === id) ? id as Screen : 'mine'
}

/** Hash routing (#/pool) so deep links work offline from the service worker's cached shell. */
export class Router {
  current = $state<Screen>(screenFromHash(typeof location !== 'undefined' ? location.hash : ''))

  constructor () {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => { this.current = screenFromHash(location.hash) })
    }
  }

  go (screen: Screen): void {
    location.hash = `#/${screen}`
  }
}
