/**
 * Lesson 30: spreadable servers. One process plays a machine with three users:
 *
 * - the **front server**, on the lesson's port (8030): a `UserDirectory` over a user list
 *   made here (in real life, `/etc/passwd`);
 * - **alice** has a `public_html` (in this lesson's `homes/alice/`), which the front
 *   serves at `/~alice/` as plain files;
 * - **bob** runs a **personal server**: a `ResourcePublisher` on `~bob/.loom-web.sock`
 *   (bob's home is a temporary folder), which the front relays `/~bob.loom/` to, over
 *   that UNIX socket. Its pages show the request as bob's server sees it;
 * - **carol** has neither: `/~carol/` is 404 and `/~carol.loom/` a 502 at once.
 *
 * In real life bob's server is his own process (`loom web --personal`, as the README
 * shows); here it is in the same process, but the request still crosses the socket.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Resource, ResourcePublisher, Site, UserDirectory, escapeHTML, personalSocketPath, realClock, userList,
  type PasswdEntry, type Request, type SiteOptions,
} from '../../lib/index.ts';
import { ComponentKey } from '../../lib/session/components.ts';
import type { Try } from '../lesson.ts';

const ALICE_HOME = fileURLToPath(new URL('./homes/alice', import.meta.url));

// #region bob-site
const Visits = new ComponentKey<number>('visits', () => 0);

/** Every page of bob's personal server: what it saw of the request, and a visit count. */
class Inside extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    const visits = (request.getSession(Visits) ?? 0) + 1;
    request.getSession().setComponent(Visits, visits);
    request.setHeader('content-type', 'text/html; charset=utf-8');
    const client = request.getClientAddress();
    const rows: [string, string][] = [
      ['prepath (walked by the front)', JSON.stringify(request.prepath)],
      ['postpath (left for this page)', JSON.stringify(request.postpath)],
      ['sitepath', JSON.stringify(request.sitepath)],
      ['client', `${client.host}:${client.port}`],
      ['Host header', request.getHeader('host') ?? '(none)'],
      ['prePathURL()', request.prePathURL()],
      ['visits in this session', String(visits)],
    ];
    return `<!DOCTYPE html>\n<html><head><title>Bob's personal server</title></head><body>\n<h1>Bob's personal server</h1>\n<dl>\n` +
      rows.map(([name, value]) => `<dt>${escapeHTML(name)}</dt><dd>${escapeHTML(value)}</dd>`).join('\n') +
      `\n</dl>\n<p><a href="${escapeHTML(request.childLink('more'))}">a page further down</a></p>\n</body></html>\n`;
  }
}
// #endregion bob-site

// #region users
/** The machine's users, as /etc/passwd would list them. */
export function users(bobHome: string, carolHome: string): PasswdEntry[] {
  const user = (name: string, uid: number, gecos: string, home: string): PasswdEntry => ({ name, uid, gid: uid, gecos, home, shell: '/bin/sh' });
  return [
    user('alice', 1001, 'Alice Liddell,,,', ALICE_HOME),
    user('bob', 1002, 'Bob', bobHome),
    user('carol', 1003, 'Carol', carolHome),
  ];
}
// #endregion users

// #region create-site
/** Bob's personal server first, on the socket in his home; then the front server's Site. */
export async function createSite(options: SiteOptions = {}): Promise<FrontSite> {
  const homes = realpathSync(mkdtempSync(join(tmpdir(), 'loom-lesson30-')));
  const bobHome = join(homes, 'bob');
  const carolHome = join(homes, 'carol');
  mkdirSync(bobHome);
  mkdirSync(carolHome);
  const personal = new ResourcePublisher(new Inside(), options);
  await personal.listen(`unix:${personalSocketPath(bobHome)}`);
  // The relay waits for a real socket, so it times out by the real clock, whatever clock
  // the Site was given (the tests give one on which time flies).
  const directory = new UserDirectory({ users: userList(users(bobHome, carolHome)), proxy: { clock: realClock } });
  return new FrontSite(directory, personal, homes, options);
}
// #endregion create-site

/** The front Site, which stops bob's server and removes the temporary homes when it closes. */
export class FrontSite extends Site {
  readonly personal: ResourcePublisher;
  /** The temporary folder holding bob's and carol's homes. */
  readonly homes: string;
  readonly #directory: UserDirectory;

  constructor(directory: UserDirectory, personal: ResourcePublisher, homes: string, options: SiteOptions) {
    super(directory, options);
    this.#directory = directory;
    this.personal = personal;
    this.homes = homes;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#directory.close();
    await this.personal.close();
    rmSync(this.homes, { recursive: true, force: true });
  }
}

export const tryThis: Try[] = [
  { note: 'the users with a public folder or a personal server', path: '/', expect: { code: 200, bodyIncludes: '<a href="~bob.loom/">Bob (personal server)</a>' } },
  { note: "alice's public_html, served by the front as files", path: '/~alice/', expect: { code: 200, bodyIncludes: "Alice's page" } },
  { note: "bob's personal server, through the socket: it sees the front's prepath", path: '/~bob.loom/', expect: { code: 200, bodyIncludes: '<dt>prepath (walked by the front)</dt><dd>[&quot;~bob.loom&quot;]</dd>' } },
  { note: 'a page further down: postpath is what the front left', path: '/~bob.loom/notes/first', expect: { code: 200, bodyIncludes: '<dd>[&quot;notes&quot;,&quot;first&quot;]</dd>' } },
  { note: 'a user with no public_html: 404', path: '/~carol/', expect: { code: 404 } },
  { note: 'a user whose personal server is not running: 502 at once (Twisted hangs)', path: '/~carol.loom/', expect: { code: 502 } },
  { note: 'a name with a path trick is never looked up: 404', path: '/~..%2F..%2Fetc/', expect: { code: 404 } },
];
