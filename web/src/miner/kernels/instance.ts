// What every AssemblyScript kernel instance needs: the stub runtime's one import, and a check that the
// module really exports what its wrapper drives (an old build in build/ fails loudly, not subtly).

/** Imports for a kernel built with `--runtime stub`: abort is called only on out-of-memory. */
export function stubRuntimeImports(kernel: string): WebAssembly.Imports {
  return {
    env: {
      abort(): never {
        throw new Error(`${kernel} kernel aborted (out of WebAssembly memory?)`)
      }
    }
  }
}

/** The instance's exports as `T`, after checking every name in `required` is there. */
export function kernelExports<T>(instance: WebAssembly.Instance, kernel: string, required: readonly string[]): T {
  const exports = instance.exports as Record<string, unknown>
  for (const name of required) {
    if (exports[name] === undefined)
      throw new Error(`${kernel} kernel lacks export "${name}": rebuild with npm run build:kernels`)
  }
  return exports as unknown as T
}
