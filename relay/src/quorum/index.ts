// A relay's quorum part: duties (signed template announcements, committee checks in proposal mode,
// attestations) and following (roster of relays, tallies, local reputation).
export { QuorumDuties, type QuorumDutiesInit, type QuorumDutiesObserver, type QuorumTransport, MAX_CONCURRENT_CHECKS } from './duties'
export { encodeFullTemplate, decodeFullTemplate, proposalBlock, MAX_FULL_TEMPLATE_BYTES } from './full-template'
export { RelayQuorum, type RelayQuorumInit, blockJudge, ourBlockClaim } from './follow'
export { RelayRoster, MAX_ROSTER_RELAYS, ROSTER_TTL_MS } from './roster'
