// Public face of the quorum data side (DESIGN.md, Validation in quorums): signed templates and
// attestations, deterministic committees, tallies and local reputation. Relays produce, all verify.
export * from './constants'
export {
  type Attestation,
  type AttestationBody,
  type AttestationCheck,
  type SubjectKind,
  type Claim,
  type TemplateClaim,
  type BlockClaim,
  signAttestation,
  verifyAttestation,
  encodeAttestation,
  decodeAttestation
} from './attestation'
export { encodeAttestationBatch, decodeAttestationBatch, MAX_ATTESTATION_BATCH_BYTES } from './batch'
export { selectCommittee } from './committee'
export { Reputation } from './reputation'
export { Tally } from './tally'
export {
  type SignedTemplate,
  type SignedTemplateCheck,
  signTemplate,
  verifySignedTemplate,
  encodeSignedTemplate,
  decodeSignedTemplate,
  MAX_SIGNED_TEMPLATE_BYTES
} from './signed-template'
export { peerIdBytesOf, publicKeyBytes, parsePublicKey } from './keys'
export {
  QuorumFollower,
  type QuorumFollowerInit,
  type SubjectStatus,
  type VoteView,
  type Judge,
  type Judgement,
  type AttestationOutcome,
  MAX_FOLLOWED_SUBJECTS,
  MAX_CONFIRMED_RESULTS,
  MAX_VOTES_PER_SUBJECT
} from './follower'
export { checkSignedTemplateMessage, checkAttestationMessage, type SignedTemplateMessage, type AttestationMessage } from './gossip-checks'
