import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // HTTP and browser suites each start a built server; keep the 2-core machine calm.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
