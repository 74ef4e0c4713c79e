// Loads the sha256d scanner in a browser (page or Web Worker): the SIMD build where the engine has
// WebAssembly SIMD, else the scalar one. Literal URLs, so vite emits both .wasm files as assets.
import { sha256dScannerFromModule, type Sha256dScanner } from './sha256d'
import { wasmSimdSupported } from './simd'

export async function loadSha256dScanner(options: { simd?: boolean } = {}): Promise<Sha256dScanner> {
  const simd = options.simd ?? wasmSimdSupported()
  const url = simd
    ? new URL('./build/sha256d-simd.wasm', import.meta.url)
    : new URL('./build/sha256d-scalar.wasm', import.meta.url)
  const module = await WebAssembly.compileStreaming(fetch(url))
  return await sha256dScannerFromModule(module, simd)
}
