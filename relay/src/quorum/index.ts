// A relay's quorum part: duties (signed template announcements, committee checks in proposal mode,
// attestations) and following (weights from the share chain, roster of relays kept by weight, tallies,
// local reputation).
export {
  QuorumDuties,
  type QuorumDutiesInit,
  type QuorumDutiesObserver,
  type QuorumTransport,
  MAX_CONCURRENT_CHECKS
} from './duties'
export { encodeFullTemplate, decodeFullTemplate, proposalBlock, MAX_FULL_TEMPLATE_BYTES } from './full-template'
export { RelayQuorum, type RelayQuorumInit, blockJudge, ourBlockClaim } from './follow'
export { RelayRoster, MAX_ROSTER_RELAYS, MAX_PENDING_RELAYS } from './roster'
