// What is on disk before LevelDB touches it. LevelDB opened with create-if-missing over a database whose
// CURRENT file is gone starts a new, empty database and then deletes the old tables as obsolete; with a
// garbled write-ahead log it silently drops the damaged records (its paranoid checks are off in
// classic-level). So the relay reads the files itself first: the CURRENT pointer, every record checksum
// of the MANIFEST and of the write-ahead logs, and that every table the MANIFEST lists is there with its
// recorded size. Formats: LevelDB's doc/log_format.md (32 KiB blocks, 7-byte record headers, masked
// CRC-32C) and db/version_edit.cc (tagged varint fields).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { errorMessage } from '@otedama/shared/util'

/** LevelDB log block size (bytes), log_format.h kBlockSize. */
const LOG_BLOCK_BYTES = 32 * 1024
/** Record header: checksum (4) + length (2) + type (1), log_format.h kHeaderSize. */
const LOG_HEADER_BYTES = 7
/** log_format.h record types. */
const RECORD_ZERO = 0
const RECORD_FULL = 1
const RECORD_FIRST = 2
const RECORD_MIDDLE = 3
const RECORD_LAST = 4
/** crc32c.h kMaskDelta: stored checksums are rotated and offset so a CRC of CRCs is not trivially valid. */
const CRC_MASK_DELTA = 0xa282ead8
/** version_edit.cc tags. */
const TAG_COMPARATOR = 1
const TAG_LOG_NUMBER = 2
const TAG_NEXT_FILE_NUMBER = 3
const TAG_LAST_SEQUENCE = 4
const TAG_COMPACT_POINTER = 5
const TAG_DELETED_FILE = 6
const TAG_NEW_FILE = 7
const TAG_PREV_LOG_NUMBER = 9
/** Problems listed at most per file (a wholly garbled file would otherwise list thousands). */
const MAX_PROBLEMS_PER_FILE = 5

/** Files LevelDB writes; any of them means a database is there (and must not be created over). */
const LEVELDB_FILE = /^(CURRENT|LOCK|LOG|LOG\.old|MANIFEST-\d+|\d+\.(log|ldb|sst))$/

export type StoreState = 'absent' | 'present'

export interface StoreInspection {
  state: StoreState
  /** Damage found, each naming the file and what is wrong; empty when the files are sound. */
  problems: string[]
  /** Records LevelDB would drop without error because a crash cut them short (end of the newest log). */
  tornTail?: string
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1 // Castagnoli, reflected
    table[i] = c >>> 0
  }
  return table
})()

export function crc32c(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

function unmask(masked: number): number {
  const rot = (masked - CRC_MASK_DELTA) >>> 0
  return ((rot >>> 17) | (rot << 15)) >>> 0
}

interface LogScan {
  records: Uint8Array[]
  problems: string[]
  tornTail?: string
}

/** Reads a LevelDB log file (write-ahead log or MANIFEST) record by record, checking every checksum. */
export function scanLogFile(bytes: Uint8Array, name: string): LogScan {
  const records: Uint8Array[] = []
  const problems: string[] = []
  let pending: Uint8Array[] | undefined
  let offset = 0
  while (offset < bytes.length && problems.length < MAX_PROBLEMS_PER_FILE) {
    const leftInBlock = LOG_BLOCK_BYTES - (offset % LOG_BLOCK_BYTES)
    if (leftInBlock < LOG_HEADER_BYTES) {
      offset += leftInBlock
      continue
    } // block trailer (zeros)
    if (bytes.length - offset < LOG_HEADER_BYTES)
      return {
        records,
        problems,
        tornTail: `${name}: ${bytes.length - offset} bytes of a record header cut off at the end`
      }
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, LOG_HEADER_BYTES)
    const stored = view.getUint32(0, true)
    const length = view.getUint16(4, true)
    const type = view.getUint8(6)
    if (type === RECORD_ZERO && length === 0 && stored === 0) {
      offset += LOG_HEADER_BYTES
      continue
    } // preallocated zeros
    const end = offset + LOG_HEADER_BYTES + length
    if (LOG_HEADER_BYTES + length > leftInBlock) {
      problems.push(`${name}: record at byte ${offset} claims ${length} bytes, past its 32 KiB block`)
      offset += leftInBlock
      continue
    }
    if (end > bytes.length)
      return { records, problems, tornTail: `${name}: last record (byte ${offset}) cut off at the end` }
    const typed = bytes.subarray(offset + 6, end) // the checksum covers the type byte and the data
    if (crc32c(typed) !== unmask(stored) || type > RECORD_LAST) {
      problems.push(`${name}: record at byte ${offset} (${length} bytes) fails its checksum`)
      pending = undefined
      offset = end
      continue
    }
    const data = bytes.subarray(offset + LOG_HEADER_BYTES, end)
    if (type === RECORD_FULL) records.push(data)
    else if (type === RECORD_FIRST) pending = [data]
    else if (pending !== undefined) {
      pending.push(data)
      if (type === RECORD_LAST) {
        records.push(concat(pending))
        pending = undefined
      }
    } else if (type === RECORD_MIDDLE || type === RECORD_LAST)
      problems.push(`${name}: record at byte ${offset} continues a record that is missing`)
    offset = end
  }
  return { records, problems }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Live table files (number -> size) after replaying the MANIFEST's version edits. */
export function liveTables(manifestRecords: Uint8Array[]): Map<number, number> {
  const live = new Map<number, number>()
  for (const edit of manifestRecords) {
    let at = 0
    const varint = (): number => {
      let value = 0
      let scale = 1
      for (;;) {
        if (at >= edit.length) throw new RangeError('version edit ends inside a number')
        const b = edit[at++]
        value += (b & 0x7f) * scale
        if ((b & 0x80) === 0) return value
        scale *= 128
      }
    }
    const skipBytes = (): void => {
      const length = varint()
      at += length
    }
    while (at < edit.length) {
      const tag = varint()
      switch (tag) {
        case TAG_COMPARATOR:
          skipBytes()
          break
        case TAG_LOG_NUMBER:
        case TAG_NEXT_FILE_NUMBER:
        case TAG_LAST_SEQUENCE:
        case TAG_PREV_LOG_NUMBER:
          varint()
          break
        case TAG_COMPACT_POINTER:
          varint()
          skipBytes()
          break
        case TAG_DELETED_FILE:
          varint()
          live.delete(varint())
          break
        case TAG_NEW_FILE: {
          varint() // level
          const number = varint()
          const size = varint()
          skipBytes()
          skipBytes() // smallest, largest keys
          live.set(number, size)
          break
        }
        default:
          throw new RangeError(`unknown version edit tag ${tag}`)
      }
    }
  }
  return live
}

/** Looks at a database directory without opening it; never writes. */
export function inspectStore(location: string): StoreInspection {
  if (!existsSync(location)) return { state: 'absent', problems: [] }
  const names = readdirSync(location)
  const ours = names.filter((n) => LEVELDB_FILE.test(n))
  if (ours.length === 0) return { state: 'absent', problems: [] }
  const problems: string[] = []
  const fail = (problem: string): StoreInspection => ({ state: 'present', problems: [...problems, problem] })
  if (!names.includes('CURRENT')) {
    const manifests = names.filter((n) => n.startsWith('MANIFEST-'))
    return fail(
      `CURRENT is missing (LevelDB's pointer to its MANIFEST${manifests.length > 0 ? `, here ${manifests.join(', ')}` : ''}); opening would start an empty database and delete the tables`
    )
  }
  const current = readFileSync(join(location, 'CURRENT'), 'utf8')
  const manifestName = current.trim()
  if (!/^MANIFEST-\d+$/.test(manifestName) || !current.endsWith('\n'))
    return fail(`CURRENT does not name a MANIFEST (holds ${JSON.stringify(current.slice(0, 40))})`)
  if (!names.includes(manifestName)) return fail(`CURRENT names ${manifestName}, which is missing`)
  const manifest = scanLogFile(readFileSync(join(location, manifestName)), manifestName)
  problems.push(...manifest.problems)
  if (manifest.tornTail !== undefined)
    problems.push(`${manifest.tornTail} (the MANIFEST is written before it is used: it must be whole)`)
  let tables = new Map<number, number>()
  try {
    tables = liveTables(manifest.records)
  } catch (err) {
    problems.push(`${manifestName}: ${errorMessage(err)}`)
  }
  for (const [number, size] of tables) {
    const base = String(number).padStart(6, '0')
    const file = [`${base}.ldb`, `${base}.sst`].find((n) => names.includes(n))
    if (file === undefined) problems.push(`table ${base}.ldb (${size} bytes, listed in ${manifestName}) is missing`)
    else {
      const actual = statSync(join(location, file)).size
      if (actual !== size) problems.push(`table ${file} has ${actual} bytes, ${manifestName} recorded ${size}`)
    }
  }
  const logs = names.filter((n) => /^\d+\.log$/.test(n)).sort()
  let tornTail: string | undefined
  for (const [i, name] of logs.entries()) {
    const scan = scanLogFile(readFileSync(join(location, name)), name)
    problems.push(...scan.problems)
    // A cut-off last record of the newest log is a crash mid-write (never acknowledged as durable);
    // anywhere else it is damage.
    if (scan.tornTail !== undefined) {
      if (i === logs.length - 1) tornTail = scan.tornTail
      else problems.push(scan.tornTail)
    }
  }
  return { state: 'present', problems, ...(tornTail !== undefined ? { tornTail } : {}) }
}
