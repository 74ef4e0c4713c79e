// Every fixed limit and protocol constant of the Stratum server, with units. Operator-tunable values
// (bind address, difficulty floor/ceiling, per-IP caps...) live in params.ts with these as defaults.
// Sources: docs/field-notes.md (Stratum) (ckpool, public-pool, ESP-Miner, NerdMiner, cgminer, bfgminer).

// --- lines and messages ----------------------------------------------------------------------------
/**
 * Longest line a client may send, newline excluded (bytes). ckpool drops lines over 1024 bytes; the
 * longest legitimate line we know (authorize with a 90-char bech32m address + worker + password, or a
 * subscribe with a long user agent) is ~300 bytes. 4 KiB leaves room for odd firmware while bounding
 * per-connection buffering to 4 KiB (20 MiB at 5 000 rigs).
 */
export const MAX_LINE_BYTES = 4096
/** Longest JSON-RPC method name we look at (characters); longer is invalid. */
export const MAX_METHOD_CHARS = 64
/** Longest string id (characters); bfgminer's longest is "xnsub". */
export const MAX_STRING_ID_CHARS = 64
/** Longest user agent kept for display (characters; longer is truncated, not refused). */
export const MAX_USER_AGENT_CHARS = 128
/** Longest worker name kept (characters, after the '.'); longer is refused at authorize. */
export const MAX_WORKER_NAME_CHARS = 64
/** Workers one connection may authorize (cgminer can authorize several users on one pool). */
export const MAX_AUTHORIZED_WORKERS_PER_CONNECTION = 8

/** Token bucket on lines per connection: sustained rate (lines/s) and burst (lines). */
export const MESSAGE_RATE_PER_SECOND = 100
export const MESSAGE_BURST = 500

// --- misbehaviour, drops and bans ------------------------------------------------------------------
/** Invalid lines (bad JSON, bad JSON-RPC shape, wrong param types) a connection may send before it is dropped. */
export const MAX_INVALID_MESSAGES_PER_CONNECTION = 5
/**
 * Consecutive rejected submits (any reason but a stale job) before the connection is dropped. A rig
 * with a broken hasher or a wrong difficulty produces these in a row; an honest rig's occasional
 * rejects are reset by its next accepted share.
 */
export const MAX_CONSECUTIVE_BAD_SUBMITS = 50
/** Drops for misbehaviour from one IP within STRIKE_WINDOW_MS before the IP is banned. */
export const STRIKES_BEFORE_BAN = 3
export const STRIKE_WINDOW_MS = 10 * 60_000 // 10 min
/** How long a ban lasts (ms). */
export const BAN_DURATION_MS = 30 * 60_000 // 30 min
/** Most IPs tracked for strikes at once (oldest forgotten first). */
export const MAX_TRACKED_STRIKE_IPS = 65_536

// --- connection lifetime ---------------------------------------------------------------------------
/** Time from accept until the connection must be subscribed and authorized (ms). */
export const IDLE_BEFORE_AUTHORIZE_MS = 15_000
/** An authorized connection that sends nothing for this long is dropped (ms). Vardiff aims at a line every ~10 s. */
export const IDLE_AFTER_AUTHORIZE_MS = 10 * 60_000 // 10 min
/**
 * Bytes queued for a client in user space before it counts as a slow reader and is dropped. A notify
 * is ~0.5–3 KiB; 256 KiB is ~100 notifies the client has not read (on top of what the kernel buffers).
 */
export const WRITE_BUFFER_HIGH_WATER_BYTES = 256 * 1024
/** Graceful drain: wait this long after client.reconnect before closing what is left (ms). */
export const DRAIN_TIMEOUT_MS = 5_000
/** The wait (s) put in client.reconnect so rigs do not all reconnect in the same instant. */
export const RECONNECT_WAIT_SECONDS = 0

// --- subscriptions and extranonce ------------------------------------------------------------------
/** A closed session's extranonce1 can be resumed by `mining.subscribe [ua, sessionId]` for this long (ms). */
export const SESSION_RESUME_WINDOW_MS = 10 * 60_000 // 10 min
/** Most resumable sessions remembered (oldest forgotten first). */
export const MAX_RESUMABLE_SESSIONS = 65_536

// --- BIP310 version rolling ------------------------------------------------------------------------
/** Version bits a rig may roll (BIP320 general-purpose bits 13..28). */
export const SERVER_VERSION_ROLLING_MASK = 0x1fffe000

// --- jobs ------------------------------------------------------------------------------------------
/** At least one notify every this long (ms), even with no new template or share-chain tip (NerdMiner reconnects after 10 min without one). */
export const JOB_REFRESH_INTERVAL_MS = 30_000
/**
 * A job on the previous share-chain tip (same block) stays valid this long after the new tip's notify
 * (ms): submits racing the notify are accepted as pseudo-shares; shares found on it are counted stale.
 */
export const SHARE_TIP_GRACE_MS = 5_000
/** A job superseded by a refresh or a new template on the same tip stays valid this long (ms). */
export const SAME_TIP_JOB_EXPIRY_MS = 120_000
/** Jobs remembered per connection (oldest forgotten first); covers several minutes of notifies. */
export const MAX_JOBS_PER_CONNECTION = 16
/** Our own requests to a rig (client.get_version, mining.ping) awaiting an answer (oldest forgotten first). */
export const MAX_PENDING_SERVER_REQUESTS = 16
/** Distinct accepted submits remembered per job for duplicate detection (oldest forgotten first). */
export const MAX_SUBMITS_TRACKED_PER_JOB = 4096

// --- ntime -----------------------------------------------------------------------------------------
/**
 * How far a submitted ntime may run ahead of max(job ntime, local clock) (s). Bitcoin refuses blocks
 * more than 2 h ahead; ckpool allows a job's ntime + 7000 s. We keep below the 2 h rule.
 */
export const NTIME_MAX_AHEAD_SECONDS = 7_000

// --- vardiff ---------------------------------------------------------------------------------------
/**
 * Vardiff aims at one pseudo-share per this many seconds per connection: 0.2 submits/s, and the rig's
 * own share target (its difficulty x OWN_SHARE_RATIO) at two shares per 10 s share interval.
 */
export const VARDIFF_TARGET_SHARE_SECONDS = 5
/** Retarget at once when this many shares arrived faster than half the target rate. */
export const VARDIFF_FAST_RETARGET_SHARES = 16
/** Otherwise re-evaluate every this long (ms). */
export const VARDIFF_RETARGET_INTERVAL_MS = 60_000
/** Leave the difficulty alone while the observed rate is within this factor of the target. */
export const VARDIFF_TOLERANCE_FACTOR = 2
/** Largest change per retarget: up by this factor... */
export const VARDIFF_MAX_STEP_UP = 256
/** ...and down by this factor (also the step when no share came in a whole interval). */
export const VARDIFF_MAX_STEP_DOWN = 8
/** How often the server walks its sessions for timed vardiff and idle checks (ms). */
export const SESSION_TICK_MS = 1_000

// --- hashrate estimate -----------------------------------------------------------------------------
/** Time constant of the per-rig exponentially decayed hashrate estimate (ms). */
export const HASHRATE_DECAY_MS = 5 * 60_000 // 5 min

// --- Stratum error codes (ckpool / slush convention; sent as [code, message, null]) ----------------
export const ERROR_OTHER = 20
export const ERROR_JOB_NOT_FOUND = 21
export const ERROR_DUPLICATE_SHARE = 22
export const ERROR_LOW_DIFFICULTY = 23
export const ERROR_UNAUTHORIZED = 24
export const ERROR_NOT_SUBSCRIBED = 25
