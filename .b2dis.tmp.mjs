import { readFileSync } from 'node:fs'
const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]), {env:{abort(){}}})
const e = instance.exports; e.setJob(); for (let i=0;i<30;i++) e.scan(i*4, 4)
