/**
 * Graded tests for exercise 17. Each test plays a browser against one in-memory Site:
 * it keeps the `TWISTED_SESSION` cookie a response sets and sends it back on the next
 * request, as a browser does.
 */
import { describe, it } from 'vitest';
import { request, testSite, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, transcript } from '../../tools/grading/wire.ts';

const { createRoot } = await subject<typeof import('./session-pages.ts')>(import.meta.url, 'session-pages.ts');

/** The uid in `TWISTED_SESSION=<uid>; Path=/; …`, or fail saying what came instead. */
function sessionCookieOf(response: TestResponse, note: string): string {
  const setCookie = response.headers.getLast('set-cookie');
  const uid = /^TWISTED_SESSION=([0-9a-f]{64});/.exec(setCookie ?? '')?.[1];
  if (uid === undefined) {
    throw new GradingError(transcript(response, [`expected a Set-Cookie: TWISTED_SESSION=… header (request.getSession() makes one for a new session), got ${setCookie === undefined ? 'none' : `"${setCookie}"`}`], note));
  }
  return uid;
}

/** A fresh site, and a browser for it: GET/POST a path, with the session cookie when it has one. */
function browser() {
  const site = testSite(createRoot());
  return {
    site,
    get: (uri: string, uid?: string) => request(site, { uri, headers: uid === undefined ? {} : { cookie: `TWISTED_SESSION=${uid}` } }),
    post: (uri: string, uid?: string) => request(site, { method: 'POST', uri, headers: uid === undefined ? {} : { cookie: `TWISTED_SESSION=${uid}` } }),
  };
}

describe('SessionPage.render_GET', () => {
  it('makes a session for a new client, shows its uid, and says it is new', async () => {
    const { get } = browser();
    const response = await get('/');
    const uid = sessionCookieOf(response, 'A new client (no cookie) asked for /.');
    expectResponse(response, { code: 200, body: `<html><body>Session ${uid} (new)</body></html>` }, `The cookie set was TWISTED_SESSION=${uid}.`);
  });

  it('finds the session again from the cookie, and sets no new cookie', async () => {
    const { get } = browser();
    const uid = sessionCookieOf(await get('/'), 'A new client asked for /.');
    expectResponse(await get('/', uid), {
      code: 200,
      body: `<html><body>Session ${uid} (from your cookie)</body></html>`,
      headers: { 'set-cookie': undefined },
    }, 'The client sent back the cookie its first visit set.');
  });

  it('makes a new session for a cookie that names no live session', async () => {
    const { get } = browser();
    const unknown = 'ab'.repeat(32);
    const response = await get('/', unknown);
    const uid = sessionCookieOf(response, 'The cookie named a session this site never made.');
    expectResponse(response, { code: 200, body: `<html><body>Session ${uid} (new)</body></html>`, bodyExcludes: unknown },
      `The client sent TWISTED_SESSION=${unknown}, a session this site never made.`);
  });
});

describe('EndSession.render_POST', () => {
  it('ends the session on POST, so the next visit gets a new one', async () => {
    const { get, post } = browser();
    const uid = sessionCookieOf(await get('/'), 'A new client asked for /.');
    expectResponse(await post('/end', uid), { code: 200, body: `<html><body>Session ${uid} has ended.</body></html>` },
      'The client posted the "End my session" form, with its cookie.');
    const after = await get('/', uid);
    const next = sessionCookieOf(after, 'After ending its session, the client asked for / with the old cookie: it should get a new session.');
    expectResponse(after, { code: 200, body: `<html><body>Session ${next} (new)</body></html>` }, 'After the POST to /end, the old cookie names no live session.');
    if (next === uid) throw new GradingError('The new session has the old uid: the session was not ended.');
  });

  it('never ends the session on GET', async () => {
    const { get } = browser();
    const uid = sessionCookieOf(await get('/'), 'A new client asked for /.');
    await get('/end', uid);
    expectResponse(await get('/', uid), { code: 200, body: `<html><body>Session ${uid} (from your cookie)</body></html>` },
      'The client loaded /end (a GET, as a link would), then came back to /: its session should still be alive.');
  });

  it('ends only the session of the client that asked', async () => {
    const { get, post } = browser();
    const ann = sessionCookieOf(await get('/'), 'A first client asked for /.');
    const bo = sessionCookieOf(await get('/'), 'A second client asked for /.');
    await post('/end', ann);
    expectResponse(await get('/', bo), { code: 200, body: `<html><body>Session ${bo} (from your cookie)</body></html>` },
      'Two clients had sessions; the first ended its own. The second should still have its session.');
  });
});
