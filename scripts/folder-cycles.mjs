// Part of `npm run lint`: no two folders import each other (eslint's import-x/no-cycle sees cycles
// between files; this sees them between folders, e.g. shared/src/chain <-> shared/src/sharechain or
// relay/src/http <-> relay/src/monitor, type-only imports included). Each area's folder under
// shared/src, relay/src, web/src, rig/src and sim/src is a node; relative imports and @otedama/shared/<area>
// imports are its edges. Files at a part's top (relay/src/main.ts, shared/src/log.ts, all of sim/src) are
// left to eslint's file-level check. Prints every pair found and exits 1, or says how many folders it checked.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const PARTS = ['shared/src', 'relay/src', 'web/src', 'rig/src', 'sim/src']
const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm

/** The folder a repo-relative path belongs to: `<part>/<first folder>`; undefined for a file at a part's top. */
function areaOf(path) {
  const part = PARTS.find((p) => path === p || path.startsWith(p + '/'))
  if (part === undefined) return undefined
  const rest = path.slice(part.length + 1).split('/')
  return rest.length > 1 ? `${part}/${rest[0]}` : undefined
}

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* sources(path)
    else if (/\.(ts|svelte)$/.test(name)) yield path
  }
}

const edges = new Map()
for (const part of PARTS) {
  for (const file of sources(join(ROOT, part))) {
    const from = areaOf(relative(ROOT, file))
    if (from === undefined) continue
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      let to
      if (spec.startsWith('.')) to = areaOf(relative(ROOT, normalize(join(dirname(file), spec))))
      else if (spec.startsWith('@otedama/shared/')) to = areaOf(`shared/src/${spec.split('/')[2]}/index.ts`)
      if (to === undefined || to === from) continue
      if (!edges.has(from)) edges.set(from, new Set())
      edges.get(from).add(to)
    }
  }
}

const cycles = []
for (const [a, tos] of edges) for (const b of tos) if (a < b && edges.get(b)?.has(a)) cycles.push(`${a} <-> ${b}`)
if (cycles.length > 0) {
  process.stderr.write(`folders that import each other:\n  ${cycles.join('\n  ')}\n`)
  process.exit(1)
}
process.stdout.write(`no folder import cycles (${edges.size} folders)\n`)
