import { scrypt } from 'hash-wasm'
const h = new Uint8Array(80)
let t0=performance.now(); let n=0; while(performance.now()-t0<300){ h[76]=n++; await scrypt({password:h,salt:h,costFactor:1024,blockSize:1,parallelism:1,hashLength:32,outputType:'binary'}) }
for (let r=0;r<3;r++){ n=0; t0=performance.now(); while(performance.now()-t0<1000){ h[76]=n++; await scrypt({password:h,salt:h,costFactor:1024,blockSize:1,parallelism:1,hashLength:32,outputType:'binary'}) } console.log('hash-wasm kH/s', (n/(performance.now()-t0)).toFixed(2)) }
