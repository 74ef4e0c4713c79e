// The command line, cpuminer's spelling: what it accepts, and every problem listed at once.
import { describe, expect, it } from 'vitest'
import { parseRigArgs, parseStratumUrl, RigUsageError } from '../src/cli-options'

function problems(argv: string[]): string[] {
  try {
    parseRigArgs(argv)
  } catch (err) {
    if (err instanceof RigUsageError) return err.problems
    throw err
  }
  throw new Error('accepted')
}

describe('rig command line', () => {
  it('takes -o -u -p -t -a as cpuminer does, with --duty, --scantime and --extranonce-subscribe', () => {
    const parsed = parseRigArgs([
      '-o',
      'stratum+tcp://127.0.0.1:3333',
      '-u',
      'odev1qaddr.rig1',
      '-p',
      'd=0.001',
      '-t',
      '2',
      '-a',
      'scrypt',
      '--duty',
      '0.5',
      '-s',
      '0',
      '--extranonce-subscribe'
    ])
    expect(parsed).toEqual({
      help: false,
      options: {
        endpoint: { host: '127.0.0.1', port: 3333 },
        user: 'odev1qaddr.rig1',
        password: 'd=0.001',
        threads: 2,
        algorithm: 'scrypt',
        dutyCycle: 0.5,
        scantimeSeconds: 0,
        extranonceSubscribe: true
      }
    })
    const defaults = parseRigArgs(['--url=stratum+tcp://pool:3333', '--user', 'a'])
    expect(
      defaults.help === false &&
        defaults.options.password === 'x' &&
        defaults.options.algorithm === 'sha256d' &&
        defaults.options.dutyCycle === 1
    ).toBe(true)
    expect(parseRigArgs(['-h'])).toEqual({ help: true })
  })

  it('-o repeated gives backup pools, in the order given; a bad one is named', () => {
    const parsed = parseRigArgs([
      '-o',
      'stratum+tcp://relay-a:3333',
      '-o',
      'relay-b:3334',
      '--url',
      'stratum+tcp://relay-c:3335',
      '-u',
      'odev1qaddr.rig1'
    ])
    expect(parsed.help === false && parsed.options.endpoint).toEqual({ host: 'relay-a', port: 3333 })
    expect(parsed.help === false && parsed.options.fallbacks).toEqual([
      { host: 'relay-b', port: 3334 },
      { host: 'relay-c', port: 3335 }
    ])
    expect(problems(['-o', 'relay-a:3333', '-o', 'stratum+ssl://relay-b:3333', '-u', 'a']).join('\n')).toMatch(
      /relay-b.*only stratum\+tcp/
    )
  })

  it('lists every problem at once', () => {
    const p = problems(['-t', '0', '-a', 'x11', '--duty', '2', '--scantime=-1'])
    expect(p.join('\n')).toMatch(/-o stratum\+tcp/)
    expect(p.join('\n')).toMatch(/-u ADDRESS/)
    expect(p.join('\n')).toMatch(/-t must be/)
    expect(p.join('\n')).toMatch(/-a must be sha256d or scrypt/)
    expect(p.join('\n')).toMatch(/--duty/)
    expect(p.join('\n')).toMatch(/--scantime/)
    expect(problems(['--bogus'])[0]).toMatch(/bogus/)
  })

  it('pool URLs: stratum+tcp://HOST:PORT or HOST:PORT, IPv6 in brackets; other schemes and missing ports refused', () => {
    expect(parseStratumUrl('stratum+tcp://relay.example:3333')).toEqual({ host: 'relay.example', port: 3333 })
    expect(parseStratumUrl('10.0.0.5:3334')).toEqual({ host: '10.0.0.5', port: 3334 })
    expect(parseStratumUrl('stratum+tcp://[::1]:3333')).toEqual({ host: '::1', port: 3333 })
    expect(parseStratumUrl('stratum+ssl://relay.example:3333')).toMatch(/only stratum\+tcp/)
    expect(parseStratumUrl('stratum+tcp://relay.example')).toMatch(/port/)
    expect(parseStratumUrl('stratum+tcp://relay.example:99999')).toMatch(/URL|port/)
  })
})
