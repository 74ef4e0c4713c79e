import { listHistory, type HistoryEntry } from '../../storage/db'

/** Entries of my share history shown on the Mine screen (the store keeps more). */
export const HISTORY_SHOWN = 10

/** My share history from IndexedDB: survives reloads; reloaded when the miner finds or hears of a share. */
export class ShareHistoryView {
  entries = $state<HistoryEntry[]>([])
  total = $state(0)

  async load(): Promise<void> {
    const all = await listHistory().catch(() => [] as HistoryEntry[])
    this.total = all.length
    this.entries = all.slice(0, HISTORY_SHOWN)
  }
}
