// Every wire limit of the P2P layer in one place (docs/design.md, Bad input). Units are in the names.
// Sizes are sized from the message formats: a share is well under 1 KiB (docs/design.md, Work and shares).

/** Largest gossip message accepted on the share topic: header 80 + ShareInfo + coinbase parts + branch. */
export const MAX_SHARE_MESSAGE_BYTES = 4 * 1024
/** A block message: a share plus the full coinbase; devnet blocks carry no other transactions. */
export const MAX_BLOCK_MESSAGE_BYTES = 16 * 1024
/** One 80-byte block header per message; a little slack for a future version byte. */
export const MAX_HEADER_MESSAGE_BYTES = 128
/** A template announcement: fixed fields plus a coinbase merkle branch of <= 32 hashes. */
export const MAX_TEMPLATE_ANNOUNCEMENT_BYTES = 4 * 1024
/** A batch of attestations (see BATCH_* below). */
export const MAX_ATTEST_BATCH_BYTES = 64 * 1024
/** Gossipsub drops any message whose data is larger than this before decoding (largest topic limit). */
export const MAX_GOSSIP_DATA_BYTES = MAX_ATTEST_BATCH_BYTES
/** One gossipsub RPC frame: several messages plus control; gossipsub's own default is 4 MiB. */
export const MAX_GOSSIP_RPC_BYTES = 1024 * 1024

// --- batching of small messages (attestations) -------------------------------------------------
/** Small messages published within this window go out as one batch: one message id, one validation. */
export const BATCH_WINDOW_MS = 50
/** A batch is flushed early once it holds this many items. */
export const BATCH_MAX_ITEMS = 128
/** ... or this many bytes of items (kept below MAX_ATTEST_BATCH_BYTES with room for framing). */
export const BATCH_MAX_BYTES = 60 * 1024
/** One item inside a batch (a signed attestation is ~200 bytes). */
export const BATCH_MAX_ITEM_BYTES = 2 * 1024

// --- sync protocol (/otedama/<net>/sync/1) ------------------------------------------------------
/** Shares per reply; a joining peer pages through the window (devnet window = 2160 shares). */
export const SYNC_MAX_SHARES_PER_REPLY = 512
/** Ids per by-id request (unknown parents arrive one or a few at a time). */
export const SYNC_MAX_IDS_PER_REQUEST = 256
/** A request frame: kind + tip + count, or kind + count + ids. */
export const SYNC_MAX_REQUEST_BYTES = 16 + SYNC_MAX_IDS_PER_REQUEST * 32
/** A reply frame: at most SYNC_MAX_SHARES_PER_REPLY shares of at most MAX_SHARE_MESSAGE_BYTES. */
export const SYNC_MAX_REPLY_BYTES = 8 + SYNC_MAX_SHARES_PER_REPLY * (MAX_SHARE_MESSAGE_BYTES + 4)
/** Requests a peer may make per second (token bucket refill), and the bucket size (burst). */
export const SYNC_REQUESTS_PER_SECOND = 4
export const SYNC_REQUEST_BURST = 16
/** A sync exchange (request + reply) must finish within this time, else the stream is aborted. */
export const SYNC_TIMEOUT_MS = 10_000
/** Concurrent inbound sync streams per connection. */
export const SYNC_MAX_INBOUND_STREAMS = 4

// --- template fetch (/otedama/<net>/template/1) ------------------------------------------------
/** A full template: a 4 MWU block serializes to at most ~4 MB; add slack for MWEB data. */
export const MAX_TEMPLATE_REPLY_BYTES = 5 * 1024 * 1024
export const TEMPLATE_REQUESTS_PER_SECOND = 2
export const TEMPLATE_REQUEST_BURST = 8
export const TEMPLATE_FETCH_TIMEOUT_MS = 15_000
/** A template reply frame: status + length + the template. */
export const MAX_TEMPLATE_REPLY_FRAME_BYTES = MAX_TEMPLATE_REPLY_BYTES + 16

/** The largest frame any request/response protocol reads; bounds what a frame stream buffers unread. */
export const MAX_FRAME_BYTES = Math.max(SYNC_MAX_REQUEST_BYTES, SYNC_MAX_REPLY_BYTES, MAX_TEMPLATE_REPLY_FRAME_BYTES)

/** Per-topic size limits, checked before any decoding (cheapest check first). */
export const MAX_MESSAGE_BYTES_BY_TOPIC = {
  share: MAX_SHARE_MESSAGE_BYTES,
  block: MAX_BLOCK_MESSAGE_BYTES,
  header: MAX_HEADER_MESSAGE_BYTES,
  template: MAX_TEMPLATE_ANNOUNCEMENT_BYTES,
  attest: MAX_ATTEST_BATCH_BYTES
} as const

// --- per-peer gossip rate (flood-guard.ts) -------------------------------------------------------
/**
 * Gossip messages per second one peer may send, all validated topics together. The whole network makes
 * ~0.1 share/s (devnet share interval 10 s) plus one header per block and batched attestations, so 100/s
 * is ~1000x any honest peer's need, relays forwarding everything included; over it, messages are ignored
 * before validation (no hashing).
 */
export const GOSSIP_MESSAGES_PER_PEER_PER_SECOND = 100
/** Messages one peer may send at once above that rate (token bucket size). */
export const GOSSIP_MESSAGE_BURST_PER_PEER = 200
/**
 * Over-rate messages (decaying) after which a peer is a flooder and is disconnected and banned like a
 * graylisted one: a peer sending 500/s passes it within ~1 s (200 burst + 200 excess at 400/s over).
 */
export const GOSSIP_FLOOD_EXCESS_MESSAGES = 200
/** Half-life of the over-rate count (ms): a short overshoot is forgiven, a sustained flood is not. */
export const GOSSIP_FLOOD_EXCESS_HALF_LIFE_MS = 10_000

// --- direct share push (/otedama/<net>/share-push/1) ---------------------------------------------
/** A push request frame: one encoded share, as on the share topic. */
export const SHARE_PUSH_MAX_REQUEST_BYTES = MAX_SHARE_MESSAGE_BYTES
/** A verdict reply frame: kind byte + reason (cut to fit). */
export const SHARE_PUSH_MAX_REPLY_BYTES = 256
/** Pushes a peer may make per second (token bucket refill), and the bucket size: a tab re-sends a few pending shares at a reconnect. */
export const SHARE_PUSHES_PER_SECOND = 2
export const SHARE_PUSH_BURST = 16
/** A push (request + verdict) must finish within this time, else the stream is aborted. */
export const SHARE_PUSH_TIMEOUT_MS = 10_000
/** Concurrent inbound push streams per connection. */
export const SHARE_PUSH_MAX_INBOUND_STREAMS = 4
