// CPU time of Chromium's Web Worker threads, read from /proc (Linux): the browser benches divide
// hashes by it, so on a shared machine they print what an idle one would show beside wall rates.
import { readdirSync, readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_S = 100 // Linux USER_HZ: the unit of utime/stime in /proc/<pid>/task/<tid>/stat
const WORKER_THREAD_NAME = 'DedicatedWorker' // Chromium's name for a Web Worker thread

/** CPU time (ms) used so far by Chromium's Web Worker threads (the bench runs exactly one). */
export function workerCpuMs(): number {
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let tids: string[] = []
    try {
      tids = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue
    }
    for (const tid of tids) {
      let stat = ''
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      } catch {
        continue
      }
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== WORKER_THREAD_NAME) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12]) // utime, stime
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S
}
