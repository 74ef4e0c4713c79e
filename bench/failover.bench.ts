// `npm run bench -- failover`: three devnet relays (real processes), Chromium tabs and Stratum rigs
// (our CPU rig, rig/src, with the three relays as its pool list) mining against them, while the relays are killed
// and restarted in turn (kill -9 and SIGTERM alternately) for a bounded time. Prints: shares found vs
// shares that reached a relay's share chain (browsers: each share of the tab's IndexedDB history asked
// of every relay, after the outboxes drained or one re-send period passed: on the best chain, credited
// as an uncle, held on an uncredited side branch, given up by the tab as stale (no relay could take it by
// the chain's rules: web/src/peer/outbox.ts), or held by no relay otherwise, which alone is a lost share;
// rigs: accepted submits that met the chain's share target against the chains), how many relays each tab linked to, the time from
// a relay's death to mining again (rigs: first accepted submit on the next relay; tabs: work taken from
// another relay), and blocks found during outages that reached the devnet chain. Last line: JSON.
// Knobs: OTEDAMA_BENCH_FAILOVER_SECONDS (default 200), OTEDAMA_BENCH_FAILOVER_TABS (2), OTEDAMA_BENCH_FAILOVER_RIGS (2);
// OTEDAMA_BENCH_FAILOVER_TAB_LOG=<file> appends every tab's console lines there, OTEDAMA_BENCH_FAILOVER_RELAY_LOG=<file>
// every relay's output (for diagnosis). Each lost share is printed with when it was found and why relays refused it.
import { appendFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../e2e/helpers'
import { consentAndSetAddress, devnetAddress, tabHistory, type TabHistoryRow } from '../e2e/pwa-helpers'
import { relayPorts, spawnRelay, type RelayPorts, type RelayProcess } from '../relay/test/harness/relay-process'
import { testAddress } from '../relay/test/stratum/harness'
import { bytesToHex } from '@otedama/shared/primitives'
import { Rig } from '../rig/src/rig'
import { RESEND_AFTER_MS } from '../web/src/peer/outbox'

/** Whole run (s), each relay's outage (s), and the pause between outages (s). */
const RUN_SECONDS = Number(process.env.OTEDAMA_BENCH_FAILOVER_SECONDS ?? 200)
const OUTAGE_SECONDS = 15
const BETWEEN_OUTAGES_SECONDS = 15
const TAB_LOG = process.env.OTEDAMA_BENCH_FAILOVER_TAB_LOG
const RELAY_LOG = process.env.OTEDAMA_BENCH_FAILOVER_RELAY_LOG
const TABS = Number(process.env.OTEDAMA_BENCH_FAILOVER_TABS ?? 2)
const RIGS = Number(process.env.OTEDAMA_BENCH_FAILOVER_RIGS ?? 2)
/** After the last restart, time for outboxes to drain and chains to settle (ms)... */
const DRAIN_MS = 30_000
/** ...and, while a tab still holds unacknowledged shares, up to one outbox re-send period more (ms). */
const DRAIN_MAX_MS = RESEND_AFTER_MS + 15_000
const DRAIN_POLL_MS = 2_000
/** Start pseudo-share difficulty of the rigs (`d=`): ~430 k hashes, ~0.1 s with the kernel; vardiff moves it from there. */
const RIG_DIFFICULTY = 0.0001
/** Fraction of time each rig's thread hashes: the tabs, three relays and the rigs share the machine's cores. */
const RIG_DUTY_CYCLE = 0.5

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))
const pct = (xs: number[], p: number): number | undefined => {
  if (xs.length === 0) return undefined
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const reverseHex = (hex: string): string => hex.match(/../g)?.reverse().join('') ?? ''

interface RelaySlot {
  name: string
  dir: string
  ports: RelayPorts
  proc?: RelayProcess
  peerAddr?: string
  downSince?: number
}
interface Outage {
  relay: string
  from: number
  to: number
  how: 'SIGKILL' | 'SIGTERM'
}

const slots: RelaySlot[] = []
for (const name of ['A', 'B', 'C'])
  slots.push({ name, dir: await mkdtemp(join(tmpdir(), `otedama-failover-${name}-`)), ports: await relayPorts() })

async function startSlot(slot: RelaySlot): Promise<void> {
  const i = slots.indexOf(slot)
  const sibling = slots[(i + 1) % slots.length]
  const bootstrap = slots.filter((s) => s !== slot && s.peerAddr !== undefined).map((s) => s.peerAddr as string)
  slot.proc = await spawnRelay(slot.dir, {
    ports: slot.ports,
    env: {
      OTEDAMA_STRATUM_SIBLING: `127.0.0.1:${sibling.ports.stratum}`,
      // Each share a relay did not take is logged at debug (relay/src/work/pool.ts): wanted when teeing.
      ...(RELAY_LOG !== undefined ? { OTEDAMA_LOG: 'debug' } : {}),
      ...(bootstrap.length > 0 ? { OTEDAMA_BOOTSTRAP_NODES: bootstrap.join(',') } : {})
    }
  })
  if (RELAY_LOG !== undefined) {
    const tee = (d: Buffer): void => {
      for (const line of d.toString().split('\n')) if (line !== '') appendFileSync(RELAY_LOG, `${slot.name} ${line}\n`)
    }
    slot.proc.child.stdout?.on('data', tee)
    slot.proc.child.stderr?.on('data', tee)
  }
  const status = await slot.proc.get<{ peerId?: string; multiaddrs?: string[] }>('/api/v1/status')
  slot.peerAddr = status.multiaddrs?.find((a) => a.includes('/tcp/') && !a.includes('/ws'))
  delete slot.downSince
}

async function stopSlot(slot: RelaySlot, how: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const proc = slot.proc
  if (proc === undefined) return
  slot.downSince = Date.now()
  proc.child.kill(how)
  await proc.exited
  slot.proc = undefined
}

// Whatever happens, no relay process outlives the bench.
process.on('exit', () => {
  for (const slot of slots) slot.proc?.child.kill('SIGKILL')
})
for (const slot of slots) await startSlot(slot)
process.stderr.write(`relays up: ${slots.map((s) => `${s.name} ${s.proc?.url}`).join(', ')}\n`)

// --- tabs ---------------------------------------------------------------------------------------
const browser: Browser = await launchChromium()
interface TabState {
  page: Page
  switchesAt: number[]
  relaysLinked: Set<string>
  relayDrops: number
}
const tabs: TabState[] = []
for (let i = 0; i < TABS; i++) {
  const context = await browser.newContext()
  const page = await context.newPage()
  const tab: TabState = { page, switchesAt: [], relaysLinked: new Set(), relayDrops: 0 }
  page.on('console', (msg) => {
    const text = msg.text()
    if (TAB_LOG !== undefined) appendFileSync(TAB_LOG, `${new Date().toISOString()} tab${i} ${text}\n`)
    if (/work from relay .* now/.test(text)) tab.switchesAt.push(Date.now())
    const linked = /relay (\S+) linked;/.exec(text)
    if (linked !== null) tab.relaysLinked.add(linked[1])
    if (/relay \S+ link closed/.test(text)) tab.relayDrops++
  })
  const origin = slots[i % slots.length].proc?.url as string
  await consentAndSetAddress(page, origin, devnetAddress(80 + i))
  await page.evaluate(() => {
    ;(globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
      'otedama:log',
      'info'
    )
  })
  await page.getByTestId('mine-toggle').click()
  tabs.push(tab)
}

// --- rigs: our CPU rig (rig/src), one hash thread each, with the three relays as its pool list ----
// (cgminer's backup pools: `npm run rig -- -o A -o B -o C`), each rig starting on a different relay.
interface RigState {
  name: string
  rig: Rig
  submitted: string[]
  accepted: number
  resumeMs: number[]
  remineMs: number[]
  lastDeathAt?: number
  unauthorizedSince?: number
}
const rigStates: RigState[] = []
const slotOfPort = (port: number): RelaySlot | undefined => slots.find((s) => s.ports.stratum === port)

async function startRig(index: number): Promise<void> {
  const pools = slots
    .map((_, k) => slots[(index + k) % slots.length])
    .map((s) => ({ host: '127.0.0.1', port: s.ports.stratum }))
  const rig = new Rig({
    endpoint: pools[0],
    fallbacks: pools.slice(1),
    user: `${testAddress(70 + index)}.rig${index}`,
    password: `d=${RIG_DIFFICULTY}`,
    threads: 1,
    dutyCycle: RIG_DUTY_CYCLE,
    algorithm: 'sha256d'
  })
  const state: RigState = { name: `rig${index}`, rig, submitted: [], accepted: 0, resumeMs: [], remineMs: [] }
  rigStates.push(state)
  // Which relay died: the one the rig was on (its death time, if it is down now), else now (a reconnect order).
  rig.on('disconnected', () => {
    state.lastDeathAt ??= slotOfPort(rig.client.currentEndpoint.port)?.downSince ?? Date.now()
    state.unauthorizedSince ??= state.lastDeathAt
  })
  // Authorized on a relay again: the rig mines (the next accepted submit also waits for a find, ~5 s by vardiff).
  rig.on('mining', () => {
    if (state.unauthorizedSince !== undefined) {
      state.remineMs.push(Date.now() - state.unauthorizedSince)
      delete state.unauthorizedSince
    }
  })
  rig.on('submitted', ({ work, outcome }) => {
    if (outcome.kind !== 'accepted') return
    state.accepted++
    state.submitted.push(bytesToHex(work.hash))
    if (state.lastDeathAt !== undefined) {
      state.resumeMs.push(Date.now() - state.lastDeathAt)
      delete state.lastDeathAt
    }
  })
  await rig.start()
}
for (let i = 0; i < RIGS; i++) await startRig(i)

// --- outages in turn ----------------------------------------------------------------------------
const outages: Outage[] = []
const started = Date.now()
let turn = 0
while ((Date.now() - started) / 1000 + OUTAGE_SECONDS + BETWEEN_OUTAGES_SECONDS <= RUN_SECONDS) {
  await sleep(BETWEEN_OUTAGES_SECONDS * 1000)
  const slot = slots[turn % slots.length]
  const how = turn % 2 === 0 ? 'SIGKILL' : 'SIGTERM'
  const from = Date.now()
  await stopSlot(slot, how)
  process.stderr.write(`${((from - started) / 1000).toFixed(0)} s: relay ${slot.name} stopped (${how})\n`)
  await sleep(OUTAGE_SECONDS * 1000)
  await startSlot(slot)
  outages.push({ relay: slot.name, from, to: Date.now(), how })
  turn++
}
/** A tab's share history as its IndexedDB holds it (found, pending or acknowledged). */
async function historyOf(tab: TabState): Promise<TabHistoryRow[]> {
  return await tabHistory(tab.page)
}
const pendingInTabs = async (): Promise<number> =>
  (await Promise.all(tabs.map(historyOf))).flat().filter((h) => h.status === 'pending').length

await sleep(DRAIN_MS)
const pendingAtDrain = await pendingInTabs()
for (const until = Date.now() + DRAIN_MAX_MS - DRAIN_MS; Date.now() < until && (await pendingInTabs()) > 0;)
  await sleep(DRAIN_POLL_MS)
for (const r of rigStates) await r.rig.stop()

// --- figures ------------------------------------------------------------------------------------
interface ShareView {
  id: string
}
interface BlockRow {
  hash: string
  status: string
  foundAt: number
  shareId?: string
}
const chainIds = new Set<string>()
const blocks = new Map<string, BlockRow>()
for (const slot of slots) {
  const proc = slot.proc
  if (proc === undefined) continue
  for (const s of (await proc.get<{ shares: ShareView[] }>('/api/v1/sharechain?limit=1000')).shares) chainIds.add(s.id)
  for (const b of (await proc.get<{ blocks: BlockRow[] }>('/api/v1/blocks?limit=1000')).blocks) {
    const known = blocks.get(b.hash)
    if (known === undefined || b.status === 'accepted' || b.status === 'confirmed') blocks.set(b.hash, b)
  }
}

/** Where a share stands on the relays that hold it (`/api/v1/sharechain/share/<id>`): the best answer any relay gives. */
type Place = 'main' | 'uncle' | 'side' | 'too-deep' | 'unknown'
const PLACE_RANK: Place[] = ['main', 'uncle', 'too-deep', 'side', 'unknown']
/** What each relay refused a share for lately (the 404 of `/api/v1/sharechain/share/<id>`), by relay name. */
interface Refusal {
  at: string
  origin: string
  mode: string
  kind: string
  reason: string
  detail?: string
}
const refusalsOf = new Map<string, string[]>()
async function placeOnRelays(id: string): Promise<Place> {
  let best: Place = 'unknown'
  const refused: string[] = []
  refusalsOf.set(id, refused)
  for (const slot of slots) {
    if (slot.proc === undefined) continue
    for (const hex of [id, reverseHex(id)]) {
      const res = await fetch(`${slot.proc.url}/api/v1/sharechain/share/${hex}`)
      if (res.status === 404) {
        const body = (await res.json()) as { refused?: Refusal[] }
        for (const r of body.refused ?? [])
          refused.push(
            `${slot.name} ${at(Date.parse(r.at))} ${r.mode} ${r.kind} ${r.reason}${r.detail !== undefined ? ` (${r.detail})` : ''}`
          )
        continue
      }
      if (!res.ok) throw new Error(`share ${hex} on relay ${slot.name}: HTTP ${res.status}`)
      const place = ((await res.json()) as { place: Place }).place
      if (PLACE_RANK.indexOf(place) < PLACE_RANK.indexOf(best)) best = place
    }
  }
  return best
}

/** Seconds since the run started, and the outage that time falls in. */
function at(t: number): string {
  const o = outages.find((x) => t >= x.from && t <= x.to)
  return `${((t - started) / 1000).toFixed(1)} s${o !== undefined ? ` (relay ${o.relay} down)` : ''}`
}
const lostShares: string[] = []
const staleShares: string[] = []
let tabStale = 0
let tabFound = 0
let tabPending = 0
const tabPlaces: Record<Place, number> = { main: 0, uncle: 0, side: 0, 'too-deep': 0, unknown: 0 }
const tabSwitchMs: number[] = []
for (const tab of tabs) {
  const history = await historyOf(tab)
  for (const h of history) {
    tabFound++
    const place = await placeOnRelays(h.id)
    // Held by no relay and given up by the tab as one the chain's rules let no relay take: stale, not lost.
    if (place === 'unknown' && h.status === 'stale') {
      tabStale++
      staleShares.push(`tab${tabs.indexOf(tab)} share ${h.id} found at ${at(h.foundAt)}: ${h.reason ?? 'stale'}`)
      continue
    }
    tabPlaces[place]++
    if (h.status === 'pending') tabPending++
    if (place === 'unknown') {
      const refused = refusalsOf.get(h.id) ?? []
      lostShares.push(
        `tab${tabs.indexOf(tab)} share ${h.id} found at ${at(h.foundAt)}, ${h.status}; refused: ${refused.length > 0 ? refused.join('; ') : 'by no relay'}`
      )
    }
  }
  for (const o of outages) {
    const next = tab.switchesAt.find((t) => t >= o.from && t <= o.to)
    if (next !== undefined) tabSwitchMs.push(next - o.from)
  }
}

// A rig's submit is a share when the chain holds it (a pseudo-share harder than the chain's required target).
let rigShares = 0
let rigAccepted = 0
const rigResumeMs: number[] = []
const rigRemineMs: number[] = []
for (const r of rigStates) {
  rigAccepted += r.accepted
  rigResumeMs.push(...r.resumeMs)
  rigRemineMs.push(...r.remineMs)
  for (const hash of r.submitted) if (chainIds.has(hash) || chainIds.has(reverseHex(hash))) rigShares++
}

const inOutage = (t: number): boolean => outages.some((o) => t >= o.from && t <= o.to)
const outageBlocks = [...blocks.values()].filter((b) => inOutage(b.foundAt))
const outageBlocksInChain = outageBlocks.filter((b) => b.status === 'accepted' || b.status === 'confirmed')
/** What became of the others: orphaned (reached the daemon, lost a race) is not the same as never submitted. */
const outageBlocksByStatus: Record<string, number> = {}
for (const b of outageBlocks) outageBlocksByStatus[b.status] = (outageBlocksByStatus[b.status] ?? 0) + 1

const result = {
  seconds: Math.round((Date.now() - started) / 1000),
  outages: outages.map((o) => `${o.relay} ${o.how} ${Math.round((o.to - o.from) / 1000)} s`),
  tabs: {
    sharesFound: tabFound,
    onBestChain: tabPlaces.main,
    asUncles: tabPlaces.uncle,
    onSideBranches: tabPlaces.side,
    tooDeepToPlace: tabPlaces['too-deep'],
    stale: tabStale,
    lost: tabPlaces.unknown,
    stillPending: tabPending,
    pendingAtDrain,
    relaysLinked: tabs.map((t) => t.relaysLinked.size),
    relayDrops: tabs.map((t) => t.relayDrops),
    switchMsP50: pct(tabSwitchMs, 50),
    switchMsP95: pct(tabSwitchMs, 95),
    switches: tabSwitchMs.length
  },
  rigs: {
    acceptedSubmits: rigAccepted,
    sharesInChain: rigShares,
    resumeMsP50: pct(rigResumeMs, 50),
    resumeMsP95: pct(rigResumeMs, 95),
    resumes: rigResumeMs.length,
    reauthorizedMsP50: pct(rigRemineMs, 50),
    reauthorizedMsP95: pct(rigRemineMs, 95)
  },
  blocks: {
    recorded: blocks.size,
    foundDuringOutages: outageBlocks.length,
    duringOutagesInChain: outageBlocksInChain.length,
    duringOutagesByStatus: outageBlocksByStatus
  }
}
process.stdout.write(
  `tabs: ${tabFound} shares found: ${tabPlaces.main} on a relay's best chain, ${tabPlaces.uncle} credited as uncles, ${tabPlaces.side} on uncredited side branches, ${tabPlaces['too-deep']} too deep to place, ${tabStale} stale (said so by the tab: no relay could take them); ${tabPlaces.unknown} held by no relay, lost (${tabPending} still pending in the outbox)\n`
)
for (const line of staleShares) process.stdout.write(`stale: ${line}\n`)
for (const line of lostShares) process.stdout.write(`lost: ${line}\n`)
process.stdout.write(
  `tabs: ${pendingAtDrain} pending ${DRAIN_MS / 1000} s after the last restart; distinct relays each tab linked to: ${tabs.map((t) => t.relaysLinked.size).join(', ')}; relay links lost: ${tabs.map((t) => t.relayDrops).join(', ')}\n`
)
process.stdout.write(
  `tabs: work taken from another relay after a death: p50 ${result.tabs.switchMsP50 ?? '-'} ms, p95 ${result.tabs.switchMsP95 ?? '-'} ms (${tabSwitchMs.length} switches)\n`
)
process.stdout.write(
  `rigs: ${rigAccepted} accepted submits, ${rigShares} of them shares in a relay's chain; death to next accepted submit p50 ${result.rigs.resumeMsP50 ?? '-'} ms, p95 ${result.rigs.resumeMsP95 ?? '-'} ms (${rigResumeMs.length} moves); death to authorized on the next relay p50 ${result.rigs.reauthorizedMsP50 ?? '-'} ms, p95 ${result.rigs.reauthorizedMsP95 ?? '-'} ms\n`
)
process.stdout.write(
  `blocks: ${blocks.size} recorded, ${outageBlocks.length} found during outages, ${outageBlocksInChain.length} of those in the devnet chain (by status: ${Object.entries(
    outageBlocksByStatus
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')})\n`
)
process.stdout.write(JSON.stringify(result) + '\n')

await browser.close()
for (const slot of slots)
  if (slot.proc !== undefined) {
    slot.proc.child.kill('SIGTERM')
    await slot.proc.exited
  }
for (const slot of slots) await rm(slot.dir, { recursive: true, force: true })
process.exit(0)
