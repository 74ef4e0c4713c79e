// Opening the relay's LevelDB safely, and the operator's tools around it: an online snapshot (backup),
// restore from a snapshot, and LevelDB's own repair. None of them deletes a file: what is replaced or
// repaired is first moved or copied aside under a name that says when and why.
import { createHash } from 'node:crypto'
import { cp, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { createLogger } from '@otedama/shared/log'
import { inspectStore } from './integrity'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('store')

/** Entries copied per batch by a snapshot; between batches the relay's event loop runs on. */
export const SNAPSHOT_BATCH_ENTRIES = 1_000
/** The file inside a snapshot directory that describes and checks it. */
export const SNAPSHOT_MANIFEST_FILE = 'otedama-backup.json'
const SNAPSHOT_FORMAT = 1

/** The operator's ways out, as printed with every refusal (the commands are in relay/README.md). */
export function repairAdvice(location: string): string {
  return [
    `The relay opened nothing and changed nothing in ${location}. Either:`,
    '  - restore the latest snapshot: npm run relay -- store restore <snapshot dir> (with the same --data-dir / --config);',
    '    the damaged database is kept beside it as db.replaced-<time>;',
    "  - or salvage what is readable: npm run relay -- store repair (LevelDB's repair; a copy of the damaged",
    '    files is kept first as db.damaged-<time>; records inside the damaged parts are lost).'
  ].join('\n')
}

/** The database exists but is damaged: never opened, never created over. */
export class StoreDamagedError extends Error {
  constructor(
    readonly location: string,
    readonly problems: string[]
  ) {
    super(
      `the relay's database ${location} is damaged:\n${problems.map((p) => `  - ${p}`).join('\n')}\n${repairAdvice(location)}`
    )
    this.name = 'StoreDamagedError'
  }
}

/** Another process (a running relay) holds the database. */
export class StoreBusyError extends Error {
  constructor(
    readonly location: string,
    cause: string
  ) {
    super(
      `the database ${location} is in use by another process (${cause}); stop that relay, or ask it over its admin API`
    )
    this.name = 'StoreBusyError'
  }
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } }
  return e.cause?.message ?? e.message ?? String(err)
}

/**
 * A ClassicLevel that opens only if its files are sound: it creates a database where none exists, refuses
 * (StoreDamagedError, with the damage and the way to repair it) where one exists but is damaged, and never
 * lets LevelDB create over one. The check sits in _open because abstract-level opens a new instance by
 * itself (a microtask after construction, with create-if-missing): every open passes through here.
 */
export class CheckedLevel<K = string, V = string> extends ClassicLevel<K, V> {
  async _open(options: Record<string, unknown>): Promise<void> {
    const inspection = inspectStore(this.location)
    if (inspection.problems.length > 0) throw new StoreDamagedError(this.location, inspection.problems)
    if (inspection.tornTail !== undefined)
      log.warn(`${this.location}: ${inspection.tornTail}; LevelDB drops that unfinished write (a crash mid-write)`)
    await (ClassicLevel.prototype as unknown as { _open: (o: unknown) => Promise<void> })._open.call(this, {
      ...options,
      createIfMissing: inspection.state === 'absent',
      errorIfExists: false
    })
  }
}

/** Opens a CheckedLevel, turning LevelDB's failures into StoreDamagedError or StoreBusyError. */
export async function openChecked(db: { open: () => Promise<void>; location: string }): Promise<void> {
  try {
    await db.open()
  } catch (err) {
    const damaged = [err, (err as { cause?: unknown }).cause].find((e) => e instanceof StoreDamagedError)
    if (damaged !== undefined) throw damaged
    const cause = causeOf(err)
    if (/lock/i.test(cause)) throw new StoreBusyError(db.location, cause)
    throw new StoreDamagedError(db.location, [cause])
  }
}

export interface SnapshotManifest {
  format: number
  createdAt: string
  /** The database the snapshot was taken of. */
  source: string
  entries: number
  bytes: number
  /** sha256 over every (key length, key, value length, value) in key order, hex. */
  digest: string
}

type RawDb = ClassicLevel<Uint8Array, Uint8Array>

function entryHasher(): {
  add: (key: Uint8Array, value: Uint8Array) => void
  done: () => { entries: number; bytes: number; digest: string }
} {
  const hash = createHash('sha256')
  const lengths = Buffer.alloc(8)
  let entries = 0
  let bytes = 0
  return {
    add(key, value) {
      lengths.writeUInt32LE(key.length, 0)
      lengths.writeUInt32LE(value.length, 4)
      hash.update(lengths.subarray(0, 4)).update(key).update(lengths.subarray(4)).update(value)
      entries++
      bytes += key.length + value.length
    },
    done: () => ({ entries, bytes, digest: hash.digest('hex') })
  }
}

/**
 * An online snapshot: every entry as of one instant (a LevelDB iterator reads a fixed snapshot while
 * writes go on), written to a new database in `target` with a manifest that restore checks.
 */
export async function snapshotStore(db: ClassicLevel<any, any>, target: string): Promise<SnapshotManifest> {
  const dir = resolve(target)
  if (inspectStore(dir).state !== 'absent')
    throw new Error(`snapshot target ${dir} already holds a database; pick a new directory`)
  await mkdir(dirname(dir), { recursive: true })
  const copy: RawDb = new ClassicLevel(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await copy.open({ createIfMissing: true, errorIfExists: true })
  const hasher = entryHasher()
  try {
    const iterator = db.iterator({ keyEncoding: 'view', valueEncoding: 'view' }) as unknown as {
      nextv: (n: number) => Promise<Array<[Uint8Array, Uint8Array]>>
      close: () => Promise<void>
    }
    try {
      for (;;) {
        const entries = await iterator.nextv(SNAPSHOT_BATCH_ENTRIES)
        if (entries.length === 0) break
        for (const [key, value] of entries) hasher.add(key, value)
        await copy.batch(entries.map(([key, value]) => ({ type: 'put' as const, key, value })))
      }
    } finally {
      await iterator.close()
    }
  } finally {
    await copy.close()
  }
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    createdAt: new Date().toISOString(),
    source: db.location,
    ...hasher.done()
  }
  await writeFile(join(dir, SNAPSHOT_MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n')
  log.info(`snapshot of ${db.location}: ${manifest.entries} entries, ${manifest.bytes} bytes -> ${dir}`)
  return manifest
}

/** Reads a snapshot and checks every entry against its manifest; throws naming what differs. */
export async function verifySnapshot(dir: string): Promise<SnapshotManifest> {
  let manifest: SnapshotManifest
  try {
    manifest = JSON.parse(await readFile(join(dir, SNAPSHOT_MANIFEST_FILE), 'utf8')) as SnapshotManifest
  } catch (err) {
    throw new Error(`${dir} is not a relay snapshot (no readable ${SNAPSHOT_MANIFEST_FILE}: ${errorMessage(err)})`)
  }
  if (manifest.format !== SNAPSHOT_FORMAT)
    throw new Error(`${dir}: snapshot format ${manifest.format}, this relay reads ${SNAPSHOT_FORMAT}`)
  const problems = inspectStore(dir).problems
  if (problems.length > 0) throw new Error(`snapshot ${dir} is damaged: ${problems.join('; ')}`)
  const db = new CheckedLevel(dir, { keyEncoding: 'view', valueEncoding: 'view' }) as unknown as RawDb
  await openChecked(db)
  const hasher = entryHasher()
  try {
    for await (const [key, value] of db.iterator()) hasher.add(key, value)
  } finally {
    await db.close()
  }
  const found = hasher.done()
  if (found.entries !== manifest.entries || found.digest !== manifest.digest) {
    throw new Error(
      `snapshot ${dir} does not match its manifest (${found.entries} entries, ${manifest.entries} recorded; digest ${found.digest === manifest.digest ? 'equal' : 'differs'})`
    )
  }
  return manifest
}

const stampNow = (): string => new Date().toISOString().replace(/[:.]/g, '-')

/**
 * Offline: puts a verified snapshot in place of the database at `location`. The database there, if
 * any, is moved aside (`<location>.replaced-<time>`), never deleted. Returns where it went.
 */
export async function restoreStore(
  snapshotDir: string,
  location: string
): Promise<{ manifest: SnapshotManifest; keptAt?: string }> {
  const manifest = await verifySnapshot(resolve(snapshotDir))
  let keptAt: string | undefined
  if (
    await stat(location).then(
      () => true,
      () => false
    )
  ) {
    keptAt = `${location}.replaced-${stampNow()}`
    await rename(location, keptAt)
  }
  await cp(resolve(snapshotDir), location, { recursive: true, errorOnExist: true, force: false })
  log.info(
    `restored ${location} from ${snapshotDir} (${manifest.entries} entries of ${manifest.createdAt})${keptAt !== undefined ? `; the previous database is kept at ${keptAt}` : ''}`
  )
  return { manifest, ...(keptAt !== undefined ? { keptAt } : {}) }
}

/**
 * Offline: LevelDB's repair (rebuilds the MANIFEST from the tables and logs it can read) on the
 * database at `location`, after copying the damaged files to `<location>.damaged-<time>`.
 */
export async function repairStore(
  location: string
): Promise<{ keptAt: string; entries: number; problemsBefore: string[] }> {
  const problemsBefore = inspectStore(location).problems
  const keptAt = `${location}.damaged-${stampNow()}`
  await cp(location, keptAt, { recursive: true, errorOnExist: true, force: false })
  await ClassicLevel.repair(location)
  const db: RawDb = new ClassicLevel(location, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open({ createIfMissing: false })
  let entries = 0
  try {
    for await (const _ of db.keys()) entries++
  } finally {
    await db.close()
  }
  log.info(`repaired ${location}: ${entries} entries readable; the damaged files are kept at ${keptAt}`)
  return { keptAt, entries, problemsBefore }
}

/** Default directory for a snapshot of the database at `location`. */
export function defaultSnapshotDir(location: string): string {
  return join(dirname(location), 'backups', `${basename(location)}-${stampNow()}`)
}
