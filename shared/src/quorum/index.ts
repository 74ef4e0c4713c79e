// Public face of the quorum data side (sharechain/README.md, Quorums): signed templates and
// attestations, relay weights from the share chain's window, committees drawn by weight, tallies,
// local reputation and the trust vocabulary. Relays produce, all verify.
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
export { selectCommittee, committeeSeed, log2Fixed, COMMITTEE_DOMAIN, LOG2_FRACTION_BITS } from './committee'
export { Reputation } from './reputation'
export { tallyVotes, type TallyVote, type TallyResult } from './tally'
export { relayKeyOf, relayKeyHex, relayBindingTag, boundRelayKey, RELAY_KEY_BYTES } from './binding'
export { type RelayWeights, RelayWeightBook, windowRelayWeights, fixedRelayWeights, NO_WEIGHTS } from './weights'
export { type TrustLevel, type TrustState, trustWords, peerIdText } from './trust'
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
  type CommitteeMember,
  type DecisionListener,
  type VoteView,
  type Judge,
  type Judgement,
  type AttestationOutcome,
  MAX_FOLLOWED_SUBJECTS,
  MAX_CONFIRMED_RESULTS,
  MAX_VOTES_PER_SUBJECT
} from './follower'
export {
  checkSignedTemplateMessage,
  checkAttestationMessage,
  type SignedTemplateMessage,
  type AttestationMessage
} from './gossip-checks'
