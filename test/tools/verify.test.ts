import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../tools/grading/checks.ts';
import { makeWorkbook, writeGreetExercise, type FixtureWorkbook } from './fixture-workbook.ts';
import { runTool, type ToolRun } from './run-tool.ts';

// One fixture workbook with one exercise per way an exercise can be unsound, checked in
// a single run of tools/grading/verify.ts (the same run npm test makes over exercises/).
let workbook: FixtureWorkbook;
let run: ToolRun;
let verdicts: Map<string, Verdict>;

beforeAll(async () => {
  workbook = makeWorkbook();
  const solved = 'return `Hello, ${name}!`;';
  writeGreetExercise(workbook, '01-sound', { starterBody: "return '';", solutionBody: solved });
  writeGreetExercise(workbook, '02-already-solved', { starterBody: solved, solutionBody: solved });
  writeGreetExercise(workbook, '03-wrong-solution', { starterBody: "return '';", solutionBody: "return 'Hi';" });
  writeGreetExercise(workbook, '04-untidy', { starterBody: 'return 42;', solutionBody: solved, hints: '## Hint 1\n\nOnly one hint.\n' });
  run = await runTool('grading/verify.ts', ['--json'], { root: workbook.root });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  verdicts = new Map((JSON.parse(last) as { verdicts: Verdict[] }).verdicts.map((v) => [v.exercise, v]));
}, 120_000);

afterAll(() => workbook?.remove());

function problems(name: string, kind?: string): string[] {
  return (verdicts.get(name)?.problems ?? []).filter((p) => kind === undefined || p.kind === kind).map((p) => p.message);
}

describe('the exercise checks (tools/grading/verify.ts)', () => {
  it('find nothing wrong with an exercise whose solution passes and whose starter fails', () => {
    expect(problems('01-sound')).toEqual([]);
    expect(verdicts.get('01-sound')).toMatchObject({ solution: { passed: 2, total: 2 }, starter: { passed: 1, total: 2 } });
  });

  it('report a starter that already passes as "starter does not fail"', () => {
    expect(problems('02-already-solved', 'starter')).toEqual([expect.stringMatching(/^starter does not fail/)]);
  });

  it('report a solution that fails a graded test, naming the test and its message', () => {
    const [problem] = problems('03-wrong-solution', 'solution');
    expect(problem).toMatch(/^solution fails: it passes 1 of 2 graded tests/);
    expect(problem).toContain('greets Ada by name');
    expect(problem).toContain('returned "Hi"');
  });

  it('report a type error in a starter with its file and line', () => {
    expect(problems('04-untidy', 'types')).toEqual([expect.stringMatching(/^starter has a type error: exercises\/04-untidy\/greet\.ts:3:3 - error TS2322/)]);
  });

  it('report hints that are too few or do not point into lib/', () => {
    expect(problems('04-untidy', 'files')).toEqual([
      'hints.md has 1 hint(s); give at least two, headed "## Hint 1", "## Hint 2"',
      'hints.md the last hint should point at the code in lib/ that does this (name a lib/… file)',
    ]);
  });

  it('exit with 1 when any exercise is unsound', () => {
    expect(run.code).toBe(1);
  });
});
