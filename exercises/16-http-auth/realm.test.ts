/**
 * Graded tests for exercise 16. Each test sends in-memory requests to /club, some with
 * no credentials (a guest) and some with a member's name and password in an
 * `Authorization: Basic …` header, the way `curl -u name:password` sends them.
 */
import { describe, it } from 'vitest';
import { request, testSite, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, type Expected } from '../../tools/grading/wire.ts';

const { ClubRealm, createRoot } = await subject<typeof import('./realm.ts')>(import.meta.url, 'realm.ts');

const MEMBERS = { ann: 'annspass', bo: 'bospass', '<i>eve</i>': 'evespass' };

/** A fresh club: its realm, and a way to visit it that reports what the server logged. */
function club() {
  const realm = new ClubRealm();
  const site = testSite(createRoot(realm, MEMBERS));
  const visit = (uri: string, headers: Record<string, string> = {}) => request(site, { uri, headers });
  /** expectResponse, plus any error the server logged (a realm that throws is a logged 500). */
  const check = (response: TestResponse, expected: Expected, note: string) => {
    const errors = site.logger.messages.filter((m) => m.level === 'error')
      .map((m) => `The server logged: ${m.message}${m.error instanceof Error ? `: ${m.error.message}` : ''}`);
    expectResponse(response, expected, [note, ...errors].filter((line) => line !== '').join('\n'));
  };
  return { realm, visit, check };
}

/** The header `curl -u name:password` sends. */
function as(name: string, password: string) {
  return { authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` };
}

/** logout runs when the request is finished, just after the test sees the response: let it. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const GUEST_WELCOME = '<html><body>Welcome, guest. Members can <a href="members">log in</a>.</body></html>';

describe('ClubRealm.requestAvatar', () => {
  it('welcomes a guest who sends no password', async () => {
    const { visit, check } = club();
    check(await visit('/club/'), { code: 200, body: GUEST_WELCOME }, 'A guest sends no Authorization header; the avatar id is ANONYMOUS.');
  });

  it('asks a guest for a password at /club/members, with a 401 and the club\'s challenge', async () => {
    const { visit, check } = club();
    check(await visit('/club/members'), { code: 401, body: 'Unauthorized', headers: { 'www-authenticate': 'basic realm="The Club"' } },
      'The challenge (WWW-Authenticate) is what makes a browser ask for a name and password.');
  });

  it('welcomes a member by name', async () => {
    const { visit, check } = club();
    check(await visit('/club/', as('ann', 'annspass')), { code: 200, body: '<html><body>Welcome back, ann.</body></html>' },
      'This request logged in as ann.');
  });

  it('shows the members\' page to a member', async () => {
    const { visit, check } = club();
    check(await visit('/club/members', as('bo', 'bospass')), { code: 200, body: '<html><body>Members only. You are bo.</body></html>' },
      'This request logged in as bo.');
  });

  it('gives each member their own pages', async () => {
    const { visit, check } = club();
    for (const [name, password] of [['bo', 'bospass'], ['ann', 'annspass'], ['bo', 'bospass']] as const) {
      check(await visit('/club/members', as(name, password)), { code: 200, body: `<html><body>Members only. You are ${name}.</body></html>` },
        `Three members' requests in turn, to one site; this one logged in as ${name}.`);
    }
  });

  it('escapes a member\'s name in the pages', async () => {
    const { visit, check } = club();
    const escaped = '&lt;i&gt;eve&lt;/i&gt;';
    const eve = as('<i>eve</i>', 'evespass');
    const note = 'This member is called "<i>eve</i>".';
    check(await visit('/club/', eve), { code: 200, body: `<html><body>Welcome back, ${escaped}.</body></html>` }, note);
    check(await visit('/club/members', eve), { code: 200, body: `<html><body>Members only. You are ${escaped}.</body></html>` }, note);
  });

  it('answers 404 for a page the club does not have', async () => {
    const { visit, check } = club();
    check(await visit('/club/nothing'), { code: 404 }, 'A guest asked for /club/nothing.');
    check(await visit('/club/nothing', as('ann', 'annspass')), { code: 404 }, 'ann asked for /club/nothing.');
  });

  it('still turns away a wrong password with 401 (the checker\'s work, not the realm\'s)', async () => {
    const { visit, check } = club();
    check(await visit('/club/members', as('ann', 'guess')), { code: 401 }, 'ann sent a wrong password.');
  });

  it('records each finished visit through logout, a member by name and a guest as "guest"', async () => {
    const { realm, visit } = club();
    for (const [uri, headers] of [['/club/', {}], ['/club/members', as('ann', 'annspass')], ['/club/nothing', as('bo', 'bospass')]] as const) {
      await visit(uri, headers);
      await settle();
    }
    const expected = ['guest', 'ann', 'bo'];
    if (realm.visits.join() !== expected.join()) {
      throw new GradingError('A guest, then ann, then bo (to a page that does not exist) each made one request.\n' +
        `✗ realm.visits is ${JSON.stringify(realm.visits)}; expected ${JSON.stringify(expected)}. ` +
        'The logout function you return runs once each request is finished, even when it failed.');
    }
  });

  it('records a visit when logout runs, not when the avatar is handed out', async () => {
    const realm = new ClubRealm();
    const { logout } = await realm.requestAvatar('ann');
    if (realm.visits.length !== 0) {
      throw new GradingError('realm.requestAvatar(\'ann\') was called; the request it serves has not finished yet.\n' +
        `✗ realm.visits is ${JSON.stringify(realm.visits)}; expected []. ` +
        'Push the name inside the logout function you return: the wrapper calls it once the request is finished.');
    }
    logout();
    if (realm.visits.join() !== 'ann') {
      throw new GradingError('realm.requestAvatar(\'ann\') was called, then the logout it returned.\n' +
        `✗ realm.visits is ${JSON.stringify(realm.visits)}; expected ["ann"].`);
    }
  });
});
