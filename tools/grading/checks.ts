/**
 * The checks every exercise must pass before a learner sees it, run by `npm test`
 * (test/exercises.test.ts) and by authors (`npx tsx tools/grading/verify.ts NN`):
 *
 * - the reference solution passes every graded test;
 * - the untouched starter fails at least one (so the grader can never be trivially
 *   green), and fails by behaviour: starter, tests and solution all type-check;
 * - the files are all there: a starter with a TODO, graded tests, a solution for each
 *   starter file, and hints (at least two, the last pointing into lib/).
 *
 * Both subjects are graded in one Vitest run. Tests: `test/tools/verify.test.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { Exercise } from '../workbook/catalog.ts';
import { hintProblems } from '../workbook/hints.ts';
import { runGradedTests, type Tally } from './run-tests.ts';
import { formatTypeProblem, typeCheck } from './typecheck.ts';

/** Which check a problem comes from. */
export type ProblemKind = 'solution' | 'starter' | 'types' | 'files';

/** One thing wrong with an exercise, said so that its author knows what to fix. */
export interface Problem {
  readonly kind: ProblemKind;
  readonly message: string;
}

/** An exercise's checks: the two tallies and every problem found. */
export interface Verdict {
  readonly exercise: string;
  readonly solution: { readonly passed: number; readonly total: number };
  readonly starter: { readonly passed: number; readonly total: number };
  readonly problems: readonly Problem[];
}

/**
 * Check `exercises` of the workbook at `root`. With `isolate` false, test files share
 * a worker's modules: several times faster for `npm test`, and sound as long as graded
 * tests keep to their own objects (they build their own resources and Sites).
 */
export async function checkExercises(root: string, exercises: readonly Exercise[], options: { isolate?: boolean } = {}): Promise<Verdict[]> {
  // The type-check runs in a worker thread meanwhile (see typecheck.ts).
  const [typeProblems, results] = await Promise.all([
    typeProblemsByExercise(root, exercises),
    runGradedTests({ root, exercises, subjects: ['solution', 'exercise'], isolate: options.isolate ?? true }),
  ]);
  return exercises.map((exercise) => {
    const solution = results.get('solution')!.get(exercise.name)!;
    const starter = results.get('exercise')!.get(exercise.name)!;
    const problems = [
      ...fileProblems(exercise),
      ...(typeProblems.get(exercise.name) ?? []),
      ...solutionProblems(solution),
      ...starterProblems(starter),
    ];
    return { exercise: exercise.name, solution: count(solution), starter: count(starter), problems };
  });
}

/** Problems with the files themselves (no tests needed to find these). */
export function fileProblems(exercise: Exercise): Problem[] {
  const problems: string[] = [];
  if (exercise.starterFiles.length === 0) problems.push('no starter file: put the file the learner edits (a .ts file) in the exercise folder');
  if (exercise.testFiles.length === 0) problems.push('no graded tests: add *.test.ts files');
  const todo = exercise.starterFiles.some((f) => readFileSync(f, 'utf8').includes('TODO'));
  if (exercise.starterFiles.length > 0 && !todo) problems.push('the starter has no TODO: mark what the learner is to write');
  for (const file of exercise.starterFiles) {
    const solution = join(exercise.solutionDir, basename(file));
    if (!existsSync(solution)) problems.push(`no reference solution for ${basename(file)} (expected solutions/${exercise.name}/${basename(file)})`);
  }
  if (!existsSync(exercise.hintsPath)) problems.push('no hints.md');
  else problems.push(...hintProblems(readFileSync(exercise.hintsPath, 'utf8')).map((p) => `hints.md ${p}`));
  return problems.map((message) => ({ kind: 'files', message }));
}

/** The solution must pass every graded test, and there must be some. */
export function solutionProblems(tally: Tally): Problem[] {
  if (tally.total > 0 && tally.passed === tally.total && tally.failures.length === 0) return [];
  const details = tally.failures.slice(0, 3).map((f) => `\n  ✗ ${f.test}: ${firstLines(f.message, 6)}`).join('');
  return [{ kind: 'solution', message: `solution fails: it passes ${tally.passed} of ${tally.total} graded tests${details}` }];
}

/** The untouched starter must fail at least one graded test. */
export function starterProblems(tally: Tally): Problem[] {
  if (tally.total === 0 || tally.passed < tally.total || tally.failures.length > 0) return [];
  return [{
    kind: 'starter',
    message: `starter does not fail: all ${tally.total} graded tests pass on the starter, so the grader proves nothing ` +
      '(if the files in exercises/ are your own finished work, that is expected: npm run reset NN puts the starter back)',
  }];
}

/** Type-check every exercise's starter, tests and solution in one program. */
async function typeProblemsByExercise(root: string, exercises: readonly Exercise[]): Promise<Map<string, Problem[]>> {
  const solutionFiles = (e: Exercise) => e.starterFiles.map((f) => join(e.solutionDir, basename(f))).filter((f) => existsSync(f));
  const problems = await typeCheck(exercises.flatMap((e) => [...e.starterFiles, ...e.testFiles, ...solutionFiles(e)]));
  const byExercise = new Map<string, Problem[]>();
  for (const exercise of exercises) {
    const own = problems.filter((p) => p.file.startsWith(exercise.dir + sep) || p.file.startsWith(exercise.solutionDir + sep));
    byExercise.set(exercise.name, own.map((p) => ({
      kind: 'types',
      message: `${p.file.startsWith(exercise.solutionDir + sep) ? 'solution' : 'starter'} has a type error: ${formatTypeProblem(p, root)}`,
    })));
  }
  return byExercise;
}

function count(tally: Tally): { passed: number; total: number } {
  return { passed: tally.passed, total: tally.total };
}

function firstLines(text: string, n: number): string {
  const lines = text.split('\n');
  return (lines.length > n ? [...lines.slice(0, n), '…'] : lines).join('\n    ');
}

