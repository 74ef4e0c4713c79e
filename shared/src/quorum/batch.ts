// A batch of attestations in one gossip message: u8 version | varint count (<= 128) | attestations.
import { ByteReader, ByteWriter, DecodeError } from '../primitives/bytes'
import { readAttestation, writeAttestation, type Attestation } from './attestation'
import { MAX_ATTESTATIONS_PER_BATCH, MAX_ATTESTATION_BYTES, QUORUM_CODEC_VERSION } from './constants'

export const MAX_ATTESTATION_BATCH_BYTES = 1 + 1 + MAX_ATTESTATIONS_PER_BATCH * MAX_ATTESTATION_BYTES

export function encodeAttestationBatch(items: Attestation[]): Uint8Array {
  if (items.length > MAX_ATTESTATIONS_PER_BATCH)
    throw new RangeError(`batch of ${items.length}, limit ${MAX_ATTESTATIONS_PER_BATCH}`)
  const w = new ByteWriter(items.length * 180 + 2)
  w.u8(QUORUM_CODEC_VERSION).varint(items.length)
  for (const a of items) writeAttestation(w, a)
  return w.finish()
}

export function decodeAttestationBatch(b: Uint8Array): Attestation[] {
  if (b.length > MAX_ATTESTATION_BATCH_BYTES)
    throw new DecodeError('size', `batch is ${b.length} bytes, limit ${MAX_ATTESTATION_BATCH_BYTES}`)
  const r = new ByteReader(b)
  const version = r.u8()
  if (version !== QUORUM_CODEC_VERSION) throw new DecodeError('version', `unknown batch version ${version}`)
  const count = r.varint(MAX_ATTESTATIONS_PER_BATCH)
  const out: Attestation[] = []
  for (let i = 0; i < count; i++) out.push(readAttestation(r))
  r.expectEnd()
  return out
}
