import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, configHelp, configTable, loadConfig } from '../src/config'
import { describeLeaf, ignoredPaths, leaves } from '../src/config/schema'

const dir = mkdtempSync(join(tmpdir(), 'otedama-config-'))
let n = 0
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}
function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}
// A litecoin regtest P2WPKH address made by litecoind 0.21.2 (getnewaddress '' bech32).
const LTC_REGTEST_ADDRESS = 'rltc1qzrpddxpkcsc33a5dmr9sn65t35zelqdr5phva2'

describe('relay config', () => {
  it('defaults to devnet on 127.0.0.1 with the Otedama ports', () => {
    const { config } = loadConfig({ argv: [], env: {}, cwd: dir })
    expect(config.blockchain).toBe('devnet')
    expect(config.bind).toBe('127.0.0.1')
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 })
    expect([config.p2pPort, config.stratumPort]).toEqual([30303, 3333])
    expect(config.daemon).toBeUndefined()
    expect(config.optimization.validation).toEqual({ cacheSize: 10_000, minValidators: 3, maxValidators: 7 })
  })

  it('reads the Otedama file shape, then env over file, then flags over env', () => {
    const path = file({
      poolName: 'Test Pool',
      poolFee: 0.01,
      poolAddress: LTC_REGTEST_ADDRESS,
      p2pPort: 30304,
      stratumPort: 3334,
      blockchain: 'LITECOIN-REGTEST',
      bootstrapNodes: ['/ip4/127.0.0.1/tcp/30303'],
      daemon: { rpcUrl: 'http://127.0.0.1:19443', rpcCookieFile: '/tmp/.cookie' },
      optimization: {
        sharePropagation: { strategy: 'adaptive', batchSize: 50, batchInterval: 20 },
        validation: {
          strategy: 'byzantine',
          minValidators: 3,
          maxValidators: 5,
          enablePrediction: true,
          cacheSize: 500
        },
        mining: { workerCount: 8 }
      }
    })
    const { config, warnings } = loadConfig({
      argv: ['--config', path, '--http-port', '9000'],
      env: { OTEDAMA_HTTP_PORT: '8500', OTEDAMA_STRATUM_PORT: '3335' },
      cwd: dir
    })
    expect(config.blockchain).toBe('litecoin-regtest')
    expect(config.poolFee).toBe(0.01)
    expect(config.stratumPort).toBe(3335)
    expect(config.http.port).toBe(9000)
    expect(config.daemon).toEqual({
      rpcUrl: 'http://127.0.0.1:19443',
      rpcCookieFile: '/tmp/.cookie',
      backups: [],
      longpoll: true
    })
    expect(config.optimization.sharePropagation).toEqual({ batchSize: 50, batchInterval: 20 })
    expect(warnings.join('\n')).toMatch(/optimization\.mining/)
  })

  it('takes backup daemons in order, credentials out of their URLs, cookie files by position', () => {
    const path = file({
      blockchain: 'litecoin-regtest',
      daemon: {
        rpcUrl: 'http://127.0.0.1:19443',
        rpcCookieFile: '/tmp/a.cookie',
        backupRpcUrls: ['http://10.0.0.2:19443', 'http://u%40x:p%3Aw@10.0.0.3:19443/'],
        backupRpcCookieFiles: ['/tmp/b.cookie', '-']
      }
    })
    const { config } = loadConfig({ argv: ['--config', path], env: {}, cwd: dir })
    expect(config.daemon?.backups).toEqual([
      { rpcUrl: 'http://10.0.0.2:19443', rpcCookieFile: '/tmp/b.cookie' },
      { rpcUrl: 'http://10.0.0.3:19443', rpcUser: 'u@x', rpcPassword: 'p:w' }
    ])
    const flags = loadConfig({
      argv: [
        '--blockchain',
        'litecoin-regtest',
        '--rpc-cookie-file',
        '/tmp/a',
        '--rpc-backup-url',
        'http://127.0.0.1:1',
        '--rpc-backup-url',
        'http://127.0.0.1:2'
      ],
      env: {},
      cwd: dir
    })
    expect(flags.config.daemon?.backups.map((b) => b.rpcUrl)).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2'])
  })

  it('refuses backup daemons it cannot use, and backups on devnet', () => {
    const problems = problemsOf(() =>
      loadConfig({
        argv: [
          '--blockchain',
          'litecoin-regtest',
          '--rpc-cookie-file',
          '/tmp/a',
          '--rpc-backup-url',
          'ftp://x:1',
          '--rpc-backup-url',
          'http://onlyuser@h:1',
          '--rpc-backup-cookie-file',
          '/a',
          '--rpc-backup-cookie-file',
          '/b',
          '--rpc-backup-cookie-file',
          '/c'
        ],
        env: {},
        cwd: dir
      })
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^daemon\.backupRpcUrls\[0\] must start with http/),
        expect.stringMatching(/^daemon\.backupRpcUrls\[1\]: give both user and password/),
        expect.stringMatching(/^daemon\.backupRpcCookieFiles lists 3 files for 2 backup URLs/)
      ])
    )
    expect(
      problemsOf(() => loadConfig({ argv: ['--rpc-backup-url', 'http://127.0.0.1:1'], env: {}, cwd: dir }))
    ).toEqual([expect.stringMatching(/^devnet is embedded/)])
  })

  it("reads the sibling relay's Stratum address for client.reconnect, and refuses a malformed one", () => {
    expect(
      loadConfig({ argv: ['--stratum-sibling', '10.0.0.2:3333'], env: {}, cwd: dir }).config.stratumSibling
    ).toEqual({ host: '10.0.0.2', port: 3333 })
    expect(
      loadConfig({ argv: [], env: { OTEDAMA_STRATUM_SIBLING: '[fd00::2]:3334' }, cwd: dir }).config.stratumSibling
    ).toEqual({ host: 'fd00::2', port: 3334 })
    for (const bad of ['10.0.0.2', '10.0.0.2:0', 'host:70000', 'a b:1']) {
      expect(problemsOf(() => loadConfig({ argv: ['--stratum-sibling', bad], env: {}, cwd: dir }))).toEqual([
        expect.stringMatching(/^stratumSibling must be host:port/)
      ])
    }
  })

  it('names every wrong type at once', () => {
    const problems = problemsOf(() =>
      loadConfig({
        argv: [
          '--config',
          file({ poolFee: '1%', p2pPort: 70000, bootstrapNodes: 'x', optimization: { validation: { cacheSize: 1.5 } } })
        ],
        env: {},
        cwd: dir
      })
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^poolFee must be a number/),
        expect.stringMatching(/^p2pPort must be between 1 and 65535/),
        expect.stringMatching(/^bootstrapNodes must be a list of strings/),
        expect.stringMatching(/^optimization\.validation\.cacheSize must be a whole number/)
      ])
    )
  })

  it('refuses unknown keys, consensus constants, and unknown flags', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--config', file({ poolNmae: 'x' })], env: {}, cwd: dir }))[0]).toMatch(
      /unknown key poolNmae/
    )
    expect(
      problemsOf(() => loadConfig({ argv: ['--config', file({ windowShares: 10 })], env: {}, cwd: dir }))[0]
    ).toMatch(/consensus constant/)
    expect(problemsOf(() => loadConfig({ argv: ['--stratum-prot', '1'], env: {}, cwd: dir }))[0]).toMatch(
      /stratum-prot/
    )
  })

  it('lists the known chains for an unknown one', () => {
    const [problem] = problemsOf(() => loadConfig({ argv: ['--blockchain', 'dogecoin'], env: {}, cwd: dir }))
    expect(problem).toMatch(/unknown blockchain "dogecoin"; known: devnet, .*litecoin-regtest.*bitcoin/)
  })

  it('refuses an operator address of another network or with a bad checksum', () => {
    const base = ['--blockchain', 'litecoin-regtest', '--rpc-cookie-file', '/tmp/.cookie']
    expect(
      problemsOf(() =>
        loadConfig({
          argv: [...base, '--pool-address', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
          env: {},
          cwd: dir
        })
      )[0]
    ).toMatch(/poolAddress .* is not a valid litecoin-regtest address: .*bitcoin/)
    const corrupted = LTC_REGTEST_ADDRESS.slice(0, -1) + (LTC_REGTEST_ADDRESS.endsWith('v') ? 'w' : 'v')
    expect(
      problemsOf(() => loadConfig({ argv: [...base, '--pool-address', corrupted], env: {}, cwd: dir }))[0]
    ).toMatch(/poolAddress/)
    expect(
      loadConfig({ argv: [...base, '--pool-address', LTC_REGTEST_ADDRESS], env: {}, cwd: dir }).config.poolAddress
    ).toBe(LTC_REGTEST_ADDRESS)
  })

  it('checks poolFee range and that a fee has an address', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--pool-fee', '0.5'], env: {}, cwd: dir }))[0]).toMatch(
      /poolFee must be between 0 and 0.1/
    )
    expect(problemsOf(() => loadConfig({ argv: ['--pool-fee', '0.01'], env: {}, cwd: dir }))[0]).toMatch(
      /poolAddress is not set/
    )
  })

  it('needs daemon auth for daemon chains and refuses a daemon on devnet', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--blockchain', 'bitcoin'], env: {}, cwd: dir }))[0]).toMatch(
      /rpcCookieFile .* or daemon.rpcUser/
    )
    expect(
      problemsOf(() => loadConfig({ argv: ['--rpc-user', 'u', '--rpc-password', 'p'], env: {}, cwd: dir }))[0]
    ).toMatch(/devnet is embedded/)
    expect(problemsOf(() => loadConfig({ argv: [], env: { OTEDAMA_HTTP_PORT: 'eighty' }, cwd: dir }))[0]).toMatch(
      /OTEDAMA_HTTP_PORT must be a number/
    )
  })

  it('refuses malformed JSON and half a TLS pair', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--config', file('{"poolName": ')], env: {}, cwd: dir }))[0]).toMatch(
      /not valid JSON/
    )
    expect(problemsOf(() => loadConfig({ argv: ['--tls-cert', file('x')], env: {}, cwd: dir }))[0]).toMatch(
      /set both or neither/
    )
  })

  it('takes numbers from env and flags only in decimal digits: 0x10, 1e3, 0b1, Infinity and blanks are refused', () => {
    for (const text of ['0x10', '1e3', '0b1', '0o7', 'Infinity', ' ', '', '1_000', '+5']) {
      const problems = problemsOf(() => loadConfig({ argv: [], env: { OTEDAMA_POOL_FEE: text }, cwd: dir }))
      expect(problems[0], text).toMatch(/OTEDAMA_POOL_FEE must be a number written in decimal digits, got/)
    }
    expect(problemsOf(() => loadConfig({ argv: ['--stratum-port', '0x10'], env: {}, cwd: dir }))[0]).toMatch(
      /--stratum-port must be a number written in decimal digits \(a whole number\)/
    )
    expect(problemsOf(() => loadConfig({ argv: ['--stratum-port', '3333.5'], env: {}, cwd: dir }))[0]).toMatch(
      /--stratum-port must be a number written in decimal digits \(a whole number\)/
    )
    expect(
      loadConfig({
        argv: ['--stratum-port', '3334'],
        env: { OTEDAMA_POOL_FEE: '0.01', OTEDAMA_POOL_ADDRESS: 'odev1qqyqszqgpqyqszqgpqyqszqgpqyqszqgpv4vgpv' },
        cwd: dir
      }).config.stratumPort
    ).toBe(3334)
  })

  it('starts every key at the default its schema leaf names, and --help prints each default', () => {
    const { config } = loadConfig({ argv: [], env: {}, cwd: dir })
    const help = configHelp()
    let checked = 0
    for (const [path, leaf] of leaves()) {
      if (leaf.default === undefined && leaf.derivedDefault === undefined) continue
      expect(
        help.split('\n').find((l) => l.includes(` ${path} `)),
        path
      ).toContain(describeLeaf(leaf))
      let value: unknown = config
      for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key]
      // Sections a devnet relay does not build (daemon, telegram) hold no value to compare.
      if (value === undefined || leaf.default === undefined) continue
      expect(value, path).toEqual(leaf.default)
      checked++
    }
    expect(checked).toBeGreaterThan(30)
  })

  it('the README key table is the one the schema generates, and keys accepted without effect only warn', () => {
    const whole = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const start = whole.indexOf('| key | flag | environment | meaning |')
    const table = whole.slice(start, whole.indexOf('\n\n', start))
    expect(table, 'relay/README.md differs from `npm run relay -- config table`: paste its output there').toBe(
      configTable()
    )
    // And each key accepted without effect really is: a warning, no refusal.
    const legacy = {
      optimization: {
        sharePropagation: { strategy: 'adaptive' },
        validation: { strategy: 'byzantine', enablePrediction: true },
        mining: { workerCount: 8 },
        failover: { strategy: 'adaptive' }
      }
    }
    const { warnings } = loadConfig({ argv: ['--config', file(legacy)], env: {}, cwd: dir })
    expect(warnings).toHaveLength(ignoredPaths().length)
  })
})
