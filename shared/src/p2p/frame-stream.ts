// Length-prefixed frames for our request/response protocols (sync, devnet blocks, template), over a libp2p 3
// message stream, built on @libp2p/utils' `lpStream`. The wire format is ours, not lpStream's default
// varint: a frame = u32 big-endian length + payload, so nodes of either build interoperate. The length is
// checked against the read's bound as soon as its 4 bytes arrive, before any payload is awaited; the payload
// comes back as a view of the received chunk where it arrived in one piece (copied only when it spans chunks),
// and a written payload is sent behind its prefix without being copied into a new buffer.
import type { MessageStream } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { MAX_FRAME_BYTES } from './limits'
import type { AbortSignalLike } from './runtime'

/** libp2p's AbortOptions (its signal is a DOM/Node AbortSignal; ours is the structural AbortSignalLike). */
type StreamOptions = Parameters<MessageStream['close']>[0]

/** Bytes of the length prefix. */
export const FRAME_PREFIX_BYTES = 4

/** What the request/response services need from a stream: one frame in or out at a time, close, abort. */
export interface FrameStream {
  /** Reads the next frame (one read at a time); refuses (FrameError 'too-large') one above `maxBytes` before its payload arrives. */
  read(maxBytes: number): Promise<Uint8Array>
  /** Writes one frame, waiting for the stream to drain when its send buffer is full. */
  write(payload: Uint8Array, options?: { signal?: AbortSignalLike }): Promise<void>
  close(options?: { signal?: AbortSignalLike }): Promise<void>
  abort(err: Error): void
}

export class FrameError extends Error {
  constructor(
    readonly code: 'too-large' | 'truncated',
    message: string
  ) {
    super(message)
    this.name = 'FrameError'
  }
}

/**
 * Frames over a libp2p 3 stream. `maxFrameBytes` caps every read and what the stream buffers unread
 * (prefix + one frame): a peer that sends more is cut off with FrameError 'too-large'.
 */
export function frameStream(stream: MessageStream, maxFrameBytes: number = MAX_FRAME_BYTES): FrameStream {
  let bound = maxFrameBytes
  const lp: LengthPrefixedStream = lpStream(stream, {
    lengthEncoder: encodeLength,
    lengthDecoder: (bytes) => {
      const length = decodeLength(bytes)
      if (length > bound) throw new FrameError('too-large', `frame of ${length} bytes above the ${bound}-byte limit`)
      return length
    },
    maxLengthLength: FRAME_PREFIX_BYTES,
    maxBufferSize: FRAME_PREFIX_BYTES + maxFrameBytes
  })
  return {
    async read(maxBytes) {
      if (maxBytes > maxFrameBytes)
        throw new RangeError(`read bound ${maxBytes} above the stream's ${maxFrameBytes}-byte frame limit`)
      bound = maxBytes
      try {
        return (await lp.read()).subarray()
      } catch (err) {
        throw asFrameError(err, maxFrameBytes)
      }
    },
    write: (payload, options) => lp.write(payload, options as StreamOptions),
    close: (options) => stream.close(options as StreamOptions),
    abort: (err) => stream.abort(err)
  }
}

function encodeLength(length: number): Uint8Array {
  const prefix = new Uint8Array(FRAME_PREFIX_BYTES)
  new DataView(prefix.buffer).setUint32(0, length, false)
  return prefix
}

/** The u32 big-endian length; a RangeError until all 4 bytes are there (lpStream then reads another byte). */
function decodeLength(bytes: {
  byteLength: number
  getUint32(offset: number, littleEndian?: boolean): number
}): number {
  if (bytes.byteLength < FRAME_PREFIX_BYTES) throw new RangeError('length prefix incomplete')
  return bytes.getUint32(0, false)
}

/** The stream ending mid-frame, or a peer overrunning the read buffer, in our terms; anything else as is. */
function asFrameError(err: unknown, maxFrameBytes: number): unknown {
  if (!(err instanceof Error) || err instanceof FrameError) return err
  if (err.name === 'UnexpectedEOFError')
    return new FrameError('truncated', `stream ended before a whole frame arrived (${err.message})`)
  if (err.name === 'StreamBufferError')
    return new FrameError('too-large', `peer sent more than one ${maxFrameBytes}-byte frame unread (${err.message})`)
  return err
}
