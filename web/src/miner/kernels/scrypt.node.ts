// Loads the scrypt scanner in Node (tests, benchmarks): the kernel bytes come from the build folder.
import { readFile } from 'node:fs/promises'
import { scryptScannerFromModule, SCRYPT_KERNEL_SCALAR, SCRYPT_KERNEL_SIMD, type ScryptScanner } from './scrypt'
import { wasmSimdSupported } from './simd'
import { errorMessage } from '@otedama/shared/util'

export async function loadScryptScanner(options: { simd?: boolean } = {}): Promise<ScryptScanner> {
  const simd = options.simd ?? wasmSimdSupported()
  const name = simd ? SCRYPT_KERNEL_SIMD : SCRYPT_KERNEL_SCALAR
  const url = new URL(`./build/${name}.wasm`, import.meta.url)
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = new Uint8Array(await readFile(url)) // a copy on a plain ArrayBuffer, as BufferSource wants
  } catch (err) {
    throw new Error(`cannot read ${url.pathname} (${errorMessage(err)}): run npm run build:kernels`)
  }
  return await scryptScannerFromModule(await WebAssembly.compile(bytes), simd)
}
