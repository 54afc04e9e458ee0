/**
 * The graded tests' own Vitest settings, apart from the library's (`vitest.config.ts`
 * at the root runs `test/`). `npm run grade` and the exercise checks in `npm test` run
 * Vitest with these settings programmatically (tools/grading/run-tests.ts); this file
 * also lets you run the graded tests by hand:
 *
 *     npx vitest run --config tools/grading/vitest.config.ts exercises/07-handling-posts
 *
 * Set `LOOM_SUBJECT=solution` to run them against the reference solutions instead.
 */
import { defineConfig } from 'vitest/config';
import { ROOT } from './subject.ts';

/** Where graded tests live, relative to the workbook root. */
export const GRADED_TESTS = 'exercises/*/*.test.ts';

/**
 * Time limits. A graded test that never ends almost always means the code under test
 * never finished its response, and the learner should hear so within seconds; the
 * limit still leaves room for a loaded two-core machine.
 */
export const GRADED_TEST_LIMITS = { testTimeout: 8_000, hookTimeout: 15_000 } as const;

export default defineConfig({
  test: {
    root: ROOT,
    include: [GRADED_TESTS],
    ...GRADED_TEST_LIMITS,
  },
});
