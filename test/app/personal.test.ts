/**
 * `loom web --user` and `loom web --personal` end to end: two real processes, a front
 * server whose users come from a passwd-format file, and bob's personal server on the
 * socket in his (temporary) home. Under CI=true, also the machine's own /etc/passwd and
 * a real user, `loomtest`, that .ci/run creates.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePasswd } from '../../lib/distrib/passwd.ts';
import { requires } from '../support/programs.ts';
import { rawRequest } from '../support/raw-http.ts';
import { ROOT, startLoom, type LoomProgram } from '../support/loom-program.ts';

const LIB = join(ROOT, 'lib', 'index.ts');
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-users-')));
const alice = join(dir, 'alice');
const bob = join(dir, 'bob');
const files: Record<string, string> = {
  'package.json': '{"type":"module"}\n',
  'alice/public_html/index.html': '<p>alice, from her public_html</p>\n',
  'bob/site/report.ts': `import { ComponentKey, Resource, type Request } from '${LIB}';
const Visits = new ComponentKey<number>('visits');
export default class Report extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    const visits = (request.getSession(Visits) ?? 0) + 1;
    request.getSession().setComponent(Visits, visits);
    request.setHeader('content-type', 'application/json');
    return JSON.stringify({ pid: process.pid, prepath: request.prepath, postpath: request.postpath, client: request.getClientAddress(),
      host: request.getHeader('host'), url: request.prePathURL(), visits });
  }
}
`,
  passwd: `alice:x:1001:1001:Alice Liddell:${alice}:/bin/sh\nbob:x:1002:1002:Bob:${bob}:/bin/sh\n`,
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  pid: number;
  prepath: string[];
  postpath: string[];
  client: { type: string; host: string; port: number };
  host: string;
  url: string;
  visits: number;
}

/** bob's personal server: `loom web --personal --class …` with HOME=bob, so on ~bob/.loom-web.sock. */
function startPersonal(): Promise<LoomProgram> {
  return startLoom(['web', '--personal', '--class', './site/report.ts'], { cwd: bob, env: { ...process.env, HOME: bob } });
}

describe('loom web --user in front of loom web --personal', () => {
  let front: LoomProgram;
  let personal: LoomProgram;
  let port: number;

  beforeAll(async () => {
    [front, personal] = await Promise.all([
      startLoom(['web', '--user', '--passwd', 'passwd', '--listen', 'tcp:0:interface=127.0.0.1'], { cwd: dir }),
      startPersonal(),
    ]);
    port = Number(new URL(front.urls[0]!).port);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([front.stop(), personal.stop()]);
  });

  it('publishes the personal server on ~/.loom-web.sock', () => {
    expect(personal.urls).toEqual([`unix:${join(bob, '.loom-web.sock')}`]);
  });

  it("serves /~alice/ from alice's public_html", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/~alice/`);
    expect(await response.text()).toBe('<p>alice, from her public_html</p>\n');
  });

  it('lists both users at /', async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(text).toContain('<a href="~alice/">Alice Liddell (file)</a>');
    expect(text).toContain('<a href="~bob.loom/">Bob (personal server)</a>');
  });

  it("relays /~bob.loom/ to bob's process, with the outer prepath, the client's address and the original Host", async () => {
    const answer = await rawRequest(port, '/~bob.loom/notes/first?x=1', { headers: { host: `users.example:${port}` } });
    expect(answer.status).toBe(200);
    const report = JSON.parse(answer.text) as Report;
    expect(report.pid).toBe(personal.child.pid);
    expect(report.prepath).toEqual(['~bob.loom']);
    expect(report.postpath).toEqual(['notes', 'first']);
    expect(report.client.host).toBe('127.0.0.1');
    expect(report.host).toBe(`users.example:${port}`);
    expect(report.url).toBe(`http://users.example:${port}/~bob.loom`);
    // bob's access log names the client, not the socket.
    await personal.waitFor(/^"127\.0\.0\.1" - - \[[^\]]+\] "GET \/~bob\.loom\/notes\/first\?x=1 HTTP\/1\.1" 200 /m);
  });

  it("keeps bob's session under his own cookie, TWISTED_SESSION_~bob.loom", async () => {
    const first = await fetch(`http://127.0.0.1:${port}/~bob.loom/`);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^TWISTED_SESSION_~bob\.loom=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=lax$/);
    const second = await fetch(`http://127.0.0.1:${port}/~bob.loom/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(((await second.json()) as Report).visits).toBe(2);
  });

  it('answers 404 for an unknown user and for a user without public_html', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/~carol/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/~bob/`)).status).toBe(404);
  });

  it('answers 502 in under a second once the personal server is down, and relays again once it is back', async () => {
    // SIGKILL: the socket file stays behind, as after a crash.
    expect(await personal.stop('SIGKILL')).toBeNull();
    expect(existsSync(join(bob, '.loom-web.sock'))).toBe(true);
    const started = performance.now();
    const down = await fetch(`http://127.0.0.1:${port}/~bob.loom/`);
    expect(down.status).toBe(502);
    expect(performance.now() - started).toBeLessThan(1000);
    personal = await startPersonal(); // removes the stale socket and listens again
    const back = await fetch(`http://127.0.0.1:${port}/~bob.loom/`);
    expect(((await back.json()) as Report).pid).toBe(personal.child.pid);
  }, 30_000);
});

/** The user .ci/run creates (with a home and a public_html), and whether this process may write there. */
const SYSTEM_USER = 'loomtest';
function systemUser(): string | null {
  const entry = parsePasswd(readFileSync('/etc/passwd', 'utf8')).find((e) => e.name === SYSTEM_USER);
  return entry !== undefined && existsSync(join(entry.home, 'public_html')) && process.getuid?.() === 0 ? entry.home : null;
}
const realUser = requires(`a system user "${SYSTEM_USER}" with ~/public_html, and root to write there`, {
  find: systemUser, install: `.ci/run creates it: useradd --create-home ${SYSTEM_USER}; mkdir ~${SYSTEM_USER}/public_html; run the tests as root`,
});

realUser.describe('loom web --user with /etc/passwd and a real user', () => {
  it('serves /~loomtest/ from the real home, and its personal server run as that user', async () => {
    const home = realUser.path!;
    const entry = parsePasswd(readFileSync('/etc/passwd', 'utf8')).find((e) => e.name === SYSTEM_USER)!;
    const marker = `written by the test at ${Date.now()}`;
    writeFileSync(join(home, 'public_html', 'index.html'), marker);
    chmodSync(dir, 0o755); // the user's process loads bob's report module from here
    const front = await startLoom(['web', '--user', '--listen', 'tcp:0:interface=127.0.0.1'], { cwd: dir });
    const personal = await startLoom(['web', '--personal', '--class', join(bob, 'site', 'report.ts')], {
      cwd: ROOT, env: { ...process.env, HOME: home }, uid: entry.uid, gid: entry.gid,
    });
    try {
      expect(await (await fetch(`${front.urls[0]}~${SYSTEM_USER}/`)).text()).toBe(marker);
      const report = (await (await fetch(`${front.urls[0]}~${SYSTEM_USER}.loom/x`)).json()) as Report;
      expect(report.pid).toBe(personal.child.pid);
      expect(report.postpath).toEqual(['x']);
    } finally {
      await Promise.all([front.stop(), personal.stop()]);
      rmSync(join(home, 'public_html', 'index.html'), { force: true });
    }
  }, 30_000);
});
