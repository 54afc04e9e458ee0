/**
 * Runs exercises' graded tests with Vitest, in this process (`createVitest` from
 * `vitest/node`), and reduces Vitest's report to what grading needs: for each exercise,
 * how many tests passed out of how many, and for each failure the test's name and a
 * message a learner can act on (see `explain.ts`).
 *
 * One run can grade the learner's files and the reference solutions at once: each is a
 * Vitest project over the same test files, told apart by `LOOM_SUBJECT` (read by
 * `subject.ts`). Tests: `test/tools/grade.test.ts`, `test/tools/verify.test.ts`.
 */
import { basename, dirname, relative } from 'node:path';
import type { UserConsoleLog } from 'vitest';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { Exercise } from '../workbook/catalog.ts';
import { explainError, type ErrorLike, type Failure } from './explain.ts';

/** Where graded tests live, relative to the workbook root. */
export const GRADED_TESTS = 'exercises/*/*.test.ts';

/**
 * Time limits. A graded test that never ends almost always means the code under test
 * never finished its response, and the learner should hear so within seconds; the
 * limit still leaves room for a loaded two-core machine.
 */
export const GRADED_TEST_LIMITS = { testTimeout: 8_000, hookTimeout: 15_000 } as const;

/** Which copy of the files under test a run loads. */
export type Subject = 'exercise' | 'solution';

/** One exercise's result against one subject. */
export interface Tally {
  passed: number;
  /** Every graded test, skipped ones included: a skipped test is not a passed one. */
  total: number;
  readonly failures: Failure[];
}

/** Results per subject, then per exercise folder name. */
export type Results = Map<Subject, Map<string, Tally>>;

/** What to run. */
export interface RunOptions {
  /** The workbook root (holding `exercises/` and `solutions/`). */
  readonly root: string;
  /** The exercises to grade; those without graded tests get an empty tally. */
  readonly exercises: readonly Exercise[];
  readonly subjects: readonly Subject[];
  /** Keep Vitest's colours in diffs (for a terminal). @default false */
  readonly color?: boolean;
  /**
   * Give every test file fresh modules. Off, a worker reuses `lib/` between files,
   * which makes a run of every exercise about four times cheaper, at the price of
   * letting one file's global changes reach the next. @default true
   */
  readonly isolate?: boolean;
  /** Aborting it cancels the run: what has not finished yet is left out of the tallies. */
  readonly signal?: AbortSignal;
}

/** Run the graded tests of `exercises` against each subject, in one Vitest run. */
export async function runGradedTests(options: RunOptions): Promise<Results> {
  const results: Results = new Map(options.subjects.map((s) => [s, new Map(options.exercises.map((e) => [e.name, emptyTally()]))]));
  const withTests = options.exercises.filter((e) => e.testFiles.length > 0);
  if (withTests.length === 0 || options.subjects.length === 0) return results;

  const logs = new Map<string, string[]>();
  const collector: Reporter = {
    onUserConsoleLog(log: UserConsoleLog) {
      if (log.taskId === undefined) return;
      const printed = logs.get(log.taskId) ?? [];
      printed.push(log.content);
      logs.set(log.taskId, printed);
    },
  };
  const include = withTests.map((e) => `${relative(options.root, e.dir).split('\\').join('/')}/*.test.ts`);
  // Loaded here rather than at the top: Vitest (and Vite under it) takes most of a
  // second to load, which a command that only prints its help or a usage error need not pay.
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest('test', {
    config: false,
    root: options.root,
    watch: false,
    reporters: [collector],
    projects: options.subjects.map((subject) => ({
      test: { name: subject, include, env: { LOOM_SUBJECT: subject }, isolate: options.isolate ?? true, ...GRADED_TEST_LIMITS },
    })),
  });
  const cancel = () => void vitest.cancelCurrentRun('test-failure');
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const run = options.signal?.aborted === true ? { testModules: [], unhandledErrors: [] } : await vitest.start();
    const context: Context = { root: options.root, color: options.color === true, logs };
    for (const module of run.testModules) tallyModule(results, module, context);
    for (const error of run.unhandledErrors) tallyUnhandled(results, error, context);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await vitest.close();
  }
  return results;
}

interface Context {
  readonly root: string;
  readonly color: boolean;
  readonly logs: ReadonlyMap<string, string[]>;
}

function emptyTally(): Tally {
  return { passed: 0, total: 0, failures: [] };
}

function tallyModule(results: Results, module: TestModule, context: Context): void {
  const tally = results.get(module.project.name as Subject)?.get(basename(dirname(module.moduleId)));
  if (tally === undefined) return;
  const tests = [...module.children.allTests()];
  for (const test of tests) tallyTest(tally, test, context);
  // A test file that cannot even load (a throw at the top of the file under test, a
  // missing export) has no tests to fail, so its errors become one failure of their own.
  const moduleErrors = module.errors();
  if (moduleErrors.length > 0 || (module.state() === 'failed' && tests.length === 0)) {
    tally.total += tests.length === 0 ? 1 : 0;
    const name = `${basename(module.moduleId)} could not run`;
    const errors: ErrorLike[] = moduleErrors.length > 0 ? moduleErrors : [{ name: 'Error', message: 'The test file failed before any test ran.' }];
    for (const error of errors) tally.failures.push(explainError(name, error, { ...context, logs: context.logs.get(module.id) ?? [] }));
  }
}

function tallyTest(tally: Tally, test: TestCase, context: Context): void {
  tally.total++;
  const result = test.result();
  if (result.state === 'passed') {
    tally.passed++;
    return;
  }
  const logs = context.logs.get(test.id) ?? [];
  if (result.state === 'failed') {
    for (const error of result.errors) tally.failures.push(explainError(test.fullName, error, { ...context, logs }));
  } else {
    tally.failures.push({ test: test.fullName, message: `This test did not run (${result.state}). Every graded test must run and pass: remove any .skip or .todo.`, logs: [] });
  }
}

/**
 * An error no test caught, such as a promise rejected after its test ended. Vitest names
 * the test file it came from, so the exercise fails with it. Which subject ran the code
 * is not recorded; a stack through `solutions/` blames the solution, anything else the
 * learner's files (or the only subject run).
 */
function tallyUnhandled(results: Results, error: unknown, context: Context): void {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike & { VITEST_TEST_PATH?: string; type?: string };
  const subjects = [...results.keys()];
  const fromSolution = (e.stack ?? '').includes(`${context.root}/solutions/`);
  const subject = fromSolution && subjects.includes('solution') ? 'solution' : subjects.includes('exercise') ? 'exercise' : subjects[0]!;
  const tallies = results.get(subject)!;
  const exercise = e.VITEST_TEST_PATH === undefined ? undefined : basename(dirname(e.VITEST_TEST_PATH));
  const targets = exercise === undefined ? [...tallies.values()] : [tallies.get(exercise)].filter((t) => t !== undefined);
  for (const tally of targets) {
    tally.failures.push(explainError(`${e.type ?? 'Unhandled error'} (outside any test)`, e, { ...context, logs: [] }));
  }
}
