import { registerSW } from 'virtual:pwa-register'

/** Registers the precaching service worker so the shell loads offline and the app is installable. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  registerSW({ immediate: true })
}
