import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/17-session-basics/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

/** The uid a page of this lesson shows. */
function uidIn(text: string): string {
  const match = /Your session id is ([0-9a-f]{64})\./.exec(text);
  if (match === null) throw new Error(`No session id in: ${text}`);
  return match[1]!;
}

describe('lesson 17: session-basics', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it('sets an HttpOnly, SameSite=Lax TWISTED_SESSION cookie holding the uid the page shows', async () => {
    const first = await send({ note: '', path: '/' }, server.url);
    const uid = uidIn(first.text);
    expect(first.headers.get('set-cookie')).toBe(`TWISTED_SESSION=${uid}; Path=/; HttpOnly; SameSite=lax`);
  });

  it('finds the same session from the cookie, ends it at /expire, and then makes a new one', async () => {
    const first = await send({ note: '', path: '/' }, server.url);
    const cookie = `TWISTED_SESSION=${uidIn(first.text)}`;

    const again = await send({ note: '', path: '/', headers: { cookie } }, server.url);
    expect(uidIn(again.text)).toBe(uidIn(first.text));
    expect(again.text).toContain('Your browser sent it in the TWISTED_SESSION cookie.');
    expect(again.headers.get('set-cookie')).toBeNull();

    const expired = await send({ note: '', path: '/expire', headers: { cookie } }, server.url);
    expect(expired.text).toContain('Your session has been expired.');

    const after = await send({ note: '', path: '/', headers: { cookie } }, server.url);
    expect(uidIn(after.text)).not.toBe(uidIn(first.text));
    expect(after.text).toContain('It is new');
    expect(after.headers.get('set-cookie')).toMatch(/^TWISTED_SESSION=[0-9a-f]{64};/);
  });

  it('gives a client with a forged cookie a new session, never the forged id', async () => {
    const answer = await send({ note: '', path: '/', headers: { cookie: 'TWISTED_SESSION=<script>' } }, server.url);
    expect(answer.text).toContain('It is new');
    expect(answer.text).not.toContain('<script>');
  });
});
