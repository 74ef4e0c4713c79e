// sha256d per input size: the shared allocation-free SHA-256 (primitives/sha256-fast, what
// primitives/hash sha256d calls) against @noble/hashes (the baseline) and node:crypto, in the same run.
// Sizes are what validation hashes: 32 (second hash), 64 (merkle node), 80 (header), 111 (ShareInfo),
// ~250 and 665 (coinbases with 1 and 16 payouts), and 4096 for long inputs.
// Rates are per CPU second of this process (one core's worth on a shared machine), median of rounds.
// Run: npx tsx bench/sha256.bench.ts. Prints figures, then one JSON line. Never asserts timings.
import { createHash } from 'node:crypto'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { fastFoldMerkleBranch, fastSha256d } from '@otedama/shared/primitives'

const SIZES_BYTES = [32, 64, 80, 111, 250, 665, 4096]
const ROUNDS = 5
const SLICE_MS = 150 // per round and implementation

type Impl = (m: Uint8Array) => unknown
const impls: Record<string, Impl> = {
  noble: (m) => nobleSha256(nobleSha256(m)),
  fast: (m) => fastSha256d(m),
  node: (m) => createHash('sha256').update(createHash('sha256').update(m).digest()).digest()
}

function perCpuSecond(fn: () => unknown): number {
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  let n = 0
  while (performance.now() - start < SLICE_MS) {
    for (let i = 0; i < 100; i++) fn()
    n += 100
  }
  const cpu = process.cpuUsage(cpu0)
  return n / ((cpu.user + cpu.system) / 1e6)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const figures: Record<string, number> = {}
console.log('sha256d per CPU second (median of rounds); fast/noble ratio')
for (const size of SIZES_BYTES) {
  const m = Uint8Array.from({ length: size }, (_, i) => (i * 131 + 7) & 0xff)
  const rates: Record<string, number[]> = { noble: [], fast: [], node: [] }
  for (const name in impls) for (let i = 0; i < 2000; i++) impls[name](m) // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const name in impls) rates[name].push(perCpuSecond(() => impls[name](m)))
  const med = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]))
  console.log(
    `  ${String(size).padStart(5)} B: noble ${(med.noble / 1e3).toFixed(0).padStart(5)}k/s  fast ${(med.fast / 1e3).toFixed(0).padStart(5)}k/s  node:crypto ${(med.node / 1e3).toFixed(0).padStart(5)}k/s  fast/noble x${(med.fast / med.noble).toFixed(2)}`
  )
  figures[`fastPerSecond${size}`] = Math.round(med.fast)
  figures[`noblePerSecond${size}`] = Math.round(med.noble)
  figures[`fastVsNoble${size}`] = +(med.fast / med.noble).toFixed(2)
}
const leaf = new Uint8Array(32).fill(1)
const branch = Array.from({ length: 11 }, (_, i) => new Uint8Array(32).fill(i))
const foldRates: number[] = []
for (let r = 0; r < ROUNDS; r++) foldRates.push(perCpuSecond(() => fastFoldMerkleBranch(leaf, branch)))
figures.merkleFold11PerSecond = Math.round(median(foldRates))
console.log(`  11-step merkle fold: ${(figures.merkleFold11PerSecond / 1e3).toFixed(0)}k/s`)
console.log(JSON.stringify(figures))
