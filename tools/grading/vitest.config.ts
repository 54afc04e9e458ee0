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
import { GRADED_TEST_LIMITS, GRADED_TESTS } from './run-tests.ts';
import { ROOT } from './subject.ts';

export default defineConfig({
  test: {
    root: ROOT,
    include: [GRADED_TESTS],
    ...GRADED_TEST_LIMITS,
  },
});
