// Small messages (attestations) travel in batches: varint count, then each item as varBytes.
import { ByteReader, ByteWriter, DecodeError } from '../primitives/bytes'
import { BATCH_MAX_ITEM_BYTES, BATCH_MAX_ITEMS } from './limits'

export function encodeBatch(items: readonly Uint8Array[]): Uint8Array {
  if (items.length < 1 || items.length > BATCH_MAX_ITEMS) {
    throw new RangeError(`a batch holds 1..${BATCH_MAX_ITEMS} items, got ${items.length}`)
  }
  const w = new ByteWriter()
  w.varint(items.length)
  for (const item of items) {
    if (item.length > BATCH_MAX_ITEM_BYTES)
      throw new RangeError(`batch item of ${item.length} bytes above ${BATCH_MAX_ITEM_BYTES}`)
    w.varBytes(item)
  }
  return w.finish()
}

export function decodeBatch(bytes: Uint8Array): Uint8Array[] {
  const r = new ByteReader(bytes)
  const n = r.varint(BATCH_MAX_ITEMS)
  if (n < 1) throw new DecodeError('batch-empty', 'empty batch')
  const items: Uint8Array[] = []
  for (let i = 0; i < n; i++) items.push(r.varBytes(BATCH_MAX_ITEM_BYTES))
  r.expectEnd()
  return items
}
