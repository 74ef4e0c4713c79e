// The monitor's inputs composed from the relay's parts: the API's metrics and rigs, the template
// source's health, the block pipeline's record changes, and the share chain (window, targets, miners).
import { addressToScript } from '@otedama/shared/address'
import type { ChainParams } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { bitsToTarget, targetToWork } from '@otedama/shared/primitives'
import type { ApiContext } from '../http/views'
import type { FoundBlockRecord } from '../store/records'
import type { TemplateSource } from '../template/types'
import type { SharePool } from '../work/pool'
import type { ChainFigures, MinerWindow, MonitorInputs } from './inputs'

/** Addresses whose payout script is remembered (count): watched ones are few; this bounds the cache. */
const MAX_SCRIPT_CACHE = 4096

export interface RelayParts {
  params: ChainParams
  api: ApiContext
  source: TemplateSource
  pool: SharePool
  onBlockChange?: (listener: (record: FoundBlockRecord) => void) => () => void
  network: boolean
}

export function relayMonitorInputs(parts: RelayParts): MonitorInputs {
  const { pool, source, params } = parts
  const scripts = new Map<string, string | null>()
  const scriptOf = (address: string): string | undefined => {
    let hex = scripts.get(address)
    if (hex === undefined) {
      try {
        hex = bytesToHex(addressToScript(address, params.addresses))
      } catch {
        hex = null
      }
      if (scripts.size >= MAX_SCRIPT_CACHE) scripts.clear()
      scripts.set(address, hex)
    }
    return hex ?? undefined
  }

  const chain = (): ChainFigures | undefined => {
    const tip = pool.chain.tip
    const template = source.current()
    const hashesPerShare = Number(targetToWork(bitsToTarget(pool.chain.nextShareBits(tip))))
    return {
      ...(tip !== undefined ? { shareHeight: tip.height } : {}),
      windowShares: pool.rules.windowShares,
      hashesPerShare,
      ...(template !== undefined ? { hashesPerBlock: Number(targetToWork(bitsToTarget(template.bits))) } : {})
    }
  }

  /** Newest share time (ms) per payout script in the window, for the scripts asked for. */
  const lastShares = (wanted: ReadonlySet<string>): Map<string, { atMs: number; height: number; count: number }> => {
    const out = new Map<string, { atMs: number; height: number; count: number }>()
    const tip = pool.chain.tip
    if (tip === undefined || wanted.size === 0) return out
    for (const node of pool.chain.ancestors(tip, pool.rules.windowShares)) {
      if (!wanted.has(node.payoutKey)) continue
      const seen = out.get(node.payoutKey)
      if (seen === undefined) out.set(node.payoutKey, { atMs: node.timestamp * 1000, height: node.height, count: 1 })
      else seen.count++
    }
    return out
  }

  return {
    metrics: () => parts.api.metrics(),
    rigs: () => parts.api.rigs(),
    health: () => source.health(),
    network: parts.network,
    ...(parts.onBlockChange !== undefined ? { onBlockChange: parts.onBlockChange } : {}),
    chain,
    addressLastShares(addresses) {
      const byScript = new Map<string, string>()
      for (const a of addresses) {
        const s = scriptOf(a)
        if (s !== undefined) byScript.set(s, a)
      }
      const found = lastShares(new Set(byScript.keys()))
      return new Map([...found].map(([script, v]) => [byScript.get(script) as string, v.atMs]))
    },
    minerWindow(address): MinerWindow | undefined {
      const script = bytesToHex(addressToScript(address.trim(), params.addresses))
      const v = lastShares(new Set([script])).get(script)
      return v === undefined ? undefined : { sharesInWindow: v.count, lastShareHeight: v.height, lastShareAtMs: v.atMs }
    }
  }
}
