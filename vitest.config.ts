import { defineConfig } from 'vitest/config';

// `npm test` runs everything here. The closing-line reporter prints "N passed, N failed"
// last, the line CI reads to count tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
