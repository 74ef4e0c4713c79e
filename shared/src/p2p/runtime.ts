// shared/ compiles without DOM or Node typings; the few runtime globals the P2P code uses exist in both
// (WHATWG timers, AbortSignal.timeout) and are typed here by what we use.

export type TimerHandle = { readonly __timer: unique symbol }

/** The subset of AbortSignal our framing passes through to libp2p streams. */
export interface AbortSignalLike {
  readonly aborted: boolean
}

interface RuntimeGlobals {
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle | undefined): void
  setInterval(callback: () => void, ms: number): TimerHandle
  clearInterval(handle: TimerHandle | undefined): void
  AbortSignal: { timeout(ms: number): AbortSignalLike }
}

const runtime = globalThis as unknown as RuntimeGlobals

export const setTimer = (callback: () => void, ms: number): TimerHandle => runtime.setTimeout(callback, ms)
export const clearTimer = (handle: TimerHandle | undefined): void => runtime.clearTimeout(handle)
export const setRepeating = (callback: () => void, ms: number): TimerHandle => runtime.setInterval(callback, ms)
export const clearRepeating = (handle: TimerHandle | undefined): void => runtime.clearInterval(handle)
export const timeoutSignal = (ms: number): AbortSignalLike => runtime.AbortSignal.timeout(ms)
