/**
 * Every exercise, graded twice: against its reference solution (every graded test must
 * pass) and against its untouched starter (at least one must fail, so the grader can
 * never be trivially green). Both gradings, the type-check and the file checks happen in
 * one child run of tools/grading/verify.ts; the checks themselves are tested on fixture
 * exercises in test/tools/verify.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProblemKind, Verdict } from '../tools/grading/checks.ts';
import { ROOT } from '../tools/grading/subject.ts';
import { listExercises } from '../tools/workbook/catalog.ts';
import { makeWorkbook, writeGreetExercise, type FixtureWorkbook } from './tools/fixture-workbook.ts';
import { runTool } from './tools/run-tool.ts';

const exercises = listExercises(ROOT);

/** Run the checks over the workbook at `root` and return the verdicts by exercise. */
async function verify(root: string): Promise<Map<string, Verdict>> {
  const run = await runTool('grading/verify.ts', ['--json', '--fast'], { root });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`tools/grading/verify.ts printed no verdicts (exit ${run.code}):\n${run.stderr || run.stdout}`);
  return new Map((JSON.parse(last) as { verdicts: Verdict[] }).verdicts.map((v) => [v.exercise, v]));
}

function problemsOf(verdicts: Map<string, Verdict>, name: string, kind: ProblemKind): string[] {
  const verdict = verdicts.get(name);
  if (verdict === undefined) return [`no verdict for ${name}`];
  return verdict.problems.filter((p) => p.kind === kind).map((p) => p.message);
}

if (exercises.length > 0) describe('every exercise', () => {
  let verdicts: Map<string, Verdict>;
  beforeAll(async () => {
    verdicts = await verify(ROOT);
  }, 180_000);

  for (const exercise of exercises) {
    describe(exercise.name, () => {
      it('has a starter with a TODO, graded tests, hints and a solution for each starter file', () => {
        expect(problemsOf(verdicts, exercise.name, 'files')).toEqual([]);
      });

      it('type-checks: starter, graded tests and reference solution', () => {
        expect(problemsOf(verdicts, exercise.name, 'types')).toEqual([]);
      });

      it('passes every graded test with the reference solution', () => {
        expect(problemsOf(verdicts, exercise.name, 'solution')).toEqual([]);
      });

      it('fails at least one graded test with the untouched starter', () => {
        expect(problemsOf(verdicts, exercise.name, 'starter')).toEqual([]);
      });
    });
  }
});

// Until the first exercise exists, the same checks run over a fixture exercise, so that
// this file always proves the machinery works rather than passing empty.
if (exercises.length === 0) describe('the exercise checks, on a fixture while exercises/ is empty', () => {
  let workbook: FixtureWorkbook;
  afterAll(() => workbook?.remove());

  it('pass a sound exercise: the solution passes and the starter fails', async () => {
    workbook = makeWorkbook();
    writeGreetExercise(workbook, '01-greeting', { starterBody: "return '';", solutionBody: 'return `Hello, ${name}!`;' });
    const verdicts = await verify(workbook.root);
    expect(verdicts.get('01-greeting')).toMatchObject({ problems: [], solution: { passed: 2, total: 2 }, starter: { passed: 1, total: 2 } });
  }, 120_000);
});
