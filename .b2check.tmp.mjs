import { readFileSync } from 'node:fs'
import { scrypt } from 'hash-wasm'
const file = process.argv[2]
const { instance } = await WebAssembly.instantiate(readFileSync(file), {env:{abort(){throw new Error('abort')}}})
const e = instance.exports
const mem = () => new Uint8Array(e.memory.buffer)
const header = new Uint8Array(80); for (let i=0;i<80;i++) header[i]=(i*37+11)&255
mem().set(header, e.headerPtr()); mem().fill(0xff, e.targetPtr(), e.targetPtr()+32)
e.setJob()
const start = 0xfffffff0, count = 8
const t0 = performance.now(); const n = e.scan(start, count); console.log('found', n, (performance.now()-t0).toFixed(1),'ms')
const r = e.resultsPtr()
for (let i=0;i<n;i++){ const m = mem(); const dv = new DataView(e.memory.buffer); const nonce = dv.getUint32(r+i*36, true)
  const h = Buffer.from(m.slice(r+i*36+4, r+i*36+36)).toString('hex')
  const hh = Buffer.from(header); hh.writeUInt32LE(nonce, 76)
  const ref = await scrypt({password: hh, salt: hh, costFactor:1024, blockSize:1, parallelism:1, hashLength:32, outputType:'hex'})
  console.log(nonce, h===ref ? 'OK' : 'BAD '+h+' '+ref) }
