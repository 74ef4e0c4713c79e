import { loadSetting, saveSetting } from '../../storage/db'
import { checkPayoutAddress, type AddressCheck } from './address-check'

export type Throttle = 25 | 50 | 75 | 100
export type Theme = 'system' | 'dark' | 'light'
/** Whose attestations the tab follows: the network's committee of relays, or only the relays listed here. */
export type QuorumChoice = 'committee' | 'my-relays'

export const THROTTLE_STEPS: readonly Throttle[] = [25, 50, 75, 100]
const SETTINGS_KEY = 'settings/v1'
/** The relay's network as last heard, so an offline reload still checks addresses and shows the badge. */
const NETWORK_KEY = 'relay/network/v1'

export interface StoredSettings {
  payoutAddress: string
  threads: number
  throttle: Throttle
  mineWhenHidden: boolean
  mineOnBattery: boolean
  theme: Theme
  relays: string[]
  quorum: QuorumChoice
}

export function defaultThreads(): number {
  const cores = typeof navigator !== 'undefined' ? (navigator.hardwareConcurrency ?? 2) : 2
  return Math.max(1, cores - 1)
}

/** The user's settings, persisted in IndexedDB; the payout address is checked against the relay's network. */
export class Settings {
  payoutAddress = $state('')
  threads = $state(defaultThreads())
  throttle = $state<Throttle>(100)
  mineWhenHidden = $state(false)
  mineOnBattery = $state(false)
  theme = $state<Theme>('system')
  relays = $state<string[]>([])
  quorum = $state<QuorumChoice>('committee')
  /** The network the connected relay runs; addresses are checked against it. */
  network = $state<string | undefined>(undefined)
  loaded = $state(false)

  readonly addressCheck: AddressCheck = $derived(checkPayoutAddress(this.payoutAddress, this.network))

  async load(): Promise<void> {
    const stored = await loadSetting<Partial<StoredSettings>>(SETTINGS_KEY).catch(() => undefined)
    if (stored !== undefined) {
      if (typeof stored.payoutAddress === 'string') this.payoutAddress = stored.payoutAddress
      if (typeof stored.threads === 'number' && stored.threads >= 1) this.threads = Math.floor(stored.threads)
      if (THROTTLE_STEPS.includes(stored.throttle as Throttle)) this.throttle = stored.throttle as Throttle
      if (typeof stored.mineWhenHidden === 'boolean') this.mineWhenHidden = stored.mineWhenHidden
      if (typeof stored.mineOnBattery === 'boolean') this.mineOnBattery = stored.mineOnBattery
      if (stored.theme === 'dark' || stored.theme === 'light' || stored.theme === 'system') this.theme = stored.theme
      if (Array.isArray(stored.relays)) this.relays = stored.relays.filter((r) => typeof r === 'string')
      if (stored.quorum === 'committee' || stored.quorum === 'my-relays') this.quorum = stored.quorum
    }
    const network = await loadSetting<string>(NETWORK_KEY).catch(() => undefined)
    if (this.network === undefined && typeof network === 'string') this.network = network
    this.loaded = true
  }

  /** The network the page's relay just reported; remembered for offline use. */
  setNetwork(network: string): void {
    this.network = network
    void saveSetting(NETWORK_KEY, network).catch(() => {})
  }

  snapshot(): StoredSettings {
    return {
      payoutAddress: this.payoutAddress.trim(),
      threads: this.threads,
      throttle: this.throttle,
      mineWhenHidden: this.mineWhenHidden,
      mineOnBattery: this.mineOnBattery,
      theme: this.theme,
      relays: [...this.relays],
      quorum: this.quorum
    }
  }

  async save(): Promise<void> {
    await saveSetting(SETTINGS_KEY, this.snapshot())
  }
}
