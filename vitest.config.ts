import { defineConfig } from 'vitest/config';

// One run for the whole workspace: unit tests beside the code (a connector's and its
// emulator's), e2e in test/e2e, and test/postgres (the Postgres test server's own checks).
// Benchmarks and the long fault suite have their own entry points.
export default defineConfig({
  test: {
    include: [
      'core/src/**/*.test.ts',
      'connectors/*/src/**/*.test.ts',
      'connectors/*/emulator/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'test/e2e/**/*.test.ts',
      'test/package/**/*.test.ts',
      'test/postgres/**/*.test.ts',
    ],
    // One throwaway PostgreSQL server for the run (or SPOC_TEST_POSTGRES_URL's); see test/postgres/.
    globalSetup: ['test/postgres/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest-report.json' }]],
  },
});
