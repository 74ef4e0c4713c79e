/** Whether the browser says it is online; the shell shows an offline banner when not. */
export class Connectivity {
  online = $state(typeof navigator !== 'undefined' ? navigator.onLine : true)

  constructor() {
    if (typeof window === 'undefined') return
    window.addEventListener('online', () => {
      this.online = true
    })
    window.addEventListener('offline', () => {
      this.online = false
    })
  }
}
