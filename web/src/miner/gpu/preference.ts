// The user's GPU setting: whether the pool may start its WebGPU worker, kept in localStorage under
// GPU_PREFERENCE_KEY: 'off'; 'on' (the default: hardware adapters only); 'any' (software adapters such
// as SwiftShader too: they run on the CPU and would only slow the WebAssembly workers, so only for
// tests and for trying the kernel). The consent step already covers mining; the GPU only adds speed.
export const GPU_PREFERENCE_KEY = 'otedama.miner.gpu'

export type GpuPreference = 'off' | 'on' | 'any'

export function gpuPreference(): GpuPreference {
  try {
    const stored = globalThis.localStorage?.getItem(GPU_PREFERENCE_KEY)
    return stored === 'off' || stored === 'any' ? stored : 'on'
  } catch {
    return 'on' // storage blocked (private mode): the default
  }
}

export function gpuAllowed(): boolean {
  return gpuPreference() !== 'off'
}

export function setGpuAllowed(allowed: boolean): void {
  try {
    globalThis.localStorage?.setItem(GPU_PREFERENCE_KEY, allowed ? 'on' : 'off')
  } catch {
    // storage blocked: the default stays
  }
}
