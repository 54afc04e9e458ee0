import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/05-error-handling/example.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 05: error-handling', () => {
  const logger = memoryLogger();
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example, { logger });
  });
  afterAll(() => server.close());

  it('never fails with a 500 for a bad segment, so nothing is logged as an error', async () => {
    for (const path of ['/abc', '/0', '/1e3', '/%20', '/2009x']) {
      const answer = await send({ note: '', path }, server.url);
      expect(answer.status, path).toBe(404);
    }
    expect(logger.messages.filter((m) => m.level === 'error')).toEqual([]);
  });

  it('never lets markup from the URL through into the 404 page', async () => {
    const answer = await send({ note: '', path: '/%3Cscript%3Ealert(1)%3C%2Fscript%3E' }, server.url);
    expect(answer.text).not.toContain('<script>');
  });

  it('accepts exactly the years from 1 to 9999', () => {
    expect(lesson.parseYear('1')).toBe(1);
    expect(lesson.parseYear('0009')).toBe(9);
    expect(lesson.parseYear('9999')).toBe(9999);
    for (const bad of ['', '0', '10000', '-1', '1.5', '1e3', ' 12', '0x7D9']) expect(lesson.parseYear(bad), bad).toBeNull();
  });
});
