// Every limit and default of the rig, with its unit. The rig speaks Stratum v1 the way cpuminer does;
// where a value copies cpuminer's, the comment says so.

// --- connection ------------------------------------------------------------------------------------
/** Longest line accepted from the pool (bytes, newline excluded). A notify with a 16-output PPLNS
 *  coinbase and a 12-step merkle branch is ~2 KiB; 1 MiB bounds memory while leaving room for odd pools. */
export const MAX_POOL_LINE_BYTES = 1024 * 1024
/** Time for the TCP connect, and then for each handshake reply (subscribe, authorize), ms. */
export const CONNECT_TIMEOUT_MS = 10_000
export const HANDSHAKE_REPLY_TIMEOUT_MS = 30_000
/** Reconnect backoff after a drop or a failed connect: first wait, doubling up to the cap (ms). */
export const RECONNECT_FIRST_DELAY_MS = 1_000
export const RECONNECT_MAX_DELAY_MS = 60_000
/** TCP keepalive probes start after this much silence (ms): a pool host gone without a FIN is dropped
 *  (and the next pool taken) within about this plus the OS's probe count × interval. */
export const SOCKET_KEEPALIVE_MS = 15_000
/** Longest `client.reconnect` wait we honour (s); larger values are cut to it. */
export const MAX_RECONNECT_WAIT_SECONDS = 600
/** Submits awaiting a reply at once before the oldest is counted lost (a pool that never answers). */
export const MAX_PENDING_SUBMITS = 65_536
/** Extranonce2 sizes we can roll (bytes): at least 2 (cgminer's floor), at most 16. */
export const MIN_EXTRANONCE2_BYTES = 2
export const MAX_EXTRANONCE2_BYTES = 16

// --- hashing ---------------------------------------------------------------------------------------
/** Wanted duration of one kernel call in a worker (ms): a clean job reaches every thread within it. */
export const SCAN_CHUNK_TARGET_MS = 10
/** Nonces in a worker's first chunk, before its speed is known (a multiple of every kernel's lanes). */
export const FIRST_CHUNK_NONCES = 1024
/** Every chunk is a multiple of this many nonces (divisible by the kernels' lane counts, 1 or 4). */
export const CHUNK_ALIGN_NONCES = 64
/** Largest chunk (nonces): ~0.3 s at 13 MH/s, caps a wrong speed estimate. */
export const MAX_CHUNK_NONCES = 1 << 22
/**
 * With --duty below 1, a thread hashes until it owes at least this much rest, then rests it (ms; a new job
 * still wakes it at once). Short alternations cost speed: on this machine kind a thread that rested 8 ms
 * after every 8 ms of hashing hashed at 53 % of its full speed while hashing; in 250 ms pieces at 100 %.
 */
export const MIN_DUTY_REST_MS = 250
/** How often a worker reports its hash count (ms). */
export const PROGRESS_INTERVAL_MS = 250
/** cpuminer's default --scantime (s): a job sent without clean_jobs is taken up after the next find or
 *  after this long, whichever comes first; clean_jobs switches at once. */
export const DEFAULT_SCANTIME_SECONDS = 5

// --- reporting -------------------------------------------------------------------------------------
/** One summary line per this long (ms). */
export const SUMMARY_INTERVAL_MS = 1_000
/** User agent sent in mining.subscribe and answered to client.get_version. */
export const RIG_USER_AGENT = 'otedama-rig/0.1.0'
