// `npm run bench`: runs every bench/*.bench.ts one after the other (each prints its figures and, as its
// last line, one JSON object), then prints one JSON object merging them all as the last line.
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const only = process.argv.slice(2)
const files = readdirSync(new URL('../bench/', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const merged = {}
for (const file of files) {
  process.stdout.write(`\n=== bench/${file}\n`)
  const res = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024
  })
  process.stdout.write(res.stdout)
  const last = res.stdout.trim().split('\n').pop() ?? ''
  try {
    merged[file.replace(/\.bench\.ts$/, '')] = JSON.parse(last)
  } catch {
    merged[file.replace(/\.bench\.ts$/, '')] = { error: `exit ${res.status}, no JSON last line` }
  }
}
process.stdout.write(JSON.stringify(merged) + '\n')
