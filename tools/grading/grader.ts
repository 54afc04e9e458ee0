/**
 * Grades the learner's exercise files in two stages, as a compiler course would: first
 * the type-check (an exercise with a type error stops there, and the error is reported
 * as a type error), then the graded tests of the exercises that type-check.
 * `npm run grade` prints the result (tools/grade.ts). Tests: `test/tools/grade.test.ts`.
 */
import { sep } from 'node:path';
import type { Exercise } from '../workbook/catalog.ts';
import type { ExerciseGrade } from './report.ts';
import { runGradedTests, type Tally } from './run-tests.ts';
import { typeCheck, type TypeProblem } from './typecheck.ts';

/**
 * Grade `exercises` (the learner's own files) under the workbook at `root`.
 *
 * The type-check and the tests run at once, the check in a worker thread, Vitest here:
 * on two cores that saves about a second, the time the slower of them would otherwise
 * wait. The tests of an exercise with a type error still run, but their results are
 * left out, and when every exercise has a type error the run is cancelled.
 */
export async function gradeExercises(root: string, exercises: readonly Exercise[], options: { color?: boolean } = {}): Promise<ExerciseGrade[]> {
  const aborter = new AbortController();
  const testing = runGradedTests({ root, exercises, subjects: ['exercise'], color: options.color === true, signal: aborter.signal });
  let problems: TypeProblem[];
  try {
    problems = await typeCheck(exercises.flatMap((e) => [...e.starterFiles, ...e.testFiles]));
  } catch (error) {
    aborter.abort();
    await testing.catch(() => undefined); // the type-check's failure is the one to report
    throw error;
  }
  const problemsOf = (e: Exercise) => problems.filter((p) => p.file.startsWith(e.dir + sep));
  if (exercises.every((e) => problemsOf(e).length > 0)) aborter.abort();
  const tallies = (await testing).get('exercise')!;
  return exercises.map((exercise) => {
    const typeProblems = problemsOf(exercise);
    if (typeProblems.length > 0) return { exercise, status: 'type error', passed: 0, total: 0, failures: [], typeProblems };
    return gradeOf(exercise, tallies.get(exercise.name)!);
  });
}

/** A tally made a grade: passed only when every graded test ran and passed. */
export function gradeOf(exercise: Exercise, tally: Tally): ExerciseGrade {
  if (tally.total === 0 && tally.failures.length === 0) {
    const failures = [{ test: 'finding the graded tests', message: `No graded tests ran: ${exercise.name} needs *.test.ts files.`, logs: [] }];
    return { exercise, status: 'failing', passed: 0, total: 0, failures, typeProblems: [] };
  }
  // An error outside any test (a promise rejected after its test ended) fails the
  // exercise even when every test passed: the code under test misbehaved.
  const passed = tally.failures.length === 0 && tally.passed === tally.total;
  return { exercise, status: passed ? 'passed' : 'failing', passed: tally.passed, total: tally.total, failures: tally.failures, typeProblems: [] };
}
