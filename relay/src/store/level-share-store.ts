import type { ClassicLevel } from 'classic-level'
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import type { ShareStore, StoredHeader, StoredShare } from '@otedama/shared/store'

/** Hex digits of the height in index keys (heights below 2^32). */
const HEIGHT_HEX_DIGITS = 8
/** Hex digits of the insertion sequence in index keys (µs since epoch fit in 52 bits). */
const SEQ_HEX_DIGITS = 14

type Db = ClassicLevel<string, string>
type Op =
  { type: 'put'; sublevel: unknown; key: string; value: unknown } | { type: 'del'; sublevel: unknown; key: string }

/**
 * The share chain's ShareStore (@otedama/shared src/store) on the relay's LevelDB. Shares sit by id, with an
 * index by (height, insertion order) so a restart re-adds them parents-first; headers likewise.
 */
export class LevelShareStore implements ShareStore {
  private readonly shares
  private readonly shareIndex
  private readonly shareKeys
  private readonly headers
  private readonly headerIndex
  private readonly meta
  private lastSeq = 0

  constructor(private readonly db: Db) {
    this.shares = db.sublevel<string, Uint8Array>('shares', { valueEncoding: 'view' })
    this.shareIndex = db.sublevel<string, string>('share-by-height', { valueEncoding: 'utf8' })
    this.shareKeys = db.sublevel<string, string>('share-index-key', { valueEncoding: 'utf8' })
    this.headers = db.sublevel<string, Uint8Array>('headers', { valueEncoding: 'view' })
    this.headerIndex = db.sublevel<string, string>('header-by-height', { valueEncoding: 'utf8' })
    this.meta = db.sublevel<string, Uint8Array>('meta', { valueEncoding: 'view' })
  }

  /** Strictly increasing across calls and restarts (wall-clock µs, bumped on ties). */
  private seq(): string {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000)
    return this.lastSeq.toString(16).padStart(SEQ_HEX_DIGITS, '0')
  }

  async putShares(shares: StoredShare[]): Promise<void> {
    const ops: Op[] = []
    for (const s of shares) {
      const id = bytesToHex(s.id)
      if ((await this.shareKeys.get(id)) !== undefined) continue
      const indexKey = `${height(s.height)}:${this.seq()}`
      ops.push({ type: 'put', sublevel: this.shares, key: id, value: withHeight(s.height, s.bytes) })
      ops.push({ type: 'put', sublevel: this.shareIndex, key: indexKey, value: id })
      ops.push({ type: 'put', sublevel: this.shareKeys, key: id, value: indexKey })
    }
    if (ops.length > 0) await this.db.batch(ops as any)
  }

  async getShare(id: Uint8Array): Promise<StoredShare | undefined> {
    const v = await this.shares.get(bytesToHex(id))
    return v === undefined ? undefined : { id: id.slice(), height: readHeight(v), bytes: v.slice(4) }
  }

  async hasShare(id: Uint8Array): Promise<boolean> {
    return (await this.shareKeys.get(bytesToHex(id))) !== undefined
  }

  async deleteShares(ids: Uint8Array[]): Promise<void> {
    const ops: Op[] = []
    for (const raw of ids) {
      const id = bytesToHex(raw)
      const indexKey = await this.shareKeys.get(id)
      if (indexKey === undefined) continue
      ops.push(
        { type: 'del', sublevel: this.shares, key: id },
        { type: 'del', sublevel: this.shareIndex, key: indexKey },
        { type: 'del', sublevel: this.shareKeys, key: id }
      )
    }
    if (ops.length > 0) await this.db.batch(ops as any)
  }

  async sharesFromHeight(fromHeight: number, limit: number): Promise<StoredShare[]> {
    const ids = await this.shareIndex.values({ gte: height(fromHeight), limit }).all()
    const values = await this.shares.getMany(ids)
    const out: StoredShare[] = []
    values.forEach((v, i) => {
      if (v !== undefined) out.push({ id: hexToBytes(ids[i]), height: readHeight(v), bytes: v.slice(4) })
    })
    return out
  }

  async deleteSharesBelow(below: number): Promise<number> {
    const entries = await this.shareIndex.iterator({ lt: height(below) }).all()
    const ops: Op[] = entries.flatMap(([indexKey, id]) => [
      { type: 'del' as const, sublevel: this.shares, key: id },
      { type: 'del' as const, sublevel: this.shareIndex, key: indexKey },
      { type: 'del' as const, sublevel: this.shareKeys, key: id }
    ])
    if (ops.length > 0) await this.db.batch(ops as any)
    return entries.length
  }

  async putHeaders(headers: StoredHeader[]): Promise<void> {
    const ops: Op[] = []
    for (const h of headers) {
      const hash = bytesToHex(h.hash)
      ops.push({ type: 'put', sublevel: this.headers, key: hash, value: withHeight(h.height, h.header80) })
      ops.push({ type: 'put', sublevel: this.headerIndex, key: `${height(h.height)}:${hash}`, value: hash })
    }
    if (ops.length > 0) await this.db.batch(ops as any)
  }

  async getHeader(hash: Uint8Array): Promise<StoredHeader | undefined> {
    const v = await this.headers.get(bytesToHex(hash))
    return v === undefined ? undefined : { hash: hash.slice(), height: readHeight(v), header80: v.slice(4) }
  }

  async headersFromHeight(fromHeight: number, limit: number): Promise<StoredHeader[]> {
    const hashes = await this.headerIndex.values({ gte: height(fromHeight), limit }).all()
    const values = await this.headers.getMany(hashes)
    const out: StoredHeader[] = []
    values.forEach((v, i) => {
      if (v !== undefined) out.push({ hash: hexToBytes(hashes[i]), height: readHeight(v), header80: v.slice(4) })
    })
    return out
  }

  async deleteHeadersBelow(below: number): Promise<number> {
    const entries = await this.headerIndex.iterator({ lt: height(below) }).all()
    const ops: Op[] = entries.flatMap(([indexKey, hash]) => [
      { type: 'del' as const, sublevel: this.headers, key: hash },
      { type: 'del' as const, sublevel: this.headerIndex, key: indexKey }
    ])
    if (ops.length > 0) await this.db.batch(ops as any)
    return entries.length
  }

  async getMeta(key: string): Promise<Uint8Array | undefined> {
    return await this.meta.get(key)
  }

  async putMeta(key: string, value: Uint8Array): Promise<void> {
    await this.meta.put(key, value)
  }

  /** The database belongs to LevelRelayStore, which closes it. */
  async close(): Promise<void> {}
}

function height(h: number): string {
  return h.toString(16).padStart(HEIGHT_HEX_DIGITS, '0')
}

function withHeight(h: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length)
  new DataView(out.buffer).setUint32(0, h, false)
  out.set(bytes, 4)
  return out
}

function readHeight(v: Uint8Array): number {
  return new DataView(v.buffer, v.byteOffset, v.byteLength).getUint32(0, false)
}
