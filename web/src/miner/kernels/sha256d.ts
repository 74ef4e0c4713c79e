// The sha256d nonce scanner: a NonceScanner over the generated WebAssembly kernels (gen/sha256d.gen.mjs,
// built to build/sha256d-{simd,scalar}.wasm). The kernel compares only the top 32 bits of each hash;
// every candidate is re-hashed here with @noble/hashes (via shared/) and compared in full before it is
// reported, so a kernel bug can cost shares but never produce a false one.
import { sha256d } from '@otedama/shared/primitives'
import { meetsTarget, MAX_TARGET } from '@otedama/shared/primitives'
import type { FoundNonce, NonceScanner } from './types'
import { HEADER_BYTES, KernelInputError, NONCE_OFFSET, NONCE_SPACE } from './types'
import { kernelExports, stubRuntimeImports } from './instance'

/** Kernel names in scripts/build-kernels.mjs (build/<name>.wasm). */
export const SHA256D_KERNEL_SIMD = 'sha256d-simd'
export const SHA256D_KERNEL_SCALAR = 'sha256d-scalar'

/** What the generated kernels export. */
interface Sha256dKernelExports {
  memory: WebAssembly.Memory
  headerPtr(): number
  foundPtr(): number
  maxScan(): number
  lanes(): number
  setJob(top32: number): void
  scan(start: number, count: number): number
}

const KERNEL_EXPORTS = ['memory', 'headerPtr', 'foundPtr', 'maxScan', 'lanes', 'setJob', 'scan']
const KERNEL_BAD_COUNT = 0xffffffff // scan's answer to a count it cannot take

/** The stub runtime's abort import (the kernels' fixed sizes never run out of memory). */
export const SHA256D_KERNEL_IMPORTS: WebAssembly.Imports = stubRuntimeImports('sha256d')

export class Sha256dScanner implements NonceScanner {
  readonly algorithm = 'sha256d' as const
  readonly lanes: number
  readonly simd: boolean
  private readonly kernel: Sha256dKernelExports
  private readonly maxScan: number
  private header: Uint8Array | undefined
  private target = 0n

  constructor(instance: WebAssembly.Instance, simd: boolean) {
    this.kernel = kernelExports<Sha256dKernelExports>(instance, 'sha256d', KERNEL_EXPORTS)
    this.simd = simd
    this.lanes = this.kernel.lanes()
    this.maxScan = this.kernel.maxScan()
  }

  setJob(header80: Uint8Array, target: bigint): void {
    if (header80.length !== HEADER_BYTES)
      throw new KernelInputError(`header must be ${HEADER_BYTES} bytes, got ${header80.length}`)
    if (target < 0n || target > MAX_TARGET)
      throw new KernelInputError(`target must be a 256-bit unsigned integer, got ${target}`)
    this.header = header80.slice()
    this.target = target
    new Uint8Array(this.kernel.memory.buffer).set(this.header, this.kernel.headerPtr())
    // Hash words compare most significant first: the kernel checks the top 32 bits (hash bytes 28..31).
    this.kernel.setJob(Number(target >> 224n))
  }

  scan(startNonce: number, count: number): FoundNonce[] {
    const header = this.header
    if (header === undefined) throw new KernelInputError('scan called before setJob')
    if (!Number.isInteger(startNonce) || startNonce < 0 || startNonce >= NONCE_SPACE) {
      throw new KernelInputError(`startNonce must be an integer in [0, 2^32), got ${startNonce}`)
    }
    if (!Number.isInteger(count) || count < 0 || count % this.lanes !== 0) {
      throw new KernelInputError(`count must be a non-negative multiple of ${this.lanes} lanes, got ${count}`)
    }
    if (startNonce + count > NONCE_SPACE) throw new KernelInputError(`nonce range ${startNonce} + ${count} passes 2^32`)
    const found: FoundNonce[] = []
    for (let done = 0; done < count; done += this.maxScan) {
      const batch = Math.min(this.maxScan, count - done)
      const candidates = this.kernel.scan(startNonce + done, batch)
      if (candidates === KERNEL_BAD_COUNT) throw new KernelInputError(`kernel refused a batch of ${batch} nonces`)
      if (candidates > 0) this.confirm(header, candidates, found)
    }
    return found.sort((a, b) => a.nonce - b.nonce)
  }

  /** Re-hashes the kernel's candidates in full; keeps those that meet the whole 256-bit target. */
  private confirm(header: Uint8Array, candidates: number, found: FoundNonce[]): void {
    const nonces = new Uint32Array(this.kernel.memory.buffer, this.kernel.foundPtr(), candidates).slice()
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
    for (const nonce of nonces) {
      view.setUint32(NONCE_OFFSET, nonce, true)
      const hash = sha256d(header)
      if (meetsTarget(hash, this.target)) found.push({ nonce, hash })
    }
  }
}

/** Instantiates a compiled kernel module (SIMD or scalar build). */
export async function sha256dScannerFromModule(module: WebAssembly.Module, simd: boolean): Promise<Sha256dScanner> {
  const instance = await WebAssembly.instantiate(module, SHA256D_KERNEL_IMPORTS)
  return new Sha256dScanner(instance, simd)
}
