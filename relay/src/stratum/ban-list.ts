// Bans by IP with expiry and a logged reason, and the strike counting that leads to them.
// Persistence is an interface so the relay's durable store can keep bans across restarts.
import { createLogger } from '@otedama/shared/log'
import { MAX_TRACKED_STRIKE_IPS } from './constants'
import { BoundedMap } from '@otedama/shared/util'

const log = createLogger('stratum:bans')

export interface BanRecord {
  /** Remote IP address as Node reports it (IPv4, IPv6, or IPv4-mapped IPv6). */
  address: string
  /** Wall-clock ms when the ban ends. */
  untilMs: number
  /** Why, in words an operator can act on. */
  reason: string
}

/** Durable storage for bans (the relay's store implements it; tests use the in-memory default). */
export interface BanStore {
  loadBans: () => Promise<BanRecord[]> | BanRecord[]
  saveBan: (ban: BanRecord) => Promise<void> | void
  deleteBan: (address: string) => Promise<void> | void
}

export interface BanListInit {
  store?: BanStore
  /** Drops within strikeWindowMs before a ban. */
  strikesBeforeBan: number
  strikeWindowMs: number
  banDurationMs: number
  now?: () => number
}

export class BanList {
  private readonly bans = new Map<string, BanRecord>()
  /** Per IP: times (ms) of recent strikes, oldest first. */
  private readonly strikes = new BoundedMap<string, number[]>(MAX_TRACKED_STRIKE_IPS)
  private readonly now: () => number

  constructor(private readonly init: BanListInit) {
    this.now = init.now ?? Date.now
  }

  /** Loads persisted bans that have not expired yet. */
  async load(): Promise<void> {
    if (this.init.store === undefined) return
    const now = this.now()
    for (const ban of await this.init.store.loadBans()) {
      if (ban.untilMs > now) this.bans.set(ban.address, ban)
    }
  }

  /** The active ban on an address, if any (expired bans are removed here). */
  banOf(address: string): BanRecord | undefined {
    const ban = this.bans.get(address)
    if (ban === undefined) return undefined
    if (ban.untilMs > this.now()) return ban
    this.bans.delete(address)
    this.persist(() => this.init.store?.deleteBan(address))
    return undefined
  }

  ban(address: string, reason: string, durationMs = this.init.banDurationMs): BanRecord {
    const ban: BanRecord = { address, untilMs: this.now() + durationMs, reason }
    this.bans.set(address, ban)
    this.strikes.delete(address)
    log.warn(`banned ${address} for ${Math.round(durationMs / 1000)} s: ${reason}`)
    this.persist(() => this.init.store?.saveBan(ban))
    return ban
  }

  unban(address: string): void {
    if (this.bans.delete(address)) this.persist(() => this.init.store?.deleteBan(address))
  }

  /**
   * Records one drop for misbehaviour. Returns the ban when this strike crossed the threshold.
   */
  strike(address: string, reason: string): BanRecord | undefined {
    const now = this.now()
    const recent = (this.strikes.get(address) ?? []).filter((t) => now - t < this.init.strikeWindowMs)
    recent.push(now)
    this.strikes.delete(address) // re-insert: Map order = least recently struck first
    if (recent.length >= this.init.strikesBeforeBan) {
      return this.ban(
        address,
        `${recent.length} drops within ${Math.round(this.init.strikeWindowMs / 1000)} s, last: ${reason}`
      )
    }
    this.strikes.set(address, recent)
    return undefined
  }

  list(): BanRecord[] {
    const now = this.now()
    return [...this.bans.values()].filter((b) => b.untilMs > now)
  }

  private persist(write: () => Promise<void> | void | undefined): void {
    try {
      const pending = write()
      if (pending instanceof Promise) pending.catch((err: unknown) => log.error('ban store write failed', err))
    } catch (err) {
      log.error('ban store write failed', err)
    }
  }
}
