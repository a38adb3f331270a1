import { defineConfig } from 'vitest/config';

// The fault suite: full syncs under injected vendor faults (pnpm test:faults).
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
