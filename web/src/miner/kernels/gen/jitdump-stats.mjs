// Reads the machine code V8 emitted for the kernels: run Chromium (or node) with
// `--js-flags=--perf-prof` (node: `--perf-prof`), which writes jit-<pid>.dump (Linux perf's jitdump
// format: a 40-byte header, then records; record 0 = code load with its name and code bytes), then
//   node web/src/miner/kernels/gen/jitdump-stats.mjs jit-<pid>.dump [name-substring]
// prints, for the largest function whose name matches (default "turbofan"), its size, the instruction
// mix and the stack spills, disassembled with objdump (binutils). A tool for kernel work, not a test.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const JITDUMP_HEADER_SIZE_OFFSET = 8 // u32: size of the file header
const RECORD_HEADER_BYTES = 16 // id u32, total size u32, timestamp u64
const CODE_LOAD = 0
const CODE_LOAD_FIXED_BYTES = 40 // pid, tid u32; vma, code_addr, code_size, code_index u64

const [file, match = 'turbofan'] = process.argv.slice(2)
if (file === undefined) throw new Error('usage: jitdump-stats.mjs jit-<pid>.dump [name-substring]')
const data = readFileSync(file)
let best
for (let off = data.readUInt32LE(JITDUMP_HEADER_SIZE_OFFSET); off + RECORD_HEADER_BYTES <= data.length;) {
  const id = data.readUInt32LE(off)
  const size = data.readUInt32LE(off + 4)
  if (size === 0) break
  if (id === CODE_LOAD) {
    const codeSize = Number(data.readBigUInt64LE(off + 16 + 24))
    const nameStart = off + RECORD_HEADER_BYTES + CODE_LOAD_FIXED_BYTES
    const nameEnd = data.indexOf(0, nameStart)
    const name = data.toString('utf8', nameStart, nameEnd)
    if (name.includes(match) && (best === undefined || codeSize > best.code.length)) {
      best = { name, code: data.subarray(nameEnd + 1, nameEnd + 1 + codeSize) }
    }
  }
  off += size
}
if (best === undefined) throw new Error(`no function matching "${match}" in ${file}`)
const bin = join(mkdtempSync(join(tmpdir(), 'jitdump-')), 'code.bin')
writeFileSync(bin, best.code)
const asm = execFileSync('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', bin], {
  encoding: 'utf8',
  maxBuffer: 1 << 28
})
const instructions = asm
  .split('\n')
  .map((l) => l.split('\t')[2])
  .filter((i) => i !== undefined && i.trim() !== '')
const mix = new Map()
for (const i of instructions) mix.set(i.split(' ')[0], (mix.get(i.split(' ')[0]) ?? 0) + 1)
const spills = instructions.filter((i) => /\[(rbp|rsp)[-+]/.test(i)).length
process.stdout.write(
  `${best.name}: ${best.code.length} bytes, ${instructions.length} instructions, ${spills} stack accesses\n`
)
for (const [op, n] of [...mix].sort((a, b) => b[1] - a[1]).slice(0, 16))
  process.stdout.write(`  ${op.padEnd(12)} ${n}\n`)
