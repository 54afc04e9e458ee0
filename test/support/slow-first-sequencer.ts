/**
 * Orders test files for `npm test` so that the slowest start first. With two workers,
 * a long file started last leaves one core idle while it finishes alone; started first,
 * the short files fill in around it (longest-first scheduling).
 *
 * Vitest already orders by the durations it cached on an earlier run, but a fresh clone
 * (CI) has no cache and falls back to file size, which puts the browser tests of the
 * docs site (about a third of the suite's wall time) somewhere in the middle. So the
 * files known to be slow are named here, in the order they should start; every other
 * file follows in Vitest's own order.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slow files, slowest first, as measured on two cores (wall seconds in CI, roughly):
 * each one waits on other processes (Chromium, tsc, the grader) for most of its time.
 */
export const SLOW_FIRST: readonly string[] = [
  'test/docs/site.browser.test.ts',
  'test/typecheck.test.ts',
  'test/tools/grade.test.ts',
  'test/exercises.test.ts',
  'test/lessons.test.ts',
  'test/tools/verify.test.ts',
  'test/tools/hint.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = SLOW_FIRST.indexOf(relative(spec.project.config.root, spec.moduleId).split('\\').join('/'));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: files of equal rank keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
