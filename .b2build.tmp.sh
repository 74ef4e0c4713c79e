set -e
cd /work/main
npx asc web/src/miner/kernels/as/scrypt-scalar.ts -O3 --runtime stub --noAssert -o web/src/miner/kernels/build/scrypt-scalar.wasm 2>&1 | grep -v nodedir || true
npx asc web/src/miner/kernels/as/scrypt-simd.ts -O3 --runtime stub --noAssert --enable simd -o web/src/miner/kernels/build/scrypt-simd.wasm 2>&1 | grep -v nodedir || true
