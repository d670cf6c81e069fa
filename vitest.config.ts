import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Subprocess-heavy suites (CLI, oracles, moto): keep the 2-core machine from thrashing.
    maxWorkers: 2,
    pool: 'forks',
  },
});
