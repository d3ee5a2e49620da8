import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One root config for the whole monorepo. `npm test` (scripts/test.mjs) runs
// it twice: RELATA_TEST_ENGINE=pglite, then RELATA_TEST_ENGINE=postgres with
// RELATA_TEST_DATABASE_URL pointing at a throwaway PostgreSQL server.
const engine = process.env.RELATA_TEST_ENGINE ?? 'pglite';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) without an exports map: Node,
    // and so Pothos and yoga, load the CJS build, while Vite would hand our
    // sources the ESM one, and graphql refuses types from "another realm".
    // Give our sources the build Node uses, as in production.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
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
