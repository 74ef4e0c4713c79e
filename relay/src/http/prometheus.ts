import type { MetricsSnapshot, StatusView } from './views'

/** Prometheus text exposition format 0.0.4, written by hand (a dozen gauges need no library). */
interface Metric { name: string, help: string, type: 'gauge' | 'counter', value: number | undefined, labels?: Record<string, string> }

function escapeLabel (v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

export function renderPrometheus (m: MetricsSnapshot, status: StatusView): string {
  const metrics: Metric[] = [
    { name: 'otedama_info', help: 'Relay network and template source (value 1).', type: 'gauge', value: 1, labels: { network: status.network, source: status.source.kind } },
    { name: 'otedama_block_height', help: 'Height of the block being mined.', type: 'gauge', value: m.blockHeight },
    { name: 'otedama_share_height', help: 'Height of the share-chain tip.', type: 'gauge', value: m.shareHeight },
    { name: 'otedama_shares_accepted_total', help: 'Shares accepted into the share chain since start.', type: 'counter', value: m.sharesAccepted },
    { name: 'otedama_shares_rejected_total', help: 'Shares rejected (provably invalid) since start.', type: 'counter', value: m.sharesRejected },
    { name: 'otedama_pool_hashrate', help: 'Pool hashrate estimated from recent shares, hashes per second.', type: 'gauge', value: m.poolHashrate },
    { name: 'otedama_rigs', help: 'Connected Stratum rigs.', type: 'gauge', value: m.rigs },
    { name: 'otedama_rig_hashrate', help: 'Hashrate of this relay\'s Stratum rigs, hashes per second.', type: 'gauge', value: m.rigHashrate },
    { name: 'otedama_peers', help: 'Connected libp2p peers.', type: 'gauge', value: m.peers },
    { name: 'otedama_source_healthy', help: '1 when the template source (daemon or devnet) is healthy.', type: 'gauge', value: m.sourceHealthy ? 1 : 0 },
    { name: 'otedama_template_age_seconds', help: 'Age of the current template, seconds.', type: 'gauge', value: m.templateAgeSeconds },
    { name: 'otedama_blocks_found_total', help: 'Blocks this relay submitted since start.', type: 'counter', value: m.blocksFound },
    { name: 'otedama_quorum_templates', help: 'Templates tallied now, by whether their quorum confirmed them (more than 2/3 of committee weight).', type: 'gauge', value: m.quorum?.templatesConfirmed, labels: { state: 'confirmed' } },
    { name: 'otedama_quorum_templates', help: 'Templates tallied now, by whether their quorum confirmed them (more than 2/3 of committee weight).', type: 'gauge', value: m.quorum?.templatesUnconfirmed, labels: { state: 'unconfirmed' } },
    { name: 'otedama_quorum_blocks', help: 'Blocks tallied now, by whether their quorum confirmed a status.', type: 'gauge', value: m.quorum?.blocksConfirmed, labels: { state: 'confirmed' } },
    { name: 'otedama_quorum_blocks', help: 'Blocks tallied now, by whether their quorum confirmed a status.', type: 'gauge', value: m.quorum?.blocksUnconfirmed, labels: { state: 'unconfirmed' } },
    { name: 'otedama_quorum_relays', help: 'Relays known as committee candidates, this one included.', type: 'gauge', value: m.quorum?.relays }
  ]
  const lines: string[] = []
  const described = new Set<string>()
  for (const metric of metrics) {
    if (metric.value === undefined || !Number.isFinite(metric.value)) continue
    // One HELP/TYPE per metric name; labelled series of the same name follow it.
    if (!described.has(metric.name)) lines.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`)
    described.add(metric.name)
    const labels = metric.labels === undefined ? '' : `{${Object.entries(metric.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
    lines.push(`${metric.name}${labels} ${metric.value}`)
  }
  return lines.join('\n') + '\n'
}
