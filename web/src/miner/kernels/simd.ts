// WebAssembly SIMD feature detection: validate a tiny module whose one function returns a v128
// constant. Engines without SIMD reject the v128 type, so the scalar kernel is loaded instead.

const V128_PROBE_MODULE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c, // code: no locals, v128.const
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0, // its 16 bytes
  0x0b // end
])

let cached: boolean | undefined

export function wasmSimdSupported(): boolean {
  cached ??= typeof WebAssembly === 'object' && WebAssembly.validate(V128_PROBE_MODULE)
  return cached
}
