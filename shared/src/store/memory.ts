// In-memory ShareStore (tests, and the reference behaviour other stores must match).
import { bytesToHex } from '../primitives/bytes'
import type { ShareStore, StoredHeader, StoredShare } from './types'

export class MemoryStore implements ShareStore {
  private readonly shares = new Map<string, StoredShare>()
  private readonly headers = new Map<string, StoredHeader>()
  private readonly meta = new Map<string, Uint8Array>()
  private closed = false

  private check(): void {
    if (this.closed) throw new Error('store is closed')
  }

  async putShares(shares: StoredShare[]): Promise<void> {
    this.check()
    for (const s of shares)
      this.shares.set(bytesToHex(s.id), { id: s.id.slice(), bytes: s.bytes.slice(), height: s.height })
  }

  async getShare(id: Uint8Array): Promise<StoredShare | undefined> {
    this.check()
    return this.shares.get(bytesToHex(id))
  }

  async hasShare(id: Uint8Array): Promise<boolean> {
    this.check()
    return this.shares.has(bytesToHex(id))
  }

  async deleteShares(ids: Uint8Array[]): Promise<void> {
    this.check()
    for (const id of ids) this.shares.delete(bytesToHex(id))
  }

  async sharesFromHeight(fromHeight: number, limit: number): Promise<StoredShare[]> {
    this.check()
    return [...this.shares.values()]
      .filter((s) => s.height >= fromHeight)
      .sort((a, b) => a.height - b.height)
      .slice(0, limit)
  }

  async deleteSharesBelow(height: number): Promise<number> {
    this.check()
    let n = 0
    for (const [k, s] of this.shares) if (s.height < height && this.shares.delete(k)) n++
    return n
  }

  async putHeaders(headers: StoredHeader[]): Promise<void> {
    this.check()
    for (const h of headers)
      this.headers.set(bytesToHex(h.hash), { hash: h.hash.slice(), header80: h.header80.slice(), height: h.height })
  }

  async getHeader(hash: Uint8Array): Promise<StoredHeader | undefined> {
    this.check()
    return this.headers.get(bytesToHex(hash))
  }

  async headersFromHeight(fromHeight: number, limit: number): Promise<StoredHeader[]> {
    this.check()
    return [...this.headers.values()]
      .filter((h) => h.height >= fromHeight)
      .sort((a, b) => a.height - b.height)
      .slice(0, limit)
  }

  async deleteHeadersBelow(height: number): Promise<number> {
    this.check()
    let n = 0
    for (const [k, h] of this.headers) if (h.height < height && this.headers.delete(k)) n++
    return n
  }

  async getMeta(key: string): Promise<Uint8Array | undefined> {
    this.check()
    return this.meta.get(key)
  }

  async putMeta(key: string, value: Uint8Array): Promise<void> {
    this.check()
    this.meta.set(key, value.slice())
  }

  async close(): Promise<void> {
    this.closed = true
  }
}
