import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The slow tier (`npm run test:slow`, vitest.slow.config.ts): million-customer theory runs
    // and random-mix invariants.
    exclude: [...configDefaults.exclude, 'test/**/*.slow.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Queueing-theory checks are CPU-bound; two workers match the 2-core machines.
    maxWorkers: 2,
  },
});
