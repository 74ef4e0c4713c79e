// The rig's hashrate per thread (rig/src/hash-threads.ts: worker_threads, atomics-polled job changes,
// one kernel call per ~10 ms) against the same WASM kernel called in a plain loop on the main thread
// (the Node figure of bench/miner.bench.ts and bench/scrypt.bench.ts), for sha256d and scrypt, with no
// finds and with a find every 2^16 (sha256d) / 2^6 (scrypt) hashes. Rounds alternate baseline and rig
// so both see the same machine load; rates per wall second and per CPU-second of this process.
// Run: npm run bench -- rig-hashrate
import { execFileSync } from 'node:child_process'
import { loadScanner } from '../web/src/miner/kernels/load.node.ts'
import type { NonceScanner, PowAlgorithm } from '../web/src/miner/kernels/types'
import { HashThreads } from '../rig/src/hash-threads'
import { rigJob } from '../rig/src/work'
import { formatHashrate } from '../rig/src/summary'

const WARMUP_MS = 1_500 // tsx start-up in each thread and V8's optimising tier
const ROUND_MS = 1_000
const ROUNDS = 5 // medians over these
const SCAN_NONCES = { sha256d: 4096, scrypt: 64 } as const
/** Difficulty giving a find every 2^16 sha256d / 2^6 scrypt hashes (difficulty 1 is 2^32 sha256d hashes,
 *  2^16 scrypt hashes: the scrypt scale is 2^16 easier). */
const FIND_DIFFICULTY = { sha256d: 2 ** -16, scrypt: 2 ** -10 } as const
/** After a round, finds still in the message queue are let through before the next one (ms). */
const DRAIN_MS = 200
const NO_FIND_DIFFICULTY = 2 ** 40

const root = new URL('../', import.meta.url)
execFileSync(process.execPath, [new URL('scripts/build-kernels.mjs', root).pathname], { stdio: 'inherit' })

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

function job(seq: number, algorithm: PowAlgorithm, difficulty: number): ReturnType<typeof rigJob> {
  const notify = {
    jobId: `bench-${seq}`,
    prevHash: new Uint8Array(32).fill(seq),
    coinb1: new Uint8Array(60).fill(1),
    coinb2: new Uint8Array(80).fill(2),
    merkleBranch: [new Uint8Array(32).fill(3)],
    version: 0x20000000,
    nbits: 0x1d00ffff,
    ntime: 1_700_000_000,
    clean: true
  }
  return rigJob(seq, notify, { extranonce1: new Uint8Array(4).fill(9), extranonce2Size: 4 }, difficulty, algorithm)
}

/** Main-thread loop over the kernel: hashes per second (wall, and per CPU-second of this process). */
function baseline(scanner: NonceScanner, algorithm: PowAlgorithm, ms: number): { wall: number; cpu: number } {
  const header = new Uint8Array(80).map((_, i) => (i * 37 + 11) & 255)
  scanner.setJob(header, 0n)
  let n = 0
  const c0 = cpuMs()
  const t0 = performance.now()
  while (performance.now() - t0 < ms) {
    scanner.scan(n % 2 ** 31, SCAN_NONCES[algorithm])
    n += SCAN_NONCES[algorithm]
  }
  const seconds = (performance.now() - t0) / 1000
  return { wall: n / seconds, cpu: n / (Math.max(1, cpuMs() - c0) / 1000) }
}

/** The rig's threads on one job for `ms`: total and per-thread hashes per second. */
async function rigRound(
  threads: HashThreads,
  algorithm: PowAlgorithm,
  difficulty: number,
  seq: number,
  ms: number
): Promise<{ wall: number; cpu: number; perThread: number[]; finds: number }> {
  let finds = 0
  const off = threads.on('found', () => {
    finds++
  })
  threads.setJob(job(seq, algorithm, difficulty), 0)
  await sleep(50) // the threads pick it up within one chunk
  threads.sampleHashrates()
  const before = threads.totalHashes().reduce((a, b) => a + b, 0)
  const c0 = cpuMs()
  const t0 = performance.now()
  await sleep(ms)
  const perThread = threads.sampleHashrates()
  const hashes = threads.totalHashes().reduce((a, b) => a + b, 0) - before
  const seconds = (performance.now() - t0) / 1000
  const cpu = Math.max(1, cpuMs() - c0) / 1000
  threads.idle()
  await sleep(DRAIN_MS)
  off()
  return { wall: hashes / seconds, cpu: hashes / cpu, perThread, finds }
}

const figures: Record<string, number> = {}
process.stdout.write(
  `rig hash threads vs the kernel in a main-thread loop, Node ${process.version}; medians of ${ROUNDS} alternating rounds of ${ROUND_MS} ms\n`
)
for (const algorithm of ['sha256d', 'scrypt'] as const) {
  const scanner = await loadScanner(algorithm)
  for (const threadCount of [1, 2]) {
    const threads = new HashThreads({ threads: threadCount, algorithm, dutyCycle: 1 })
    await threads.start()
    await rigRound(threads, algorithm, NO_FIND_DIFFICULTY, 1, WARMUP_MS)
    baseline(scanner, algorithm, WARMUP_MS / 3)
    const rows: Record<string, { wall: number[]; cpu: number[]; perThread: number[]; finds: number[] }> = {}
    const add = (name: string, r: { wall: number; cpu: number; perThread?: number[]; finds?: number }): void => {
      const row = (rows[name] ??= { wall: [], cpu: [], perThread: [], finds: [] })
      row.wall.push(r.wall)
      row.cpu.push(r.cpu)
      if (r.perThread !== undefined) row.perThread.push(Math.min(...r.perThread))
      if (r.finds !== undefined) row.finds.push(r.finds)
    }
    for (let round = 0; round < ROUNDS; round++) {
      if (threadCount === 1) add('kernel loop', baseline(scanner, algorithm, ROUND_MS))
      add('rig, no finds', await rigRound(threads, algorithm, NO_FIND_DIFFICULTY, 10 + 2 * round, ROUND_MS))
      add('rig, finds', await rigRound(threads, algorithm, FIND_DIFFICULTY[algorithm], 11 + 2 * round, ROUND_MS))
    }
    await threads.stop()
    process.stdout.write(`\n${algorithm}, ${threadCount} thread(s):\n`)
    for (const [name, row] of Object.entries(rows)) {
      const perThreadNote = row.perThread.length > 0 ? `, slowest thread ${formatHashrate(median(row.perThread))}` : ''
      const findNote =
        row.finds.length > 0 && median(row.finds) > 0
          ? `, ${Math.round(median(row.finds) / (ROUND_MS / 1000))} finds/s`
          : ''
      process.stdout.write(
        `  ${name.padEnd(14)} ${formatHashrate(median(row.wall)).padStart(10)} wall, ${formatHashrate(median(row.cpu)).padStart(10)} per CPU-second${perThreadNote}${findNote}\n`
      )
      const key = `${algorithm}_${threadCount}t_${name.replace(/[^a-z]+/g, '_').replace(/_$/, '')}`
      figures[`${key}_hps`] = Math.round(median(row.wall))
      figures[`${key}_hps_per_cpu_s`] = Math.round(median(row.cpu))
    }
    if (threadCount === 1) {
      const ratio = median(rows['rig, no finds'].cpu) / median(rows['kernel loop'].cpu)
      const ratioFinds = median(rows['rig, finds'].cpu) / median(rows['kernel loop'].cpu)
      process.stdout.write(
        `  rig / kernel loop per CPU-second: x${ratio.toFixed(3)} (no finds), x${ratioFinds.toFixed(3)} (with finds)\n`
      )
      figures[`${algorithm}_rig_over_kernel_loop`] = Number(ratio.toFixed(3))
      figures[`${algorithm}_rig_with_finds_over_kernel_loop`] = Number(ratioFinds.toFixed(3))
    }
  }
}
process.stdout.write(JSON.stringify(figures) + '\n')
