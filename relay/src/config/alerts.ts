// The alert rules' settings: the checks that need more than one key (URLs, pairs, addresses). Their defaults are in schema.ts.
import { AddressError, addressToScript } from '@otedama/shared/address'
import type { ChainParams } from '@otedama/shared/chain'
import { schemaDefaults, TELEGRAM_API_URL } from './schema'
import type { AlertsConfig } from './types'

/** The alert settings every relay starts with when its config names none (tests build configs by hand). */
export function defaultAlertsConfig(): AlertsConfig {
  const defaults = schemaDefaults()
  return assembleAlerts((path) => defaults.get(path), undefined, [])
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}

/** Builds the alerts section from loaded values; adds a problem for each bad URL, half a Telegram pair, or a foreign address. */
export function assembleAlerts(
  get: (path: string) => unknown,
  params: ChainParams | undefined,
  problems: string[]
): AlertsConfig {
  const n = (path: string): number => get(`alerts.${path}`) as number
  const b = (path: string): boolean => get(`alerts.${path}`) as boolean
  const list = (path: string): string[] => (get(`alerts.${path}`) as string[] | undefined) ?? []
  const webhooks = list('webhooks')
  const discordWebhooks = list('discordWebhooks')
  for (const [key, urls] of [
    ['alerts.webhooks', webhooks],
    ['alerts.discordWebhooks', discordWebhooks]
  ] as const) {
    // The URL itself may hold a secret (Discord's token): the message shows only its start.
    for (const url of urls)
      if (!isHttpUrl(url)) problems.push(`${key} entry "${url.slice(0, 24)}…" is not an http:// or https:// URL`)
  }
  const botToken = get('alerts.telegram.botToken') as string | undefined
  const chatId = get('alerts.telegram.chatId') as string | undefined
  const apiUrl = (get('alerts.telegram.apiUrl') as string | undefined) ?? TELEGRAM_API_URL
  if ((botToken === undefined) !== (chatId === undefined))
    problems.push('alerts.telegram.botToken and alerts.telegram.chatId go together: set both or neither')
  if (!isHttpUrl(apiUrl))
    problems.push(`alerts.telegram.apiUrl "${apiUrl.slice(0, 80)}" is not an http:// or https:// URL`)
  const addresses = list('addressOffline.addresses').map((a) => a.trim())
  if (params !== undefined) {
    for (const address of addresses) {
      try {
        addressToScript(address, params.addresses)
      } catch (err) {
        problems.push(
          `alerts.addressOffline.addresses entry "${address.slice(0, 100)}" is not a valid ${params.name} address: ${err instanceof AddressError ? err.message : String(err)}`
        )
      }
    }
  }
  const rule = (name: string): { enabled: boolean; holdSeconds: number } => ({
    enabled: b(`${name}.enabled`),
    holdSeconds: n(`${name}.holdSeconds`)
  })
  return {
    rigOffline: { enabled: b('rigOffline.enabled'), offlineSeconds: n('rigOffline.offlineSeconds') },
    addressOffline: {
      enabled: b('addressOffline.enabled'),
      offlineSeconds: n('addressOffline.offlineSeconds'),
      addresses
    },
    hashrateDrop: { ...rule('hashrateDrop'), percent: n('hashrateDrop.percent') },
    rejectRate: {
      ...rule('rejectRate'),
      percent: n('rejectRate.percent'),
      windowSeconds: n('rejectRate.windowSeconds')
    },
    staleRate: { ...rule('staleRate'), percent: n('staleRate.percent'), windowSeconds: n('staleRate.windowSeconds') },
    noPeers: rule('noPeers'),
    daemonUnhealthy: rule('daemonUnhealthy'),
    blockOrphaned: { enabled: b('blockOrphaned.enabled'), keepFiringSeconds: n('blockOrphaned.keepFiringSeconds') },
    memory: { ...rule('memory'), limitMiB: n('memory.limitMiB') },
    webhooks,
    discordWebhooks,
    ...(botToken !== undefined && chatId !== undefined ? { telegram: { apiUrl, botToken, chatId } } : {})
  }
}
