import { defineConfig } from 'vitest/config';

// One root config for the whole monorepo. `npm test` (scripts/test.mjs) runs
// it twice: RELATA_TEST_ENGINE=pglite, then RELATA_TEST_ENGINE=postgres with
// RELATA_TEST_DATABASE_URL pointing at a throwaway PostgreSQL server.
const engine = process.env.RELATA_TEST_ENGINE ?? 'pglite';

export default defineConfig({
  test: {
    include: ['packages/**/tests/**/*.test.ts', 'examples/**/tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest 4: pool options are top level (`poolOptions` is gone).
    pool: 'forks',
    maxWorkers: 2, // CI machines have 2 cores; override with --maxWorkers
    typecheck: {
      // Type tests (*.test-d.ts) are engine independent: run them in the
      // PGlite pass only, not again in the PostgreSQL pass. Fine when no such
      // files exist.
      enabled: engine !== 'postgres',
      include: ['packages/**/tests/**/*.test-d.ts', 'examples/**/tests/**/*.test-d.ts'],
      // Vitest runs one `tsc -p <tsconfig>`; there is no root tsconfig.json
      // (tsc would print its help and the run would fail), so use the base
      // config, which with no "include" covers every .ts file in the repo.
      tsconfig: './tsconfig.base.json',
      // Errors outside the type-test files are `npm run typecheck`'s job
      // (run per package by turbo before the tests).
      ignoreSourceErrors: true,
    },
  },
});
