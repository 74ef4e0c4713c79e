// Length-prefixed frames for our request/response protocols, over any libp2p 3 message stream (typed
// structurally here so shared/ needs no libp2p import). A frame = u32 big-endian length + payload.
// One request frame and one reply frame per stream; the reader refuses frames above the caller's bound
// before buffering them.
import type { AbortSignalLike } from './runtime'

/** The part of a libp2p 3 `Stream` we use. Chunks are Uint8Array or Uint8ArrayList (has `subarray()`). */
export interface FrameStream extends AsyncIterable<Uint8Array | { subarray(): Uint8Array }> {
  send(data: Uint8Array): boolean
  onDrain(options?: { signal?: AbortSignalLike }): Promise<void>
  close(options?: { signal?: AbortSignalLike }): Promise<void>
  abort(err: Error): void
}

const LENGTH_PREFIX_BYTES = 4

export class FrameError extends Error {
  constructor(
    readonly code: 'too-large' | 'truncated',
    message: string
  ) {
    super(message)
    this.name = 'FrameError'
  }
}

export async function writeFrame(stream: FrameStream, payload: Uint8Array, signal?: AbortSignalLike): Promise<void> {
  const frame = new Uint8Array(LENGTH_PREFIX_BYTES + payload.length)
  new DataView(frame.buffer).setUint32(0, payload.length, false)
  frame.set(payload, LENGTH_PREFIX_BYTES)
  if (!stream.send(frame)) await stream.onDrain({ signal })
}

/** Reads exactly one frame of at most `maxBytes` payload bytes. */
export async function readFrame(stream: FrameStream, maxBytes: number): Promise<Uint8Array> {
  let buffered: Uint8Array = new Uint8Array(0)
  let expected = -1
  for await (const chunk of stream) {
    const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray()
    buffered = append(buffered, bytes)
    if (expected < 0 && buffered.length >= LENGTH_PREFIX_BYTES) {
      expected = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0, false)
      if (expected > maxBytes) throw new FrameError('too-large', `frame of ${expected} bytes above the ${maxBytes}-byte limit`)
    }
    if (expected >= 0 && buffered.length >= LENGTH_PREFIX_BYTES + expected) {
      return buffered.slice(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + expected)
    }
    if (buffered.length > LENGTH_PREFIX_BYTES + maxBytes) throw new FrameError('too-large', 'frame exceeds limit')
  }
  throw new FrameError('truncated', 'stream ended before a whole frame arrived')
}

function append(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
