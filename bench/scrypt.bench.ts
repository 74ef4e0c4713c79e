// scrypt(1024, 1, 1) nonce-scan throughput in Node, one thread: hash-wasm's scrypt called per nonce
// (baseline) against our scalar and SIMD kernels through the ScryptScanner wrapper. Methods run in
// interleaved rounds so load from other processes hits each alike; ratios are per-round medians.
// Chromium's figures (the ones the goals are set in): bench/scrypt-browser.bench.ts.
// Run: npx tsx bench/scrypt.bench.ts
import { execFileSync } from 'node:child_process'
import { scrypt } from 'hash-wasm'
// Explicit .ts: without it Node's resolver (under tsx) takes `scrypt.node` for a native addon.
import { loadScryptScanner } from '../web/src/miner/kernels/scrypt.node.ts'
import { scryptPow } from '@otedama/shared/primitives'

const WARMUP_MS = 1_000 // per method: lets V8's optimising tier replace the baseline code
const ROUND_MS = 400 // per method per round
const ROUNDS = 9 // medians over these
const KERNEL_BATCH = 64 // nonces per scan call (a multiple of every kernel's lanes)
const MAX_TARGET = (1n << 256n) - 1n

execFileSync(process.execPath, [new URL('../scripts/build-kernels.mjs', import.meta.url).pathname], {
  stdio: 'inherit'
})

const header = new Uint8Array(80)
for (let i = 0; i < header.length; i++) header[i] = (i * 37 + 11) & 0xff
const nonceView = new DataView(header.buffer)

interface Method {
  name: string
  run: (ms: number) => Promise<number>
}

function hashWasmMethod(): Method {
  let nonce = 0
  return {
    name: 'hash-wasm',
    async run(ms) {
      let n = 0
      const t0 = performance.now()
      while (performance.now() - t0 < ms) {
        nonceView.setUint32(76, nonce++, true)
        await scrypt({
          password: header,
          salt: header,
          costFactor: 1024,
          blockSize: 1,
          parallelism: 1,
          hashLength: 32,
          outputType: 'binary'
        })
        n++
      }
      return n / ((performance.now() - t0) / 1000)
    }
  }
}

async function kernelMethod(simd: boolean): Promise<Method> {
  const scanner = await loadScryptScanner({ simd })
  // Correctness guard before timing: one lane group at the maximum target against the reference.
  scanner.setJob(header, MAX_TARGET)
  const [first] = scanner.scan(5, scanner.lanes)
  nonceView.setUint32(76, 5, true)
  if (Buffer.compare(Buffer.from(first.hash), Buffer.from(scryptPow(header))) !== 0)
    throw new Error(`kernel (simd ${simd}) disagrees with the reference`)
  scanner.setJob(header, 0n) // a target nothing meets: measures hashing, not result copying
  let nonce = 0
  return {
    name: simd ? 'scrypt-simd' : 'scrypt-scalar',
    async run(ms) {
      let n = 0
      const t0 = performance.now()
      while (performance.now() - t0 < ms) {
        scanner.scan(nonce, KERNEL_BATCH)
        nonce += KERNEL_BATCH
        n += KERNEL_BATCH
      }
      return n / ((performance.now() - t0) / 1000)
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

const methods = [hashWasmMethod(), await kernelMethod(false), await kernelMethod(true)]
for (const m of methods) await m.run(WARMUP_MS)
const rates = new Map<string, number[]>(methods.map((m) => [m.name, []]))
for (let r = 0; r < ROUNDS; r++) for (const m of methods) rates.get(m.name)?.push(await m.run(ROUND_MS))

process.stdout.write(`scrypt(1024,1,1) nonce scan in Node ${process.versions.node}, 1 thread\n`)
process.stdout.write(`medians of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up each\n`)
const baseline = rates.get('hash-wasm') ?? []
const figures: Record<string, number> = {}
for (const [name, list] of rates) {
  const paired = median(list.map((r, i) => r / baseline[i]))
  process.stdout.write(
    `${name.padEnd(16)} ${(median(list) / 1000).toFixed(2).padStart(7)} kH/s   x${paired.toFixed(2)} vs hash-wasm\n`
  )
  const key = name.replace(/-/g, '_')
  figures[`${key}_node_hps`] = Math.round(median(list))
  if (name !== 'hash-wasm') figures[`${key}_node_ratio`] = Number(paired.toFixed(3))
}
process.stdout.write(JSON.stringify(figures) + '\n')
