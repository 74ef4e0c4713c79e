// Signed attestations (docs/design.md, Validation in quorums): a relay states a fact about a template
// (valid / invalid in its daemon's proposal mode) or a block (accepted / orphaned / confirmed).
// Encoding: u8 version | network tag 8 | u8 subject kind | u8 claim | subject id 32 | u32 time
//           | varBytes public key (protobuf) | varBytes signature
// Signed message: ATTESTATION_DOMAIN || every byte of the encoding before the signature.
import type { PrivateKey } from '@libp2p/interface'
import { ByteReader, ByteWriter, DecodeError, concatBytes } from '../primitives/bytes'
import { HASH_BYTES, NETWORK_TAG_BYTES } from '../sharechain/constants'
import {
  ATTESTATION_DOMAIN,
  MAX_ATTESTATION_BYTES,
  MAX_PUBLIC_KEY_BYTES,
  MAX_SIGNATURE_BYTES,
  QUORUM_CODEC_VERSION
} from './constants'
import { parsePublicKey, peerIdBytesOf, publicKeyBytes, verifySignature } from './keys'

export type SubjectKind = 'template' | 'block'
export type TemplateClaim = 'valid' | 'invalid'
export type BlockClaim = 'accepted' | 'orphaned' | 'confirmed'
export type Claim = TemplateClaim | BlockClaim

const SUBJECT_CODES: Record<SubjectKind, number> = { template: 1, block: 2 }
const CLAIM_CODES: Record<Claim, number> = { valid: 1, invalid: 2, accepted: 3, orphaned: 4, confirmed: 5 }
const CLAIMS_OF: Record<SubjectKind, readonly Claim[]> = {
  template: ['valid', 'invalid'],
  block: ['accepted', 'orphaned', 'confirmed']
}

export interface AttestationBody {
  networkTag: Uint8Array
  subjectKind: SubjectKind
  claim: Claim
  /** Template id or block hash (internal byte order). */
  subjectId: Uint8Array
  /** Unix seconds when attested (later attestations of the same attester supersede earlier ones). */
  time: number
}

export interface Attestation extends AttestationBody {
  /** Attester's libp2p public key, protobuf bytes. */
  publicKey: Uint8Array
  signature: Uint8Array
}

function writeBody(w: ByteWriter, a: AttestationBody, publicKey: Uint8Array): void {
  if (a.networkTag.length !== NETWORK_TAG_BYTES) throw new RangeError(`network tag must be ${NETWORK_TAG_BYTES} bytes`)
  if (a.subjectId.length !== HASH_BYTES) throw new RangeError('subject id must be 32 bytes')
  if (!CLAIMS_OF[a.subjectKind]?.includes(a.claim))
    throw new RangeError(`claim ${a.claim} does not apply to a ${a.subjectKind}`)
  if (publicKey.length > MAX_PUBLIC_KEY_BYTES) throw new RangeError(`public key over ${MAX_PUBLIC_KEY_BYTES} bytes`)
  w.u8(QUORUM_CODEC_VERSION).bytes(a.networkTag).u8(SUBJECT_CODES[a.subjectKind]).u8(CLAIM_CODES[a.claim])
  w.bytes(a.subjectId).u32le(a.time).varBytes(publicKey)
}

function signedMessage(a: AttestationBody, publicKey: Uint8Array): Uint8Array {
  const w = new ByteWriter(MAX_ATTESTATION_BYTES)
  writeBody(w, a, publicKey)
  return concatBytes(ATTESTATION_DOMAIN, w.finish())
}

export async function signAttestation(body: AttestationBody, key: PrivateKey): Promise<Attestation> {
  const publicKey = publicKeyBytes(key.publicKey)
  // Copies: libp2p may hand back Buffers or views; keep plain Uint8Arrays (structured-clone safe).
  const signature = new Uint8Array(await key.sign(signedMessage(body, publicKey)))
  return { ...body, publicKey, signature }
}

export type AttestationCheck =
  { ok: true; attesterId: Uint8Array } | { ok: false; reason: 'network' | 'key' | 'signature' }

/** Checks the network and the signature; on success returns the attester's peer id bytes. */
export async function verifyAttestation(a: Attestation, networkTag: Uint8Array): Promise<AttestationCheck> {
  if (a.networkTag.length !== networkTag.length || !a.networkTag.every((b, i) => b === networkTag[i]))
    return { ok: false, reason: 'network' }
  const key = parsePublicKey(a.publicKey)
  if (!key) return { ok: false, reason: 'key' }
  if (!(await verifySignature(key, signedMessage(a, a.publicKey), a.signature)))
    return { ok: false, reason: 'signature' }
  return { ok: true, attesterId: peerIdBytesOf(key) }
}

export function writeAttestation(w: ByteWriter, a: Attestation): void {
  if (a.signature.length > MAX_SIGNATURE_BYTES) throw new RangeError(`signature over ${MAX_SIGNATURE_BYTES} bytes`)
  writeBody(w, a, a.publicKey)
  w.varBytes(a.signature)
}

export function readAttestation(r: ByteReader): Attestation {
  const version = r.u8()
  if (version !== QUORUM_CODEC_VERSION) throw new DecodeError('version', `unknown attestation version ${version}`)
  const networkTag = r.bytes(NETWORK_TAG_BYTES)
  const subjectCode = r.u8()
  const subjectKind = (Object.keys(SUBJECT_CODES) as SubjectKind[]).find((k) => SUBJECT_CODES[k] === subjectCode)
  if (!subjectKind) throw new DecodeError('subject', `unknown subject kind ${subjectCode}`)
  const claimCode = r.u8()
  const claim = CLAIMS_OF[subjectKind].find((c) => CLAIM_CODES[c] === claimCode)
  if (!claim) throw new DecodeError('claim', `claim ${claimCode} does not apply to a ${subjectKind}`)
  return {
    networkTag,
    subjectKind,
    claim,
    subjectId: r.bytes(HASH_BYTES),
    time: r.u32le(),
    publicKey: r.varBytes(MAX_PUBLIC_KEY_BYTES),
    signature: r.varBytes(MAX_SIGNATURE_BYTES)
  }
}

export function encodeAttestation(a: Attestation): Uint8Array {
  const w = new ByteWriter(MAX_ATTESTATION_BYTES)
  writeAttestation(w, a)
  return w.finish()
}

export function decodeAttestation(b: Uint8Array): Attestation {
  if (b.length > MAX_ATTESTATION_BYTES)
    throw new DecodeError('size', `attestation is ${b.length} bytes, limit ${MAX_ATTESTATION_BYTES}`)
  const r = new ByteReader(b)
  const a = readAttestation(r)
  r.expectEnd()
  return a
}
