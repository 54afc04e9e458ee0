import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/08-other-request-bodies/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 08: other-request-bodies', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('answers /sum in JSON, with a JSON content type', async () => {
    const answer = await send({ note: '', method: 'POST', path: '/sum', body: '{"numbers": [40, 2]}' }, server.url);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({ sum: 42 });
  });

  it('digests a body big enough to be spooled to a temporary file, byte for byte', async () => {
    // Random bytes, so a wrong offset or a lost piece cannot give the right hash by accident;
    // 300 000 bytes is past the 100 000 that stay in memory.
    const body = randomBytes(300_000);
    const response = await fetch(new URL('/digest', server.url), { method: 'POST', body });
    expect(await response.text()).toBe(`300000 bytes, sha256 ${createHash('sha256').update(body).digest('hex')}\n`);
  });

  it('refuses a body over the Site cap with 413, before reading it', async () => {
    const small = await startExample(example, { maxBodySize: 1000 });
    try {
      const response = await fetch(new URL('/digest', small.url), { method: 'POST', body: 'x'.repeat(5000) });
      expect(response.status).toBe(413);
      await response.text();
    } finally {
      await small.close();
    }
  });
});
