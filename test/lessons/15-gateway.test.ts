import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/15-gateway/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 15: gateway', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('answers with the application\'s own headers, chunked, and no Content-Type of Loom\'s', async () => {
    const answer = await send({ note: '', path: '/x' }, server.url);
    expect(answer.text).toBe('Hello, world!\nYou asked for /x\n');
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.headers.get('transfer-encoding')).toBe('chunked');
  });

  it('keeps answering while many requests are in flight at once', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send({ note: '', path: `/n${i}` }, server.url)));
    answers.forEach((answer, i) => expect(answer.text).toContain(`/n${i}`));
  });

  it('is the same function when called directly, without a server', () => {
    const started: string[] = [];
    const body = lesson.application({ PATH_INFO: '/direct' } as Parameters<typeof lesson.application>[0], (status) => {
      started.push(status);
      return () => {};
    });
    expect(started).toEqual(['200 OK']);
    expect([...body].join('')).toBe('Hello, world!\nYou asked for /direct\n');
  });
});
