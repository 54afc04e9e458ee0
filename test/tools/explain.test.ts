import { describe, expect, it } from 'vitest';
import { explainError, locate } from '../../tools/grading/explain.ts';

const root = '/work/book';
const context = { root, color: false, logs: [] };
const frames = [
  { method: 'render_GET', file: '/work/book/lib/render.ts', line: 40, column: 3 },
  { method: 'page', file: '/work/book/exercises/07-x/form.ts', line: 12, column: 5 },
  { method: '', file: '/work/book/exercises/07-x/form.test.ts', line: 30, column: 7 },
];

describe('explainError', () => {
  it("passes a GradingError's transcript through as it is", () => {
    const transcript = 'Request sent:\n  > GET / HTTP/1.1\n\n✗ expected status 200, got 404';
    expect(explainError('answers /', { name: 'GradingError', message: transcript, stacks: frames }, context))
      .toEqual({ test: 'answers /', message: transcript, logs: [] });
  });

  it('shows a failed expect with its diff, without colour codes, at the line of the test', () => {
    const failure = explainError('t', { name: 'AssertionError', message: "expected '' to be 'a'", diff: '\x1b[32m- Expected\x1b[39m\n\x1b[31m+ Received\x1b[39m', stacks: frames }, context);
    expect(failure.message).toBe("expected '' to be 'a'\n\n- Expected\n+ Received");
    expect(failure.where).toBe('exercises/07-x/form.test.ts:30:7');
  });

  it("points an exception at the learner's own file, skipping frames in lib/", () => {
    const failure = explainError('t', { name: 'TypeError', message: "Cannot read properties of undefined (reading 'get')", stacks: frames }, context);
    expect(failure.message).toBe("TypeError: Cannot read properties of undefined (reading 'get')");
    expect(failure.where).toBe('exercises/07-x/form.ts:12:5');
  });

  it('says what a timeout usually means: a response that was never finished', () => {
    const failure = explainError('t', { name: 'Error', message: 'Test timed out in 8000ms.\nIf this is a long-running test, …' }, context);
    expect(failure.message).toMatch(/^The test gave up after 8 s waiting for your code\. .*request\.finish\(\) was never called\.$/);
  });

  it('keeps what the code printed, and colour only when asked', () => {
    const failure = explainError('t', { name: 'Error', message: '\x1b[31mred\x1b[39m' }, { root, color: true, logs: ['hello\n'] });
    expect(failure.message).toBe('Error: \x1b[31mred\x1b[39m');
    expect(failure.logs).toEqual(['hello\n']);
  });
});

describe('locate', () => {
  it('finds nothing when no frame is in exercises/ or solutions/', () => {
    expect(locate({ stacks: [frames[0]!] }, root, false)).toBeUndefined();
    expect(locate({}, root, false)).toBeUndefined();
  });

  it('names a solution file the same way as a starter', () => {
    expect(locate({ stacks: [{ file: '/work/book/solutions/07-x/form.ts', line: 3, column: 1 }] }, root, false)).toBe('solutions/07-x/form.ts:3:1');
  });
});
