// Durable storage of shares and headers: the browser's IndexedDB and the relay's database implement
// this interface (their issues); MemoryStore is the reference implementation for tests.
// Ids and hashes are internal byte order; values are the exact bytes received (shares as encoded,
// headers as 80 bytes), so a restart re-validates or re-adds exactly what was accepted.

export interface StoredShare {
  id: Uint8Array
  /** Encoded share (sharechain/share-codec). */
  bytes: Uint8Array
  /** Share height: restores add shares parents-first in this order. */
  height: number
}

export interface StoredHeader {
  hash: Uint8Array
  header80: Uint8Array
  height: number
}

export interface ShareStore {
  putShares(shares: StoredShare[]): Promise<void>
  getShare(id: Uint8Array): Promise<StoredShare | undefined>
  hasShare(id: Uint8Array): Promise<boolean>
  deleteShares(ids: Uint8Array[]): Promise<void>
  /** Shares with height >= fromHeight, ascending by height (ties in insertion order), at most `limit`. */
  sharesFromHeight(fromHeight: number, limit: number): Promise<StoredShare[]>
  /** Removes every share below `height` (pruning far behind the window). */
  deleteSharesBelow(height: number): Promise<number>

  putHeaders(headers: StoredHeader[]): Promise<void>
  getHeader(hash: Uint8Array): Promise<StoredHeader | undefined>
  headersFromHeight(fromHeight: number, limit: number): Promise<StoredHeader[]>
  deleteHeadersBelow(height: number): Promise<number>

  /** Small named values (tip id, checkpoint, reputation snapshot). */
  getMeta(key: string): Promise<Uint8Array | undefined>
  putMeta(key: string, value: Uint8Array): Promise<void>

  close(): Promise<void>
}
