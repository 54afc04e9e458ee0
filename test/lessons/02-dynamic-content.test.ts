import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/02-dynamic-content/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 02: dynamic-content', () => {
  // 2009-02-13T23:31:30Z, so the page's text is known in advance.
  const clock = new FakeClock(1_234_567_890);
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example, { clock });
  });
  afterAll(() => server.close());

  it('shows the time on the clock it was given, made afresh for each request', async () => {
    const first = await send({ note: '', path: '/' }, server.url);
    expect(first.text).toBe('<html><body>Fri, 13 Feb 2009 23:31:30 GMT</body></html>');
    clock.advance(90);
    const later = await send({ note: '', path: '/' }, server.url);
    expect(later.text).toBe('<html><body>Fri, 13 Feb 2009 23:33:00 GMT</body></html>');
  });

  it('lists only GET and HEAD in the Allow header of its 405', async () => {
    const answer = await send({ note: '', method: 'POST', path: '/' }, server.url);
    expect(answer.headers.get('allow')).toBe('GET, HEAD');
  });
});
