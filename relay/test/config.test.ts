import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../src/config'

const dir = mkdtempSync(join(tmpdir(), 'otedama-config-'))
let n = 0
function file (content: unknown): string {
  const path = join(dir, `c${n++}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}
function problemsOf (fn: () => unknown): string[] {
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
      poolName: 'Test Pool', poolFee: 0.01, poolAddress: LTC_REGTEST_ADDRESS, p2pPort: 30304, stratumPort: 3334, blockchain: 'LITECOIN-REGTEST',
      bootstrapNodes: ['/ip4/127.0.0.1/tcp/30303'],
      daemon: { rpcUrl: 'http://127.0.0.1:19443', rpcCookieFile: '/tmp/.cookie' },
      optimization: { sharePropagation: { strategy: 'adaptive', batchSize: 50, batchInterval: 20 }, validation: { strategy: 'byzantine', minValidators: 3, maxValidators: 5, enablePrediction: true, cacheSize: 500 }, mining: { workerCount: 8 } }
    })
    const { config, warnings } = loadConfig({ argv: ['--config', path, '--http-port', '9000'], env: { OTEDAMA_HTTP_PORT: '8500', OTEDAMA_STRATUM_PORT: '3335' }, cwd: dir })
    expect(config.blockchain).toBe('litecoin-regtest')
    expect(config.poolFee).toBe(0.01)
    expect(config.stratumPort).toBe(3335)
    expect(config.http.port).toBe(9000)
    expect(config.daemon).toEqual({ rpcUrl: 'http://127.0.0.1:19443', rpcCookieFile: '/tmp/.cookie', longpoll: true })
    expect(config.optimization.sharePropagation).toEqual({ batchSize: 50, batchInterval: 20 })
    expect(warnings.join('\n')).toMatch(/optimization\.mining/)
  })

  it('names every wrong type at once', () => {
    const problems = problemsOf(() => loadConfig({ argv: ['--config', file({ poolFee: '1%', p2pPort: 70000, bootstrapNodes: 'x', optimization: { validation: { cacheSize: 1.5 } } })], env: {}, cwd: dir }))
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^poolFee must be a number/),
      expect.stringMatching(/^p2pPort must be between 1 and 65535/),
      expect.stringMatching(/^bootstrapNodes must be a list of strings/),
      expect.stringMatching(/^optimization\.validation\.cacheSize must be a whole number/)
    ]))
  })

  it('refuses unknown keys, consensus constants, and unknown flags', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--config', file({ poolNmae: 'x' })], env: {}, cwd: dir }))[0]).toMatch(/unknown key poolNmae/)
    expect(problemsOf(() => loadConfig({ argv: ['--config', file({ windowShares: 10 })], env: {}, cwd: dir }))[0]).toMatch(/consensus constant/)
    expect(problemsOf(() => loadConfig({ argv: ['--stratum-prot', '1'], env: {}, cwd: dir }))[0]).toMatch(/stratum-prot/)
  })

  it('lists the known chains for an unknown one', () => {
    const [problem] = problemsOf(() => loadConfig({ argv: ['--blockchain', 'dogecoin'], env: {}, cwd: dir }))
    expect(problem).toMatch(/unknown blockchain "dogecoin"; known: devnet, .*litecoin-regtest.*bitcoin/)
  })

  it('refuses an operator address of another network or with a bad checksum', () => {
    const base = ['--blockchain', 'litecoin-regtest', '--rpc-cookie-file', '/tmp/.cookie']
    expect(problemsOf(() => loadConfig({ argv: [...base, '--pool-address', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'], env: {}, cwd: dir }))[0])
      .toMatch(/poolAddress .* is not a valid litecoin-regtest address: .*bitcoin/)
    const corrupted = LTC_REGTEST_ADDRESS.slice(0, -1) + (LTC_REGTEST_ADDRESS.endsWith('v') ? 'w' : 'v')
    expect(problemsOf(() => loadConfig({ argv: [...base, '--pool-address', corrupted], env: {}, cwd: dir }))[0]).toMatch(/poolAddress/)
    expect(loadConfig({ argv: [...base, '--pool-address', LTC_REGTEST_ADDRESS], env: {}, cwd: dir }).config.poolAddress).toBe(LTC_REGTEST_ADDRESS)
  })

  it('checks poolFee range and that a fee has an address', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--pool-fee', '0.5'], env: {}, cwd: dir }))[0]).toMatch(/poolFee must be between 0 and 0.1/)
    expect(problemsOf(() => loadConfig({ argv: ['--pool-fee', '0.01'], env: {}, cwd: dir }))[0]).toMatch(/poolAddress is not set/)
  })

  it('needs daemon auth for daemon chains and refuses a daemon on devnet', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--blockchain', 'bitcoin'], env: {}, cwd: dir }))[0]).toMatch(/rpcCookieFile .* or daemon.rpcUser/)
    expect(problemsOf(() => loadConfig({ argv: ['--rpc-user', 'u', '--rpc-password', 'p'], env: {}, cwd: dir }))[0]).toMatch(/devnet is embedded/)
    expect(problemsOf(() => loadConfig({ argv: [], env: { OTEDAMA_HTTP_PORT: 'eighty' }, cwd: dir }))[0]).toMatch(/OTEDAMA_HTTP_PORT must be a number/)
  })

  it('refuses malformed JSON and half a TLS pair', () => {
    expect(problemsOf(() => loadConfig({ argv: ['--config', file('{"poolName": ')], env: {}, cwd: dir }))[0]).toMatch(/not valid JSON/)
    expect(problemsOf(() => loadConfig({ argv: ['--tls-cert', file('x')], env: {}, cwd: dir }))[0]).toMatch(/set both or neither/)
  })
})
