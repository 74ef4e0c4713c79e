// The WebGPU scanner where the browser has WebGPU and gives an adapter (page or Web Worker).
import { GpuSha256dScanner } from './sha256d-gpu'

/** No WebGPU here (no navigator.gpu, no adapter, or the device was refused): the CPU workers mine. */
export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GpuUnavailableError'
  }
}

/** Adapters that run on the CPU (Chromium's SwiftShader, Mesa's llvmpipe/lavapipe). */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software/i

export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean }
  return (
    info.isFallbackAdapter === true ||
    legacy.isFallbackAdapter === true ||
    SOFTWARE_ADAPTER.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`)
  )
}

/** The scanner on the browser's high-performance adapter. A software adapter is refused unless
 *  allowed: it would take CPU time from the WebAssembly workers and hash slower than one of them. */
export async function loadGpuSha256dScanner(
  options: { allowSoftwareAdapter?: boolean } = {}
): Promise<GpuSha256dScanner> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu
  if (gpu === undefined) throw new GpuUnavailableError('this browser has no WebGPU (navigator.gpu)')
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (adapter === null) throw new GpuUnavailableError('WebGPU gave no adapter')
  if (options.allowSoftwareAdapter !== true && isSoftwareAdapter(adapter)) {
    throw new GpuUnavailableError(
      `WebGPU gave only a software adapter (${adapter.info.architecture || adapter.info.vendor}): the CPU workers mine`
    )
  }
  const device = await adapter.requestDevice()
  return new GpuSha256dScanner(device)
}
