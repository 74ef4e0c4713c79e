import { openDB, type DBSchema, type IDBPDatabase } from 'idb'

/**
 * The browser peer's IndexedDB: settings, the share outbox (a found share stays until another peer
 * acknowledges it), my share history, a snapshot of the share window and header chain for a fast
 * restart, and known relays.
 */
export const DB_NAME = 'otedama'
export const DB_VERSION = 1
/** My share history keeps at most this many entries (oldest dropped first). */
export const HISTORY_MAX_ENTRIES = 5_000

export interface OutboxEntry {
  /** Share id, display hex. */
  id: string
  network: string
  /** Encoded share bytes (shared share codec). */
  bytes: Uint8Array
  /** A share that is also a block: its block-topic message, re-sent before the share (a relay takes shares on a block only once it knows the block). */
  block?: Uint8Array
  foundAt: number
  sends: number
}

export interface HistoryEntry {
  id: string
  network: string
  foundAt: number
  /** 'pending' until a peer acknowledges it, then 'accepted'; 'rejected' with a reason. */
  status: 'pending' | 'accepted' | 'rejected' | 'stale'
  reason?: string
  isBlock: boolean
}

export interface KnownRelay {
  url: string
  lastSeen: number
  failures: number
}

interface OtedamaSchema extends DBSchema {
  settings: { key: string; value: unknown }
  outbox: { key: string; value: OutboxEntry }
  history: { key: string; value: HistoryEntry; indexes: { foundAt: number } }
  snapshot: { key: string; value: Uint8Array }
  relays: { key: string; value: KnownRelay }
}

export type OtedamaDb = IDBPDatabase<OtedamaSchema>

let dbPromise: Promise<OtedamaDb> | undefined

export function openOtedamaDb(): Promise<OtedamaDb> {
  dbPromise ??= openDB<OtedamaSchema>(DB_NAME, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('settings')
      db.createObjectStore('outbox', { keyPath: 'id' })
      const history = db.createObjectStore('history', { keyPath: 'id' })
      history.createIndex('foundAt', 'foundAt')
      db.createObjectStore('snapshot')
      db.createObjectStore('relays', { keyPath: 'url' })
    }
  })
  return dbPromise
}

export async function loadSetting<T>(key: string): Promise<T | undefined> {
  const db = await openOtedamaDb()
  return (await db.get('settings', key)) as T | undefined
}

export async function saveSetting(key: string, value: unknown): Promise<void> {
  const db = await openOtedamaDb()
  await db.put('settings', value, key)
}

export async function addToOutbox(entry: OutboxEntry): Promise<void> {
  const db = await openOtedamaDb()
  await db.put('outbox', entry)
}

export async function removeFromOutbox(id: string): Promise<void> {
  const db = await openOtedamaDb()
  await db.delete('outbox', id)
}

export async function listOutbox(): Promise<OutboxEntry[]> {
  const db = await openOtedamaDb()
  return await db.getAll('outbox')
}

export async function recordHistory(entry: HistoryEntry): Promise<void> {
  const db = await openOtedamaDb()
  const tx = db.transaction('history', 'readwrite')
  await tx.store.put(entry)
  const count = await tx.store.count()
  if (count > HISTORY_MAX_ENTRIES) {
    let cursor = await tx.store.index('foundAt').openCursor()
    for (let excess = count - HISTORY_MAX_ENTRIES; excess > 0 && cursor; excess--) {
      await cursor.delete()
      cursor = await cursor.continue()
    }
  }
  await tx.done
}

export async function listHistory(): Promise<HistoryEntry[]> {
  const db = await openOtedamaDb()
  return (await db.getAllFromIndex('history', 'foundAt')).reverse()
}

export async function saveSnapshot(key: string, bytes: Uint8Array): Promise<void> {
  const db = await openOtedamaDb()
  await db.put('snapshot', bytes, key)
}

export async function loadSnapshot(key: string): Promise<Uint8Array | undefined> {
  const db = await openOtedamaDb()
  return await db.get('snapshot', key)
}

export async function rememberRelay(url: string): Promise<void> {
  const db = await openOtedamaDb()
  await db.put('relays', { url, lastSeen: Date.now(), failures: 0 })
}

export async function listRelays(): Promise<KnownRelay[]> {
  const db = await openOtedamaDb()
  return await db.getAll('relays')
}
