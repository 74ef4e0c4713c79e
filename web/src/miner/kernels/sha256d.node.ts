// Loads the sha256d scanner in Node (tests, benchmarks): the kernel bytes come from the build folder.
import { readFile } from 'node:fs/promises'
import { sha256dScannerFromModule, SHA256D_KERNEL_SCALAR, SHA256D_KERNEL_SIMD, type Sha256dScanner } from './sha256d'
import { wasmSimdSupported } from './simd'
import { errorMessage } from '@otedama/shared/util'

export async function loadSha256dScanner(options: { simd?: boolean } = {}): Promise<Sha256dScanner> {
  const simd = options.simd ?? wasmSimdSupported()
  const name = simd ? SHA256D_KERNEL_SIMD : SHA256D_KERNEL_SCALAR
  const url = new URL(`./build/${name}.wasm`, import.meta.url)
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = new Uint8Array(await readFile(url))
  } catch (err) {
    throw new Error(`cannot read ${url.pathname} (${errorMessage(err)}): run npm run build:kernels`)
  }
  return await sha256dScannerFromModule(await WebAssembly.compile(bytes), simd)
}
