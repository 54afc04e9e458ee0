import { describe, expect, it } from 'vitest';
import { gradeOf } from '../../tools/grading/grader.ts';
import type { Exercise } from '../../tools/workbook/catalog.ts';

const exercise: Exercise = {
  number: '07', slug: 'handling-posts', name: '07-handling-posts', dir: '/book/exercises/07-handling-posts',
  starterFiles: [], testFiles: [], hintsPath: '/book/exercises/07-handling-posts/hints.md', solutionDir: '/book/solutions/07-handling-posts',
};

describe('gradeOf', () => {
  it('passes an exercise only when every graded test ran and passed', () => {
    expect(gradeOf(exercise, { passed: 3, total: 3, failures: [] })).toMatchObject({ status: 'passed', passed: 3, total: 3 });
    expect(gradeOf(exercise, { passed: 2, total: 3, failures: [] })).toMatchObject({ status: 'failing', passed: 2, total: 3 });
  });

  it('fails an exercise whose tests all passed but whose code threw outside any test', () => {
    const failure = { test: 'Unhandled Rejection (outside any test)', message: 'Error: late', logs: [] };
    expect(gradeOf(exercise, { passed: 3, total: 3, failures: [failure] })).toMatchObject({ status: 'failing', failures: [failure] });
  });

  it('fails an exercise with no graded tests, rather than passing it empty', () => {
    expect(gradeOf(exercise, { passed: 0, total: 0, failures: [] })).toMatchObject({
      status: 'failing',
      failures: [{ test: 'finding the graded tests', message: 'No graded tests ran: 07-handling-posts needs *.test.ts files.' }],
    });
  });
});
