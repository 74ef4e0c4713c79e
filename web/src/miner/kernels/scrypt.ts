// The scrypt(1024, 1, 1) nonce scanner: a NonceScanner over the AssemblyScript kernels in
// as/scrypt-simd.ts (4 nonces per v128) and as/scrypt-scalar.ts (fallback), built by
// scripts/build-kernels.mjs to build/scrypt-{simd,scalar}.wasm. Loaders: scrypt.browser.ts, scrypt.node.ts.
// The kernel compares the whole 256-bit hash with the target and returns the hashes it found; each is
// compared again here, so a kernel bug shows as an error rather than as a false share.
import { MAX_TARGET, meetsTarget } from '@otedama/shared/primitives'
import type { FoundNonce, NonceScanner } from './types'
import { HEADER_BYTES, KernelInputError, NONCE_SPACE } from './types'
import { kernelExports, stubRuntimeImports } from './instance'

/** Kernel names in scripts/build-kernels.mjs (build/<name>.wasm). */
export const SCRYPT_KERNEL_SIMD = 'scrypt-simd'
export const SCRYPT_KERNEL_SCALAR = 'scrypt-scalar'

const HASH_BYTES = 32
const RESULT_BYTES = 4 + HASH_BYTES // nonce u32 LE, then the hash (as/scrypt-pbkdf2.ts)
const KERNEL_BAD_COUNT = 0xffffffff // scan's answer to a count it cannot take

/** What the AssemblyScript kernels export (as/scrypt-scalar.ts, as/scrypt-simd.ts). */
interface ScryptKernelExports {
  memory: WebAssembly.Memory
  headerPtr(): number
  targetPtr(): number
  resultsPtr(): number
  maxBatch(): number
  lanes(): number
  setJob(): void
  scan(start: number, count: number): number
}

const KERNEL_EXPORTS = ['memory', 'headerPtr', 'targetPtr', 'resultsPtr', 'maxBatch', 'lanes', 'setJob', 'scan']

/** The stub runtime's abort import (the kernels' fixed sizes never run out of memory). */
export const SCRYPT_KERNEL_IMPORTS: WebAssembly.Imports = stubRuntimeImports('scrypt')

export class ScryptScanner implements NonceScanner {
  readonly algorithm = 'scrypt' as const
  readonly lanes: number
  readonly simd: boolean
  private readonly kernel: ScryptKernelExports
  private readonly maxBatch: number
  private target: bigint | undefined

  constructor(instance: WebAssembly.Instance, simd: boolean) {
    this.kernel = kernelExports<ScryptKernelExports>(instance, 'scrypt', KERNEL_EXPORTS)
    this.simd = simd
    this.lanes = this.kernel.lanes()
    this.maxBatch = this.kernel.maxBatch()
  }

  setJob(header80: Uint8Array, target: bigint): void {
    if (header80.length !== HEADER_BYTES) {
      throw new KernelInputError(`header must be ${HEADER_BYTES} bytes, got ${header80.length}`)
    }
    if (target < 0n || target > MAX_TARGET)
      throw new KernelInputError(`target must be a 256-bit unsigned integer, got ${target}`)
    const memory = new Uint8Array(this.kernel.memory.buffer)
    memory.set(header80, this.kernel.headerPtr())
    const limbs = new DataView(this.kernel.memory.buffer, this.kernel.targetPtr(), HASH_BYTES)
    for (let i = 0; i < HASH_BYTES / 4; i++)
      limbs.setUint32(i * 4, Number((target >> BigInt(32 * i)) & 0xffffffffn), true)
    this.kernel.setJob()
    this.target = target
  }

  scan(startNonce: number, count: number): FoundNonce[] {
    const target = this.target
    if (target === undefined) throw new KernelInputError('scan called before setJob')
    if (!Number.isInteger(startNonce) || startNonce < 0 || startNonce >= NONCE_SPACE) {
      throw new KernelInputError(`startNonce must be an integer in [0, 2^32), got ${startNonce}`)
    }
    if (!Number.isInteger(count) || count < 0 || count % this.lanes !== 0) {
      throw new KernelInputError(`count must be a non-negative multiple of ${this.lanes} lanes, got ${count}`)
    }
    if (startNonce + count > NONCE_SPACE) {
      throw new KernelInputError(`nonce range ${startNonce} + ${count} passes 2^32`)
    }
    const found: FoundNonce[] = []
    for (let done = 0; done < count;) {
      const batch = Math.min(this.maxBatch, count - done)
      const hits = this.kernel.scan(startNonce + done, batch) >>> 0
      if (hits === KERNEL_BAD_COUNT) throw new KernelInputError(`kernel refused a batch of ${batch} nonces`)
      this.collect(hits, target, found)
      done += batch
    }
    return found
  }

  /** Copies the kernel's results out, re-checking each hash against the target in full. */
  private collect(hits: number, target: bigint, into: FoundNonce[]): void {
    const base = this.kernel.resultsPtr()
    const view = new DataView(this.kernel.memory.buffer)
    for (let i = 0; i < hits; i++) {
      const record = base + i * RESULT_BYTES
      const hash = new Uint8Array(this.kernel.memory.buffer.slice(record + 4, record + RESULT_BYTES))
      if (!meetsTarget(hash, target)) throw new Error('scrypt kernel reported a hash above the target: kernel bug')
      into.push({ nonce: view.getUint32(record, true), hash })
    }
  }
}

/** Instantiates a compiled scrypt kernel (SIMD or scalar build) as a scanner. */
export async function scryptScannerFromModule(module: WebAssembly.Module, simd: boolean): Promise<ScryptScanner> {
  const instance = await WebAssembly.instantiate(module, SCRYPT_KERNEL_IMPORTS)
  return new ScryptScanner(instance, simd)
}
