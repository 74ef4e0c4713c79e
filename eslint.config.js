// The linter (`npm run lint`, part of `npm test`): typescript-eslint's type-aware rules that catch
// real bugs (a promise nobody awaits or catches, misused promises), no import cycles, and no imports
// that reach around a package's faces (`@otedama/shared/<area>` only, never shared/src/...).
import tseslint from 'typescript-eslint'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'web/src/miner/kernels/as/**',
      'web/src/miner/kernels/build/**',
      '**/*.svelte',
      '.svelte-check/**'
    ]
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    // Resolve extensionless TypeScript imports and the @otedama/shared exports map, so cycles are seen.
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js', '.mjs'], conditionNames: ['import', 'default'] })
      ]
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'import-x/no-cycle': ['error', { maxDepth: 8, ignoreExternal: true }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'shared/src/',
              message: 'import @otedama/shared/<area> (its exports map) instead of reaching into shared/src'
            }
          ]
        }
      ]
    }
  }
)
