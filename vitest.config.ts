import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// Three projects: fast unit tests, integration tests with real daemons and sockets, and
// whole-system e2e tests in Debian's Chromium. `npm test` runs them in that order.
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        plugins: [svelte()],
        test: {
          name: 'unit',
          include: ['shared/test/**/*.test.ts', 'relay/test/**/*.test.ts', 'web/test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts'],
          testTimeout: 30_000
        }
      },
      {
        test: {
          name: 'integration',
          include: ['**/test/**/*.int.test.ts'],
          exclude: ['node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false
        }
      }
    ]
  }
})
