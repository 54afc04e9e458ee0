import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger, request } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/18-session-store/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;
const { COUNTER, createSite } = lesson;

/** The `TWISTED_SESSION=<uid>` part of a Set-Cookie header, to send back as a Cookie. */
function cookieFrom(setCookie: string | null): string {
  const cookie = /^TWISTED_SESSION=[0-9a-f]{64}/.exec(setCookie ?? '')?.[0];
  if (cookie === undefined) throw new Error(`No session cookie in: ${setCookie}`);
  return cookie;
}

describe('lesson 18: session-store', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it('counts each client\'s visits in its own session, and starts again after /reset', async () => {
    const first = await send({ note: '', path: '/' }, server.url);
    const ann = cookieFrom(first.headers.get('set-cookie'));
    const visit = async (cookie: string) => /Visit #(\d+)/.exec((await send({ note: '', path: '/', headers: { cookie } }, server.url)).text)?.[1];
    expect(await visit(ann)).toBe('2');
    expect(await visit(ann)).toBe('3');

    const bo = cookieFrom((await send({ note: '', path: '/' }, server.url)).headers.get('set-cookie'));
    expect(await visit(bo)).toBe('2');
    expect(await visit(ann)).toBe('4');

    const reset = await send({ note: '', method: 'POST', path: '/reset', headers: { cookie: ann } }, server.url);
    expect(reset.text).toContain('Your count is gone');
    expect(await visit(ann)).toBe('1');
    expect(await visit(bo)).toBe('3');
  });

  it('does not reset on GET /reset', async () => {
    const ann = cookieFrom((await send({ note: '', path: '/' }, server.url)).headers.get('set-cookie'));
    await send({ note: '', path: '/reset', headers: { cookie: ann } }, server.url);
    expect((await send({ note: '', path: '/', headers: { cookie: ann } }, server.url)).text).toContain('Visit #2 for you!');
  });

  it('keeps the counter as plain data, which a store outside the process (Redis) can hold', async () => {
    const response = await request(createSite({ logger: memoryLogger() }), { uri: '/' });
    const session = response.request.session!;
    expect(session.getComponent(COUNTER)).toEqual({ value: 1 });
    expect(JSON.parse(JSON.stringify(session.save())).components).toEqual({ counter: { value: 1 } });
  });
});
