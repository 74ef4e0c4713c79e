import { readFileSync } from 'node:fs'
const ks = []
for (const file of process.argv.slice(2)) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), {env:{abort(){throw new Error('abort')}}})
  const e = instance.exports
  const mem = new Uint8Array(e.memory.buffer)
  for (let i=0;i<80;i++) mem[e.headerPtr()+i]=(i*37+11)&255
  e.setJob(); ks.push({file, e, nonce:0, rates:[]})
}
const B = 64
for (const k of ks) { const t0 = performance.now(); while (performance.now()-t0 < 400) { k.e.scan(k.nonce, B); k.nonce += B } }
const R=+(process.env.ROUNDS||15); for (let r=0;r<R;r++) for (const k of ks) { let n=0; const t=performance.now(); while (performance.now()-t < 300){ k.e.scan(k.nonce, B); k.nonce+=B; n+=B } k.rates.push(n/(performance.now()-t)) }
const med = a => [...a].sort((x,y)=>x-y)[a.length>>1]
for (const k of ks) console.log(k.file.padEnd(50), 'kH/s median', med(k.rates).toFixed(2), 'paired ratio', med(k.rates.map((x,i)=>x/ks[0].rates[i])).toFixed(3), '')
