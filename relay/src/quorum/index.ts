// A relay's quorum duties: signed template announcements, committee checks in proposal mode, attestations.
export { QuorumDuties, type QuorumDutiesInit, type QuorumTransport, MAX_CONCURRENT_CHECKS } from './duties'
export { encodeFullTemplate, decodeFullTemplate, proposalBlock, MAX_FULL_TEMPLATE_BYTES } from './full-template'
