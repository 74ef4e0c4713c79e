// The WebGPU sha256d nonce scanner: the compute shader of sha256d-wgsl.ts driven through one device.
// Per job the CPU computes the header's midstate; per scan it dispatches the nonce range, reads the
// candidate nonces back and re-hashes each in full with the shared reference (a shader or driver bug
// can cost shares, never produce a false one). Works wherever WebGPU does, Web Workers included.
import { sha256d } from '@otedama/shared/primitives'
import { SHA256_IV, sha256CompressView } from '@otedama/shared/primitives'
import { MAX_TARGET, meetsTarget } from '@otedama/shared/primitives'
import { HEADER_BYTES, KernelInputError, NONCE_OFFSET, NONCE_SPACE, type FoundNonce } from '../kernels/types'
import type { AsyncNonceScanner } from '../worker-core'
import { sha256dWgsl, type Sha256dShaderParams } from './sha256d-wgsl'

// WebGPU §"Buffer usages" and §"GPUMapMode" flag values (named here so Node type-checks without DOM).
const BUFFER_MAP_READ = 0x0001
const BUFFER_COPY_SRC = 0x0004
const BUFFER_COPY_DST = 0x0008
const BUFFER_UNIFORM = 0x0040
const BUFFER_STORAGE = 0x0080
const MAP_MODE_READ = 0x0001

export const DEFAULT_GPU_SHADER: Sha256dShaderParams = {
  workgroupSize: 64,
  noncesPerInvocation: 16, // amortises the job loads and the bounds check
  maxCandidates: 4096 // 16 KiB read back per dispatch; a fuller list is rescanned in halves
}
/** Nonces per dispatch at most: 2^24 (~17 ms at 1 GH/s) keeps one dispatch short enough for the
 *  browser's GPU watchdog on slow adapters and a job switch quick. */
export const MAX_DISPATCH_NONCES = 1 << 24
/** Scan counts are multiples of this (the pool aligns slices to 64 nonces). */
export const GPU_LANES = 64
const JOB_BYTES = 64 // 4 × vec4<u32>

export class GpuSha256dScanner implements AsyncNonceScanner {
  readonly algorithm = 'sha256d' as const
  readonly engine = 'webgpu' as const
  readonly lanes = GPU_LANES
  readonly simd = false
  private readonly jobBuffer: GPUBuffer
  private readonly candidateBuffer: GPUBuffer
  private readonly readbackBuffer: GPUBuffer
  private readonly pipeline: GPUComputePipeline
  private readonly bindGroup: GPUBindGroup
  private readonly candidateBytes: number
  private readonly jobWords = new Uint32Array(JOB_BYTES / 4)
  private header: Uint8Array | undefined
  private target = 0n

  constructor(
    private readonly device: GPUDevice,
    private readonly params: Sha256dShaderParams = DEFAULT_GPU_SHADER
  ) {
    this.candidateBytes = 4 + 4 * params.maxCandidates
    this.jobBuffer = device.createBuffer({
      label: 'sha256d job',
      size: JOB_BYTES,
      usage: BUFFER_UNIFORM | BUFFER_COPY_DST
    })
    this.candidateBuffer = device.createBuffer({
      label: 'sha256d candidates',
      size: this.candidateBytes,
      usage: BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST
    })
    this.readbackBuffer = device.createBuffer({
      label: 'sha256d readback',
      size: this.candidateBytes,
      usage: BUFFER_MAP_READ | BUFFER_COPY_DST
    })
    const module = device.createShaderModule({ label: 'sha256d nonce scan', code: sha256dWgsl(params) })
    this.pipeline = device.createComputePipeline({
      label: 'sha256d nonce scan',
      layout: 'auto',
      compute: { module, entryPoint: 'main' }
    })
    this.bindGroup = device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.jobBuffer } },
        { binding: 1, resource: { buffer: this.candidateBuffer } }
      ]
    })
  }

  setJob(header80: Uint8Array, target: bigint): void {
    if (header80.length !== HEADER_BYTES)
      throw new KernelInputError(`header must be ${HEADER_BYTES} bytes, got ${header80.length}`)
    if (target < 0n || target > MAX_TARGET)
      throw new KernelInputError(`target must be a 256-bit unsigned integer, got ${target}`)
    this.header = header80.slice()
    this.target = target
    const view = new DataView(this.header.buffer)
    const midstate = Int32Array.from(SHA256_IV)
    sha256CompressView(midstate, view, 0)
    for (let i = 0; i < 8; i++) this.jobWords[i] = midstate[i]
    for (let i = 0; i < 3; i++) this.jobWords[8 + i] = view.getUint32(64 + 4 * i, false)
    this.jobWords[12] = Number(target >> 224n) // the top 32 bits: hash bytes 28..31 as a big number
  }

  async scan(startNonce: number, count: number): Promise<FoundNonce[]> {
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
    for (let done = 0; done < count; done += MAX_DISPATCH_NONCES) {
      await this.scanRange(header, startNonce + done, Math.min(MAX_DISPATCH_NONCES, count - done), found)
    }
    return found.sort((a, b) => a.nonce - b.nonce)
  }

  /** One dispatch; a range with more candidates than the list holds is scanned again in halves. */
  private async scanRange(header: Uint8Array, start: number, count: number, found: FoundNonce[]): Promise<void> {
    this.jobWords[11] = start
    this.jobWords[13] = count
    this.device.queue.writeBuffer(this.jobBuffer, 0, this.jobWords)
    this.device.queue.writeBuffer(this.candidateBuffer, 0, new Uint32Array(1))
    const encoder = this.device.createCommandEncoder()
    const pass = encoder.beginComputePass()
    pass.setPipeline(this.pipeline)
    pass.setBindGroup(0, this.bindGroup)
    pass.dispatchWorkgroups(Math.ceil(count / (this.params.workgroupSize * this.params.noncesPerInvocation)))
    pass.end()
    encoder.copyBufferToBuffer(this.candidateBuffer, 0, this.readbackBuffer, 0, this.candidateBytes)
    this.device.queue.submit([encoder.finish()])
    await this.readbackBuffer.mapAsync(MAP_MODE_READ)
    const words = new Uint32Array(this.readbackBuffer.getMappedRange()).slice()
    this.readbackBuffer.unmap()
    const candidates = words[0]
    if (candidates > this.params.maxCandidates && count > GPU_LANES) {
      const half = Math.floor(count / 2 / GPU_LANES) * GPU_LANES
      await this.scanRange(header, start, half, found)
      await this.scanRange(header, start + half, count - half, found)
      return
    }
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
    for (const nonce of words.subarray(1, 1 + Math.min(candidates, this.params.maxCandidates))) {
      view.setUint32(NONCE_OFFSET, nonce, true)
      const hash = sha256d(header)
      if (meetsTarget(hash, this.target)) found.push({ nonce, hash })
    }
  }

  destroy(): void {
    this.jobBuffer.destroy()
    this.candidateBuffer.destroy()
    this.readbackBuffer.destroy()
  }
}
