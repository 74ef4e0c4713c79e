// Node 20 lacks two things libp2p 3 expects of its runtime (docs/field-notes.md (libp2p)): Promise.withResolvers
// (Node 22) and a global WebSocket (Node 22; the WebSockets transport dials with it). Installed once,
// here, before any libp2p module runs; on newer Node both are left alone.
import { WebSocket as NodeWebSocket } from 'ws'

interface PromiseWithResolversShim {
  withResolvers?<T>(): {
    promise: Promise<T>
    resolve: (value: T | PromiseLike<T>) => void
    reject: (reason?: unknown) => void
  }
}

const PromiseCtor = Promise as unknown as PromiseWithResolversShim
if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

const g = globalThis as { WebSocket?: unknown }
if (typeof g.WebSocket !== 'function') g.WebSocket = NodeWebSocket

export {}
