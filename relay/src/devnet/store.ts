import { mkdir, open, readFile, truncate } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createLogger } from '@otedama/shared/log'
import { DEVNET_MAX_COINBASE_BYTES } from '@otedama/shared/chain'
import { concatBytes, equalBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { HEADER_BYTES } from '@otedama/shared/primitives'

const log = createLogger('devnet-store')

/** An accepted devnet block as stored: its header and coinbase (legacy serialization). */
export interface StoredDevnetBlock {
  header80: Uint8Array
  coinbaseLegacy: Uint8Array
}

/**
 * Where accepted devnet blocks are kept so a restart resumes the chain. `loadDevnetBlocks` yields
 * parents before children (DevnetChain re-validates each on load). LevelRelayStore implements it too.
 */
export interface DevnetBlockStore {
  loadDevnetBlocks: () => Promise<StoredDevnetBlock[]>
  putDevnetBlock: (height: number, hashHex: string, header80: Uint8Array, coinbaseLegacy: Uint8Array) => Promise<void>
}

/** Keeps blocks in memory only (tests, throwaway relays). */
export class MemoryDevnetBlockStore implements DevnetBlockStore {
  private readonly blocks: StoredDevnetBlock[] = []

  async loadDevnetBlocks(): Promise<StoredDevnetBlock[]> {
    return [...this.blocks]
  }

  async putDevnetBlock(
    _height: number,
    _hashHex: string,
    header80: Uint8Array,
    coinbaseLegacy: Uint8Array
  ): Promise<void> {
    this.blocks.push({ header80: header80.slice(), coinbaseLegacy: coinbaseLegacy.slice() })
  }
}

/** Record framing: u32le payload length, payload (header80 ‖ coinbase), first 4 bytes of sha256d(payload). */
const LENGTH_BYTES = 4
const CHECKSUM_BYTES = 4
const MAX_PAYLOAD_BYTES = HEADER_BYTES + DEVNET_MAX_COINBASE_BYTES

/**
 * An append-only file of blocks in acceptance order (parents first, as only accepted blocks are saved).
 * Each append is fsynced (devnet blocks come about once a minute). A torn last record — a crash
 * mid-append — is cut off on load with a warning; everything before it is kept. The whole file is read
 * at start: ~200 B a block, ~100 MB for a year of one-minute blocks.
 */
export class FileDevnetBlockStore implements DevnetBlockStore {
  constructor(readonly path: string) {}

  async loadDevnetBlocks(): Promise<StoredDevnetBlock[]> {
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(await readFile(this.path))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    const blocks: StoredDevnetBlock[] = []
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let at = 0
    while (at < bytes.length) {
      const record = readRecord(bytes, view, at)
      if (record === undefined) break
      blocks.push(record.block)
      at = record.next
    }
    if (at < bytes.length) {
      log.warn(
        `${this.path}: ${bytes.length - at} bytes after block ${blocks.length} are not a whole record (interrupted write?); cutting them off`
      )
      await truncate(this.path, at)
    }
    return blocks
  }

  async putDevnetBlock(
    _height: number,
    _hashHex: string,
    header80: Uint8Array,
    coinbaseLegacy: Uint8Array
  ): Promise<void> {
    const payload = concatBytes(header80, coinbaseLegacy)
    const record = new Uint8Array(LENGTH_BYTES + payload.length + CHECKSUM_BYTES)
    new DataView(record.buffer).setUint32(0, payload.length, true)
    record.set(payload, LENGTH_BYTES)
    record.set(sha256d(payload).subarray(0, CHECKSUM_BYTES), LENGTH_BYTES + payload.length)
    await mkdir(dirname(this.path), { recursive: true })
    const file = await open(this.path, 'a')
    try {
      await file.write(record)
      await file.datasync()
    } finally {
      await file.close()
    }
  }
}

function readRecord(
  bytes: Uint8Array,
  view: DataView,
  at: number
): { block: StoredDevnetBlock; next: number } | undefined {
  if (bytes.length - at < LENGTH_BYTES) return undefined
  const length = view.getUint32(at, true)
  const end = at + LENGTH_BYTES + length + CHECKSUM_BYTES
  if (length <= HEADER_BYTES || length > MAX_PAYLOAD_BYTES || end > bytes.length) return undefined
  const payload = bytes.subarray(at + LENGTH_BYTES, at + LENGTH_BYTES + length)
  if (!equalBytes(sha256d(payload).subarray(0, CHECKSUM_BYTES), bytes.subarray(end - CHECKSUM_BYTES, end)))
    return undefined
  return { block: { header80: payload.slice(0, HEADER_BYTES), coinbaseLegacy: payload.slice(HEADER_BYTES) }, next: end }
}
