// Small utilities every part uses, written once: a bounded map, a listener set that survives a throwing
// listener, the message of an unknown thrown value, and the token bucket behind every rate limit.
export { BoundedMap } from './bounded-map'
export { ListenerSet, errorMessage, errorStack } from './listener-set'
export { TokenBucket } from './token-bucket'
