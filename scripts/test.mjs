// `npm test`: type check, lint (eslint.config.js), formatting (Prettier, .prettierrc.json), build what the tests load (kernels, PWA), then unit, integration and e2e
// tests in one vitest run, so the closing `N passed, N failed` line counts them all.
import { spawnSync } from 'node:child_process'

function run(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', shell: false })
  if (res.status !== 0) {
    process.stdout.write(`\n0 passed, 1 failed\n`)
    process.exit(res.status ?? 1)
  }
}

run('npm', ['run', '--silent', 'typecheck'])
run('npm', ['run', '--silent', 'lint'])
run('npm', ['run', '--silent', 'format:check'])
run('npm', ['run', '--silent', 'build'])
run('npx', ['vitest', 'run', ...process.argv.slice(2)])
