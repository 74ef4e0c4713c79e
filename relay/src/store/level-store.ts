import { ClassicLevel } from 'classic-level'
import { bitsToTarget } from '../../../shared/src/primitives/target'
import type { BlockTemplate } from '../template/types'
import type { DevnetBlockStore } from '../devnet'
import {
  storedToTemplate, templateToStored,
  type BanRecord, type BanStore, type BlockRecordStore, type FoundBlockRecord, type StoredTemplate, type TemplateStore
} from './records'

/** Most found blocks listed at once. */
export const MAX_BLOCKS_LISTED = 1_000
/** Key prefix width for time-ordered keys (hex digits of ms since epoch: enough until year 10889). */
const TIME_KEY_HEX_DIGITS = 12
/** Key prefix width for height-ordered keys (hex digits: heights below 2^32). */
const HEIGHT_KEY_HEX_DIGITS = 8

type Bytes = Uint8Array

/**
 * The relay's durable memory: LevelDB via classic-level (see shared/notes/toolchain.md for why), one
 * database with a sublevel per table. Found blocks and bans are written with `sync` (rare, and losing
 * one would be costly); bulk tables rely on LevelDB's log, which survives a process crash.
 */
export class LevelRelayStore implements BlockRecordStore, TemplateStore, BanStore, DevnetBlockStore {
  readonly db: ClassicLevel<string, string>
  private readonly blocks
  private readonly blockTimes
  private readonly templates
  private readonly bans

  constructor (readonly location: string) {
    this.db = new ClassicLevel<string, string>(location, { valueEncoding: 'utf8' })
    this.blocks = this.db.sublevel<string, string>('blocks', { valueEncoding: 'utf8' })
    this.blockTimes = this.db.sublevel<string, string>('block-times', { valueEncoding: 'utf8' })
    this.templates = this.db.sublevel<string, string>('templates', { valueEncoding: 'utf8' })
    this.bans = this.db.sublevel<string, string>('bans', { valueEncoding: 'utf8' })
  }

  /** A binary table (values are raw bytes), e.g. shares and headers for the share-chain store. */
  bytesTable (name: string) {
    return this.db.sublevel<string, Bytes>(name, { valueEncoding: 'view' })
  }

  async open (): Promise<void> {
    await this.db.open()
  }

  async close (): Promise<void> {
    await this.db.close()
  }

  async putBlock (record: FoundBlockRecord): Promise<void> {
    const previous = await this.getBlock(record.hash)
    const ops: Array<{ type: 'put' | 'del', sublevel: any, key: string, value?: string }> = []
    if (previous === undefined) {
      ops.push({ type: 'put', sublevel: this.blockTimes, key: timeKey(record.foundAt, record.hash), value: record.hash })
    }
    ops.push({ type: 'put', sublevel: this.blocks, key: record.hash, value: JSON.stringify(record) })
    await this.db.batch(ops as any, { sync: true })
  }

  async getBlock (hash: string): Promise<FoundBlockRecord | undefined> {
    const raw = await this.blocks.get(hash)
    return raw === undefined ? undefined : JSON.parse(raw) as FoundBlockRecord
  }

  async listBlocks (limit: number): Promise<FoundBlockRecord[]> {
    const hashes = await this.blockTimes.values({ reverse: true, limit: Math.min(limit, MAX_BLOCKS_LISTED) }).all()
    const raws = await this.blocks.getMany(hashes)
    return raws.filter((r): r is string => r !== undefined).map((r) => JSON.parse(r) as FoundBlockRecord)
  }

  async putTemplate (templateId: string, template: BlockTemplate): Promise<void> {
    await this.templates.put(templateId, JSON.stringify(templateToStored(template)))
  }

  async getTemplate (templateId: string): Promise<BlockTemplate | undefined> {
    const raw = await this.templates.get(templateId)
    return raw === undefined ? undefined : storedToTemplate(JSON.parse(raw) as StoredTemplate, bitsToTarget)
  }

  async pruneTemplates (olderThan: number): Promise<number> {
    const stale: string[] = []
    for await (const [key, raw] of this.templates.iterator()) {
      if ((JSON.parse(raw) as StoredTemplate).receivedAt < olderThan) stale.push(key)
    }
    await this.templates.batch(stale.map((key) => ({ type: 'del' as const, key })))
    return stale.length
  }

  /** devnet blocks keyed by zero-padded height, so loading yields parents before children. */
  async putDevnetBlock (height: number, hashHex: string, header80: Uint8Array, coinbaseLegacy: Uint8Array): Promise<void> {
    const value = new Uint8Array(header80.length + coinbaseLegacy.length)
    value.set(header80)
    value.set(coinbaseLegacy, header80.length)
    await this.bytesTable('devnet-blocks').put(height.toString(16).padStart(HEIGHT_KEY_HEX_DIGITS, '0') + ':' + hashHex, value)
  }

  async loadDevnetBlocks (): Promise<Array<{ header80: Uint8Array, coinbaseLegacy: Uint8Array }>> {
    const values = await this.bytesTable('devnet-blocks').values().all()
    return values.map((v) => ({ header80: v.slice(0, 80), coinbaseLegacy: v.slice(80) }))
  }

  async putBan (ban: BanRecord): Promise<void> {
    await this.db.batch([{ type: 'put', sublevel: this.bans, key: ban.subject, value: JSON.stringify(ban) }], { sync: true })
  }

  async listBans (now: number): Promise<BanRecord[]> {
    const all = (await this.bans.values().all()).map((raw) => JSON.parse(raw) as BanRecord)
    return all.filter((b) => b.until > now)
  }

  async deleteBan (subject: string): Promise<void> {
    await this.bans.del(subject)
  }
}

function timeKey (ms: number, hash: string): string {
  return Math.max(0, Math.floor(ms)).toString(16).padStart(TIME_KEY_HEX_DIGITS, '0') + ':' + hash
}
