// One mining tab per browser profile. The tab that mines holds a Web Lock; other tabs learn of it from
// the lock manager and a BroadcastChannel, show "Mining in another tab" and can take over: they ask the
// holder to stop (it releases the lock), and if it does not answer in time they steal the lock, which
// also stops the holder (its lock request rejects).

/** Name of the Web Lock the mining tab holds, and of the channel tabs talk on. */
export const MINING_LOCK_NAME = 'otedama-mining'
export const MINING_CHANNEL_NAME = 'otedama-mining'
/** How long a take-over waits for the mining tab to let go before stealing the lock (ms). */
export const TAKE_OVER_WAIT_MS = 3_000
/** How often the mining tab tells the others its hashrate (ms). */
export const ANNOUNCE_INTERVAL_MS = 2_000

type TabMessage =
  { type: 'mining'; hashrate: number } | { type: 'stopped' } | { type: 'who-mines' } | { type: 'release' }

interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void>
  ): Promise<void>
  query(): Promise<{ held?: Array<{ name?: string }> }>
}

/** The one-miner rule as the UI sees it: whether another tab mines, and acquiring or giving up the right to. */
export class MiningTabLock {
  /** True while another tab of this profile holds the mining lock. */
  otherTabMining = $state(false)
  otherTabHashrate = $state(0)

  #held = false
  /** True while this tab waits for the lock (a take-over): a lock seen held may be about to be ours. */
  #requesting = false
  #release: (() => void) | undefined
  #onLost: (() => void) | undefined
  #onOtherStopped: (() => void) | undefined
  #channel: BroadcastChannel | undefined
  #announce: ReturnType<typeof setInterval> | undefined
  readonly #locks: LockManagerLike | undefined

  constructor() {
    const nav = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManagerLike }) : undefined
    this.#locks = nav?.locks
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(MINING_CHANNEL_NAME)
      this.#channel.onmessage = (event: MessageEvent<TabMessage>) => this.#receive(event.data)
      this.#post({ type: 'who-mines' })
    }
    void this.#checkHeld()
  }

  get held(): boolean {
    return this.#held
  }

  /** Called when this tab loses the right to mine (another tab took over): the miner must stop. */
  onLost(listener: () => void): void {
    this.#onLost = listener
  }

  /** Called when the tab that mined stopped (it has just saved what it measured). */
  onOtherTabStopped(listener: () => void): void {
    this.#onOtherStopped = listener
  }

  /**
   * Takes the mining lock if nobody holds it; false when another tab mines. With `takeOver`, asks that
   * tab to stop, waits up to TAKE_OVER_WAIT_MS, then steals the lock.
   */
  async acquire(takeOver = false): Promise<boolean> {
    if (this.#held) return true
    if (this.#locks === undefined) {
      // No Web Locks (very old browsers): the channel alone keeps tabs apart.
      if (this.otherTabMining && !takeOver) return false
      if (takeOver) this.#post({ type: 'release' })
      this.#held = true
      this.otherTabMining = false
      return true
    }
    if (!takeOver) return await this.#request({ ifAvailable: true })
    this.#post({ type: 'release' })
    const polite = await this.#request({ signal: AbortSignal.timeout(TAKE_OVER_WAIT_MS) }).catch(() => false)
    return polite || (await this.#request({ steal: true }))
  }

  /** Gives the lock back (mining stopped here). */
  release(): void {
    if (!this.#held) return
    this.#held = false
    clearInterval(this.#announce)
    this.#announce = undefined
    this.#release?.()
    this.#release = undefined
    this.#post({ type: 'stopped' })
  }

  /** While mining, tells other tabs the hashrate every ANNOUNCE_INTERVAL_MS. */
  announce(hashrate: () => number): void {
    clearInterval(this.#announce)
    this.#post({ type: 'mining', hashrate: hashrate() })
    this.#announce = setInterval(() => this.#post({ type: 'mining', hashrate: hashrate() }), ANNOUNCE_INTERVAL_MS)
  }

  async #request(options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal }): Promise<boolean> {
    const locks = this.#locks as LockManagerLike
    this.#requesting = true
    return await new Promise<boolean>((resolve, reject) => {
      locks
        .request(MINING_LOCK_NAME, options, async (lock) => {
          this.#requesting = false
          if (lock === null) {
            resolve(false)
            return
          }
          this.#held = true
          this.otherTabMining = false
          resolve(true)
          await new Promise<void>((release) => {
            this.#release = release
          })
        })
        .catch((err: unknown) => {
          this.#requesting = false
          // A steal by another tab rejects the holder's request: this tab must stop mining.
          if (this.#held) {
            this.#held = false
            clearInterval(this.#announce)
            this.#onLost?.()
          } else reject(err)
        })
    })
  }

  #receive(message: TabMessage): void {
    switch (message.type) {
      case 'mining':
        if (!this.#held) {
          this.otherTabMining = true
          this.otherTabHashrate = message.hashrate
        }
        break
      case 'stopped':
        this.otherTabMining = false
        this.otherTabHashrate = 0
        this.#onOtherStopped?.()
        void this.#checkHeld()
        break
      case 'who-mines':
        if (this.#held) this.#post({ type: 'mining', hashrate: 0 })
        break
      case 'release':
        // The miner stops and releases the lock once it has saved what it measured.
        if (this.#held) {
          if (this.#onLost !== undefined) this.#onLost()
          else this.release()
        }
        break
    }
  }

  async #checkHeld(): Promise<void> {
    if (this.#locks === undefined || this.#held) return
    const state = await this.#locks.query().catch(() => undefined)
    // The answer lists our own lock too: granted meanwhile, it is ours, not another tab's.
    if (this.#held || this.#requesting) return
    this.otherTabMining = state?.held?.some((l) => l.name === MINING_LOCK_NAME) ?? false
  }

  #post(message: TabMessage): void {
    this.#channel?.postMessage(message)
  }
}
