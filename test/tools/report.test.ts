import { describe, expect, it } from 'vitest';
import type { Exercise } from '../../tools/workbook/catalog.ts';
import { palette } from '../../tools/workbook/colors.ts';
import { formatFailures, formatGradeTable, formatNextStep, formatReport, type ExerciseGrade } from '../../tools/grading/report.ts';

const root = '/book';
const paint = palette(false);

function exercise(name: string): Exercise {
  const dir = `${root}/exercises/${name}`;
  return { number: name.slice(0, 2), slug: name.slice(3), name, dir, starterFiles: [], testFiles: [], hintsPath: `${dir}/hints.md`, solutionDir: `${root}/solutions/${name}` };
}

const passed: ExerciseGrade = { exercise: exercise('02-dynamic-content'), status: 'passed', passed: 4, total: 4, failures: [], typeProblems: [] };
const failing: ExerciseGrade = {
  exercise: exercise('07-handling-posts'), status: 'failing', passed: 1, total: 3, typeProblems: [],
  failures: [
    { test: 'echoes the field', message: 'Request sent:\n  > POST /form HTTP/1.1\n\n✗ expected status 200, got 500', logs: ['debug!\n'] },
    { test: 'escapes markup', message: 'TypeError: x is not a function', where: 'exercises/07-handling-posts/guestbook.ts:9:3', logs: [] },
  ],
};
const alsoFailing: ExerciseGrade = { ...failing, exercise: exercise('08-other-request-bodies') };
const typeError: ExerciseGrade = {
  exercise: exercise('10-asynchronous'), status: 'type error', passed: 0, total: 0, failures: [],
  typeProblems: [{ file: `${root}/exercises/10-asynchronous/timer.ts`, line: 4, column: 2, code: 2322, message: "Type 'number' is not assignable to type 'string'." }],
};

describe('formatGradeTable', () => {
  it('shows each exercise with its status and tests passed out of total', () => {
    expect(formatGradeTable([passed, failing, typeError], paint)).toBe([
      'exercise            status        tests',
      '──────────────────  ────────────  ─────',
      '02-dynamic-content  ✓ passed        4/4',
      '07-handling-posts   ✗ failing       1/3',
      '10-asynchronous     ✗ type error      –',
    ].join('\n'));
  });
});

describe('formatFailures', () => {
  it("explains each failure under the test's name, with where it happened and what the code printed", () => {
    expect(formatFailures(failing, { paint })).toBe([
      '07-handling-posts: 2 of 3 graded tests failed',
      '',
      '✗ echoes the field',
      '  Request sent:',
      '    > POST /form HTTP/1.1',
      '',
      '  ✗ expected status 200, got 500',
      '  Your code printed:',
      '  | debug!',
      '',
      '✗ escapes markup',
      '  TypeError: x is not a function',
      '  at exercises/07-handling-posts/guestbook.ts:9:3',
    ].join('\n'));
  });
});

describe('formatReport', () => {
  it('puts type errors first, then the table, then the failures, then the next step', () => {
    const report = formatReport([passed, failing, typeError], { root, paint, allDetails: true });
    const order = ['Type errors', 'exercises/10-asynchronous/timer.ts:4:2 - error TS2322', 'exercise  ', '07-handling-posts: 2 of 3', '1 of 3 exercises pass'];
    const positions = order.map((text) => report.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('explains only the first failing exercise unless asked for all, and says how to see the rest', () => {
    const report = formatReport([failing, alsoFailing], { root, paint, allDetails: false });
    expect(report).toContain('07-handling-posts: 2 of 3 graded tests failed');
    expect(report).not.toContain('08-other-request-bodies: 2 of 3');
    expect(report).toContain('Also failing: 08. `npm run grade 08` explains one; `npm run grade -- --verbose` explains them all.');
    expect(formatReport([failing, alsoFailing], { root, paint, allDetails: true })).toContain('08-other-request-bodies: 2 of 3');
  });
});

describe('formatNextStep', () => {
  it('points at the solution after a pass, at a hint after a failure, and at the next exercise otherwise', () => {
    expect(formatNextStep([passed], paint)).toBe('02-dynamic-content passes. Compare with the reference solution: npm run solution 02');
    expect(formatNextStep([failing], paint)).toBe('Not yet. Stuck? npm run hint 07');
    expect(formatNextStep([passed, failing], paint)).toBe('1 of 2 exercises pass. Next up: 07-handling-posts (npm run grade 07; stuck? npm run hint 07)');
    expect(formatNextStep([passed, passed], paint)).toBe('All 2 exercises pass.');
  });
});
