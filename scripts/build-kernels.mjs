// Compiles the miner's WebAssembly kernels (web/src/miner/kernels) with the installed AssemblyScript,
// so a fresh checkout needs only `npm ci`. Output: web/src/miner/kernels/build/<name>.wasm (gitignored).
//
// To add a kernel, add a row to KERNELS:
//   name    output file stem (build/<name>.wasm) and the name the TypeScript loaders ask for
//   source  an AssemblyScript entry file (`as/x.ts`), or a generator module (`gen/x.gen.mjs`) whose
//           `generate({ simd })` returns AssemblyScript source (compiled as build/gen/<name>.ts)
//   simd    true: compiled with `--enable simd` (WebAssembly 128-bit SIMD)
//
// Usage: node scripts/build-kernels.mjs [--force]   (skips when every output is newer than all inputs)

import { mkdir, readdir, readFile as fsReadFile, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import asc from 'assemblyscript/asc'

const KERNELS = [
  { name: 'sha256d-simd', source: 'gen/sha256d.gen.mjs', simd: true },
  { name: 'sha256d-scalar', source: 'gen/sha256d.gen.mjs', simd: false },
  { name: 'scrypt-simd', source: 'as/scrypt-simd.ts', simd: true },
  { name: 'scrypt-scalar', source: 'as/scrypt-scalar.ts', simd: false }
]

// Flags measured in docs/field-notes.md (Hashing): stub runtime (no GC; kernels allocate once), no asserts.
const COMMON_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert']
const SIMD_FLAGS = ['--enable', 'simd']

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const KERNEL_DIR = join(ROOT, 'web/src/miner/kernels')
const BUILD_DIR = join(KERNEL_DIR, 'build')
const INPUT_DIRS = ['as', 'gen'].map((d) => join(KERNEL_DIR, d))

async function newestInputMtimeMs() {
  let newest = (await stat(fileURLToPath(import.meta.url))).mtimeMs
  for (const dir of INPUT_DIRS) {
    let names = []
    try {
      names = await readdir(dir)
    } catch {
      continue
    }
    for (const name of names) newest = Math.max(newest, (await stat(join(dir, name))).mtimeMs)
  }
  return newest
}

async function isFresh(outFile, inputsMtimeMs) {
  try {
    return (await stat(outFile)).mtimeMs > inputsMtimeMs
  } catch {
    return false
  }
}

/** The AssemblyScript entry of a row: its file, or its generator's output. Generated source is served
 *  to the compiler from memory under build/gen/<name>.ts (so no stray .ts lands where tsc looks), and a
 *  copy is written to build/gen/<name>.as for reading. */
async function entryFor(kernel) {
  const source = join(KERNEL_DIR, kernel.source)
  if (!kernel.source.endsWith('.mjs')) return { entry: source, virtual: undefined }
  const generator = await import(pathToFileURL(source).href)
  const text = generator.generate({ simd: kernel.simd })
  const entry = join(BUILD_DIR, 'gen', `${kernel.name}.ts`)
  await mkdir(dirname(entry), { recursive: true })
  await writeFile(join(BUILD_DIR, 'gen', `${kernel.name}.as`), text)
  return { entry, virtual: text }
}

async function compile(kernel) {
  const { entry, virtual } = await entryFor(kernel)
  const outFile = join(BUILD_DIR, `${kernel.name}.wasm`)
  const args = [entry, '-o', outFile, ...COMMON_FLAGS, ...(kernel.simd ? SIMD_FLAGS : [])]
  const readFile = async (filename, baseDir) => {
    const path = resolve(baseDir, filename)
    if (virtual !== undefined && path === entry) return virtual
    try {
      return await fsReadFile(path, 'utf8')
    } catch {
      return null
    }
  }
  const started = performance.now()
  const { error, stderr } = await asc.main(args, { readFile })
  if (error) {
    throw new Error(
      `AssemblyScript failed on ${relative(ROOT, entry)} (kernel ${kernel.name}): ${error.message}\n${stderr.toString()}`
    )
  }
  const bytes = (await stat(outFile)).size
  process.stderr.write(`kernel ${kernel.name}: ${bytes} bytes in ${Math.round(performance.now() - started)} ms\n`)
}

async function main() {
  const force = process.argv.includes('--force')
  await mkdir(BUILD_DIR, { recursive: true })
  const inputsMtimeMs = await newestInputMtimeMs()
  for (const kernel of KERNELS) {
    const outFile = join(BUILD_DIR, `${kernel.name}.wasm`)
    if (!force && (await isFresh(outFile, inputsMtimeMs))) continue
    await compile(kernel)
  }
}

main().catch((err) => {
  process.stderr.write(`build-kernels: ${err.message}\n`)
  process.exit(1)
})
