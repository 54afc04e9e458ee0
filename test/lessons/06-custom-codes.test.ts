import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/06-custom-codes/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 06: custom-codes', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('sends the Retry-After header that /later sets', async () => {
    for (const method of ['GET', 'HEAD']) {
      const answer = await send({ note: '', method, path: '/later' }, server.url);
      expect(answer.headers.get('retry-after'), method).toBe('3600');
    }
  });

  it('sends the standard reason phrase with the code', async () => {
    const url = new URL('/buy', server.url);
    const response = await fetch(url);
    await response.text();
    expect(response.statusText).toBe('Payment Required');
  });
});
