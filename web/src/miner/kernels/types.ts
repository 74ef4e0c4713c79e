// The one interface every nonce-scan kernel implements (sha256d here, scrypt beside it), so the worker
// and the pool never care which algorithm or which WebAssembly build (SIMD or scalar) they drive.

export type PowAlgorithm = 'sha256d' | 'scrypt'

/** What runs a worker's scans: a WebAssembly kernel (SIMD build or scalar fallback) or the WebGPU
 *  compute shader (gpu/). */
export type MinerEngine = 'wasm-simd' | 'wasm-scalar' | 'webgpu'

/** A nonce whose PoW hash meets the target, re-checked in full in TypeScript before it is reported. */
export interface FoundNonce {
  /** Header nonce (bytes 76..79 of the header, little-endian), 0 .. 2^32 − 1. */
  nonce: number
  /** The PoW hash as the hash function outputs it (32 bytes); read as a little-endian 256-bit number
   *  it is ≤ the target (Bitcoin byte order: the block hash shown by explorers is this, reversed). */
  hash: Uint8Array
}

export interface NonceScanner {
  readonly algorithm: PowAlgorithm
  /** Nonces hashed at once; `scan` counts must be multiples of it. */
  readonly lanes: number
  /** Whether this instance runs the WebAssembly SIMD build (false: scalar fallback). */
  readonly simd: boolean
  /** Fixes the header (its nonce field is ignored) and the target (a 256-bit integer, little-endian
   *  hash compare as in Bitcoin) for the following scans. Throws {@link KernelInputError} on bad input. */
  setJob(header80: Uint8Array, target: bigint): void
  /** Hashes nonces startNonce .. startNonce + count − 1 and returns every one that meets the target.
   *  count must be a multiple of `lanes` and the range must stay below 2^32. */
  scan(startNonce: number, count: number): FoundNonce[]
}

/** Bad arguments at the kernel boundary (wrong header length, count not a multiple of the lanes …). */
export class KernelInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KernelInputError'
  }
}

/** The nonce field: 4 bytes at offset 76 of the 80-byte header, little-endian. */
export const HEADER_BYTES = 80
export const NONCE_OFFSET = 76
/** Nonces per job header: the 32-bit nonce field. */
export const NONCE_SPACE = 2 ** 32
