#!/bin/bash
# The WebGPU sha256d rate beside the WebAssembly rate on a machine with a real GPU, in one run:
# bench/miner-browser.bench.ts with Chromium's Vulkan backend. Installs nothing (such machines may
# have no network); checks what it needs and says exactly what is missing. Usage: bash scripts/gpu-bench.sh
set -u
missing=()
command -v node >/dev/null || missing+=("node (Node.js >= 20.19)")
CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$CHROMIUM_PATH" ] || missing+=("chromium (set CHROMIUM_PATH)")
[ -d node_modules/playwright-core ] && [ -d node_modules/vite ] && [ -d node_modules/tsx ] || missing+=("node_modules with playwright-core, vite, tsx (npm ci)")
[ -f web/src/miner/kernels/build/sha256d-simd.wasm ] || missing+=("built kernels (npm run build:kernels)")
echo "host: $(uname -m), $(nproc) cores; $(uptime)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 || echo "note: no libvulkan.so.1 in ldconfig: Chromium's WebGPU will fall back to SwiftShader"
if [ ${#missing[@]} -gt 0 ]; then
  printf 'gpu-bench: cannot run, missing: %s\n' "${missing[@]}"
  exit 2
fi
export CHROMIUM_PATH
# Vulkan for Dawn (WebGPU's backend on Linux); no display needed in headless mode.
export MINER_BENCH_CHROMIUM_ARGS="--enable-features=Vulkan,VulkanFromANGLE --use-angle=vulkan --ignore-gpu-blocklist ${MINER_BENCH_CHROMIUM_ARGS:-}"
MINER_BENCH_ROUNDS=${MINER_BENCH_ROUNDS:-5} exec node --import tsx bench/miner-browser.bench.ts
