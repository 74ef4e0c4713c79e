// A template announcement signed with the publishing relay's libp2p key (docs/design.md, Work and shares
// step 2). Encoding: u8 version | varBytes announcement | varBytes public key | varBytes signature.
// Signed message: TEMPLATE_SIGNATURE_DOMAIN || template id.
import type { PrivateKey } from '@libp2p/interface'
import { ByteReader, ByteWriter, DecodeError, concatBytes } from '../primitives/bytes'
import {
  MAX_TEMPLATE_ANNOUNCEMENT_BYTES,
  decodeTemplateAnnouncement,
  type TemplateAnnouncement
} from '../sharechain/template'
import { sha256d } from '../primitives/hash'
import { MAX_PUBLIC_KEY_BYTES, MAX_SIGNATURE_BYTES, QUORUM_CODEC_VERSION, TEMPLATE_SIGNATURE_DOMAIN } from './constants'
import { parsePublicKey, peerIdBytesOf, publicKeyBytes, verifySignature } from './keys'
import { encodeTemplateAnnouncement } from '../sharechain/template'

export interface SignedTemplate {
  /** Canonical announcement bytes (their sha256d is the template id). */
  announcement: Uint8Array
  publicKey: Uint8Array
  signature: Uint8Array
}

export const MAX_SIGNED_TEMPLATE_BYTES =
  1 + 3 + MAX_TEMPLATE_ANNOUNCEMENT_BYTES + 1 + MAX_PUBLIC_KEY_BYTES + 1 + MAX_SIGNATURE_BYTES

export async function signTemplate(t: TemplateAnnouncement, key: PrivateKey): Promise<SignedTemplate> {
  const announcement = encodeTemplateAnnouncement(t)
  const signature = new Uint8Array(await key.sign(concatBytes(TEMPLATE_SIGNATURE_DOMAIN, sha256d(announcement))))
  return { announcement, publicKey: publicKeyBytes(key.publicKey), signature }
}

export type SignedTemplateCheck =
  | { ok: true; template: TemplateAnnouncement; templateId: Uint8Array; publisherId: Uint8Array }
  | { ok: false; reason: 'decode' | 'network' | 'key' | 'signature' }

export async function verifySignedTemplate(s: SignedTemplate, networkTag: Uint8Array): Promise<SignedTemplateCheck> {
  let template: TemplateAnnouncement
  try {
    template = decodeTemplateAnnouncement(s.announcement)
  } catch {
    return { ok: false, reason: 'decode' }
  }
  if (!template.networkTag.every((b, i) => b === networkTag[i])) return { ok: false, reason: 'network' }
  const key = parsePublicKey(s.publicKey)
  if (!key) return { ok: false, reason: 'key' }
  const templateId = sha256d(s.announcement)
  if (!(await verifySignature(key, concatBytes(TEMPLATE_SIGNATURE_DOMAIN, templateId), s.signature)))
    return { ok: false, reason: 'signature' }
  return { ok: true, template, templateId, publisherId: peerIdBytesOf(key) }
}

export function encodeSignedTemplate(s: SignedTemplate): Uint8Array {
  return new ByteWriter(s.announcement.length + 160)
    .u8(QUORUM_CODEC_VERSION)
    .varBytes(s.announcement)
    .varBytes(s.publicKey)
    .varBytes(s.signature)
    .finish()
}

export function decodeSignedTemplate(b: Uint8Array): SignedTemplate {
  if (b.length > MAX_SIGNED_TEMPLATE_BYTES)
    throw new DecodeError('size', `signed template is ${b.length} bytes, limit ${MAX_SIGNED_TEMPLATE_BYTES}`)
  const r = new ByteReader(b)
  const version = r.u8()
  if (version !== QUORUM_CODEC_VERSION) throw new DecodeError('version', `unknown signed template version ${version}`)
  const s = {
    announcement: r.varBytes(MAX_TEMPLATE_ANNOUNCEMENT_BYTES),
    publicKey: r.varBytes(MAX_PUBLIC_KEY_BYTES),
    signature: r.varBytes(MAX_SIGNATURE_BYTES)
  }
  r.expectEnd()
  return s
}
