// Small utilities every part uses, written once: a bounded map, a listener set that survives a throwing
// listener, and the message of an unknown thrown value.
export { BoundedMap } from './bounded-map'
export { ListenerSet, errorMessage } from './listener-set'
