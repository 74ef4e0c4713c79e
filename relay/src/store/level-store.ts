import { ClassicLevel } from 'classic-level'
import { bitsToTarget } from '@otedama/shared/primitives'
import type { BlockTemplate } from '../template/types'
import type { DevnetBlockStore } from '../devnet'
import { CheckedLevel, defaultSnapshotDir, openChecked, snapshotStore, type SnapshotManifest } from './maintenance'
import {
  BLOCK_STATUSES,
  storedToTemplate,
  templateToStored,
  type BanRecord,
  type BanStore,
  type BlockRecordStore,
  type BlockStatus,
  type FoundBlockRecord,
  type StoredTemplate,
  type TemplateStore
} from './records'

/** Most found blocks listed at once. */
export const MAX_BLOCKS_LISTED = 1_000
/** Key prefix width for time-ordered keys (hex digits of ms since epoch: enough until year 10889). */
const TIME_KEY_HEX_DIGITS = 12
/** Key prefix width for height-ordered keys (hex digits: heights below 2^32). */
const HEIGHT_KEY_HEX_DIGITS = 8

type Bytes = Uint8Array
type BatchOp = { type: 'put' | 'del'; sublevel: unknown; key: string; value?: string }

/**
 * The relay's durable memory: LevelDB via classic-level (see docs/field-notes.md (Toolchain) for why), one
 * database with a sublevel per table. Found blocks and bans are written with `sync` (rare, and losing
 * one would be costly); bulk tables rely on LevelDB's log, which survives a process crash.
 */
export class LevelRelayStore implements BlockRecordStore, TemplateStore, BanStore, DevnetBlockStore {
  readonly db: ClassicLevel<string, string>
  private readonly blocks
  private readonly blockTimes
  /** Index `<status>:<height>:<hash>` → '' of found blocks, so unsettled ones are found however many. */
  private readonly blockStatuses
  /** Block record writes, one batch after another (each reads the previous rows, then writes one batch). */
  private blockWrites: Promise<unknown> = Promise.resolve()
  private readonly blockWriteQueue: Array<{
    record: FoundBlockRecord
    resolve: () => void
    reject: (err: Error) => void
  }> = []
  private blockIndexReady: Promise<void> | undefined
  private readonly templates
  private readonly bans

  constructor(readonly location: string) {
    // CheckedLevel is a ClassicLevel; the cast only drops its subclass from the batch-operation types.
    this.db = new CheckedLevel<string, string>(location, { valueEncoding: 'utf8' }) as unknown as ClassicLevel<
      string,
      string
    >
    this.blocks = this.db.sublevel<string, string>('blocks', { valueEncoding: 'utf8' })
    this.blockTimes = this.db.sublevel<string, string>('block-times', { valueEncoding: 'utf8' })
    this.blockStatuses = this.db.sublevel<string, string>('block-status', { valueEncoding: 'utf8' })
    this.templates = this.db.sublevel<string, string>('templates', { valueEncoding: 'utf8' })
    this.bans = this.db.sublevel<string, string>('bans', { valueEncoding: 'utf8' })
  }

  /** A binary table (values are raw bytes), e.g. shares and headers for the share-chain store. */
  bytesTable(name: string) {
    return this.db.sublevel<string, Bytes>(name, { valueEncoding: 'view' })
  }

  /**
   * Creates the database where none is; where one is, opens it only if its files are sound, else throws
   * StoreDamagedError naming the damage and the repair path (maintenance.ts). Never creates over one.
   */
  async open(): Promise<void> {
    await openChecked(this.db)
  }

  /** An online snapshot of every table into a new directory (default: <dataDir>/backups/db-<time>). */
  async snapshot(target = defaultSnapshotDir(this.location)): Promise<SnapshotManifest & { dir: string }> {
    return { ...(await snapshotStore(this.db, target)), dir: target }
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  async putBlock(record: FoundBlockRecord): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.blockWriteQueue.push({ record, resolve, reject })
      if (this.blockWriteQueue.length === 1)
        this.blockWrites = this.blockWrites.then(async () => await this.writeQueuedBlocks())
    })
  }

  /**
   * Group commit: every record queued meanwhile goes in one synced batch (a flood of found blocks
   * costs one fsync per batch, not per block); the same hash twice in a batch keeps the last.
   */
  private async writeQueuedBlocks(): Promise<void> {
    const queued = this.blockWriteQueue.splice(0)
    try {
      await this.ensureBlockIndex()
      const latest = new Map<string, FoundBlockRecord>()
      for (const { record } of queued) latest.set(record.hash, record)
      const hashes = [...latest.keys()]
      const previousRows = await this.blocks.getMany(hashes)
      const ops: BatchOp[] = []
      hashes.forEach((hash, i) => {
        const raw = previousRows[i]
        const previous = raw === undefined ? undefined : (JSON.parse(raw) as FoundBlockRecord)
        const record = latest.get(hash) as FoundBlockRecord
        const row = previous === undefined ? record : { ...record, foundAt: previous.foundAt }
        if (previous === undefined)
          ops.push({ type: 'put', sublevel: this.blockTimes, key: timeKey(row.foundAt, row.hash), value: row.hash })
        else if (statusKey(previous) !== statusKey(row))
          ops.push({ type: 'del', sublevel: this.blockStatuses, key: statusKey(previous) })
        ops.push({ type: 'put', sublevel: this.blockStatuses, key: statusKey(row), value: '' })
        ops.push({ type: 'put', sublevel: this.blocks, key: row.hash, value: JSON.stringify(row) })
      })
      await this.db.batch(ops as any, { sync: true })
      for (const q of queued) q.resolve()
    } catch (err) {
      for (const q of queued) q.reject(err as Error)
    }
  }

  async getBlock(hash: string): Promise<FoundBlockRecord | undefined> {
    const raw = await this.blocks.get(hash)
    return raw === undefined ? undefined : (JSON.parse(raw) as FoundBlockRecord)
  }

  async listBlocks(limit: number): Promise<FoundBlockRecord[]> {
    const hashes = await this.blockTimes.values({ reverse: true, limit: Math.min(limit, MAX_BLOCKS_LISTED) }).all()
    const raws = await this.blocks.getMany(hashes)
    return raws.filter((r): r is string => r !== undefined).map((r) => JSON.parse(r) as FoundBlockRecord)
  }

  async listBlocksByStatus(
    statuses: readonly BlockStatus[],
    opts: { minHeight?: number; limit?: number } = {}
  ): Promise<FoundBlockRecord[]> {
    await this.ensureBlockIndex()
    const limit = opts.limit ?? Number.POSITIVE_INFINITY
    const keys: Array<{ height: number; hash: string }> = []
    for (const status of statuses) {
      const range = {
        gte: `${status}:${heightKey(Math.max(0, opts.minHeight ?? 0))}`,
        lt: `${status};`,
        reverse: true,
        ...(Number.isFinite(limit) ? { limit } : {})
      }
      for (const key of await this.blockStatuses.keys(range).all()) {
        const [, height, hash] = key.split(':')
        keys.push({ height: parseInt(height, 16), hash })
      }
    }
    keys.sort((a, b) => b.height - a.height || (a.hash < b.hash ? -1 : 1))
    const raws = await this.blocks.getMany(keys.slice(0, limit).map((k) => k.hash))
    return raws.filter((r): r is string => r !== undefined).map((r) => JSON.parse(r) as FoundBlockRecord)
  }

  async countBlocksByStatus(): Promise<Record<BlockStatus, number>> {
    await this.ensureBlockIndex()
    const counts = Object.fromEntries(BLOCK_STATUSES.map((s) => [s, 0])) as Record<BlockStatus, number>
    for await (const key of this.blockStatuses.keys()) {
      const status = key.slice(0, key.indexOf(':')) as BlockStatus
      if (status in counts) counts[status]++
    }
    return counts
  }

  /** Builds the status index once for a database written before it existed. */
  private async ensureBlockIndex(): Promise<void> {
    this.blockIndexReady ??= this.buildBlockIndex()
    await this.blockIndexReady
  }

  private async buildBlockIndex(): Promise<void> {
    const indexed = await this.blockStatuses.keys({ limit: 1 }).all()
    if (indexed.length > 0) return
    const ops: BatchOp[] = []
    for await (const raw of this.blocks.values())
      ops.push({
        type: 'put',
        sublevel: this.blockStatuses,
        key: statusKey(JSON.parse(raw) as FoundBlockRecord),
        value: ''
      })
    if (ops.length > 0) await this.db.batch(ops as any, { sync: true })
  }

  async putTemplate(templateId: string, template: BlockTemplate): Promise<void> {
    await this.templates.put(templateId, JSON.stringify(templateToStored(template)))
  }

  async getTemplate(templateId: string): Promise<BlockTemplate | undefined> {
    const raw = await this.templates.get(templateId)
    return raw === undefined ? undefined : storedToTemplate(JSON.parse(raw) as StoredTemplate, bitsToTarget)
  }

  async pruneTemplates(olderThan: number): Promise<number> {
    const stale: string[] = []
    for await (const [key, raw] of this.templates.iterator()) {
      if ((JSON.parse(raw) as StoredTemplate).receivedAt < olderThan) stale.push(key)
    }
    await this.templates.batch(stale.map((key) => ({ type: 'del' as const, key })))
    return stale.length
  }

  /** devnet blocks keyed by zero-padded height, so loading yields parents before children. */
  async putDevnetBlock(
    height: number,
    hashHex: string,
    header80: Uint8Array,
    coinbaseLegacy: Uint8Array
  ): Promise<void> {
    const value = new Uint8Array(header80.length + coinbaseLegacy.length)
    value.set(header80)
    value.set(coinbaseLegacy, header80.length)
    await this.bytesTable('devnet-blocks').put(
      height.toString(16).padStart(HEIGHT_KEY_HEX_DIGITS, '0') + ':' + hashHex,
      value
    )
  }

  async loadDevnetBlocks(): Promise<Array<{ header80: Uint8Array; coinbaseLegacy: Uint8Array }>> {
    const values = await this.bytesTable('devnet-blocks').values().all()
    return values.map((v) => ({ header80: v.slice(0, 80), coinbaseLegacy: v.slice(80) }))
  }

  async putBan(ban: BanRecord): Promise<void> {
    await this.db.batch([{ type: 'put', sublevel: this.bans, key: ban.subject, value: JSON.stringify(ban) }], {
      sync: true
    })
  }

  async listBans(now: number): Promise<BanRecord[]> {
    const all = (await this.bans.values().all()).map((raw) => JSON.parse(raw) as BanRecord)
    return all.filter((b) => b.until > now)
  }

  async deleteBan(subject: string): Promise<void> {
    await this.bans.del(subject)
  }
}

function heightKey(height: number): string {
  return Math.floor(height).toString(16).padStart(HEIGHT_KEY_HEX_DIGITS, '0')
}

function statusKey(record: FoundBlockRecord): string {
  return `${record.status}:${heightKey(record.height)}:${record.hash}`
}

function timeKey(ms: number, hash: string): string {
  return Math.max(0, Math.floor(ms)).toString(16).padStart(TIME_KEY_HEX_DIGITS, '0') + ':' + hash
}
