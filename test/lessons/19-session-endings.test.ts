import { describe, expect, it } from 'vitest';
import { FakeClock, memoryLogger, request, type TestResponse } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/19-session-endings/example.ts';

const example: LessonExample = lesson;
const { ShortSession, TIMEOUT, createSite } = lesson;

/** The example's site on a fake clock, and a visitor that keeps its session cookie. */
function setUp() {
  const clock = new FakeClock(1_000);
  const logger = memoryLogger();
  const site = createSite({ clock, logger });
  let cookie: string | undefined;
  const visit = async (uri = '/'): Promise<TestResponse> => {
    const response = await request(site, { uri, headers: cookie === undefined ? {} : { cookie } });
    cookie = /^TWISTED_SESSION=[0-9a-f]{64}/.exec(response.headers.getLast('set-cookie') ?? '')?.[0] ?? cookie;
    return response;
  };
  const expiredLines = () => logger.messages.filter((m) => m.message.endsWith('has expired.'));
  return { clock, visit, expiredLines };
}

describe('lesson 19: session-endings', () => {
  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it(`makes every session a ShortSession of ${TIMEOUT} s, through the sessionFactory option`, async () => {
    const session = (await setUp().visit()).request.session;
    expect(session).toBeInstanceOf(ShortSession);
    expect(session?.sessionTimeout).toBe(TIMEOUT);
  });

  it('keeps a session alive while it is used: visits 6 s apart share one session (Twisted\'s would end at 10 s)', async () => {
    const { clock, visit, expiredLines } = setUp();
    const uid = (await visit()).request.session?.uid;
    for (let i = 0; i < 3; i++) {
      clock.advance(6);
      expect((await visit()).request.session?.uid).toBe(uid);
    }
    expect(expiredLines()).toEqual([]);
  });

  it(`ends a session ${TIMEOUT} s after its last visit: the callback logs it once and /ended lists it`, async () => {
    const { clock, visit, expiredLines } = setUp();
    const uid = (await visit()).request.session!.uid;
    clock.advance(4);
    await visit();
    await visit();
    clock.advance(TIMEOUT - 0.5);
    expect(expiredLines()).toEqual([]);
    clock.advance(0.5);
    expect(expiredLines()).toEqual([{ level: 'info', message: `Session ${uid.slice(0, 8)}… has expired.` }]);
    const ended = await visit('/ended');
    expect(ended.text).toContain(`Sessions that have ended: 1.<ul><li>${uid.slice(0, 8)}…</li></ul>`);
  });

  it('gives the next visit after the end a new session, and watches that one too', async () => {
    const { clock, visit, expiredLines } = setUp();
    const first = (await visit()).request.session!.uid;
    clock.advance(TIMEOUT);
    const second = (await visit()).request.session!.uid;
    expect(second).not.toBe(first);
    clock.advance(TIMEOUT);
    expect(expiredLines()).toHaveLength(2);
  });

  it('runs the callback when a session is ended on purpose, with expire()', async () => {
    const { visit, expiredLines } = setUp();
    const session = (await visit()).request.session!;
    session.expire();
    expect(expiredLines()).toEqual([{ level: 'info', message: `Session ${session.uid.slice(0, 8)}… has expired.` }]);
  });
});
