// Loads the scrypt scanner in a browser (page or Web Worker): the SIMD build where the engine has
// WebAssembly SIMD, else the scalar one. Literal URLs, so vite emits both .wasm files as assets.
import { scryptScannerFromModule, type ScryptScanner } from './scrypt'
import { wasmSimdSupported } from './simd'

export async function loadScryptScanner(options: { simd?: boolean } = {}): Promise<ScryptScanner> {
  const simd = options.simd ?? wasmSimdSupported()
  const url = simd
    ? new URL('./build/scrypt-simd.wasm', import.meta.url)
    : new URL('./build/scrypt-scalar.wasm', import.meta.url)
  const module = await WebAssembly.compileStreaming(fetch(url))
  return await scryptScannerFromModule(module, simd)
}
