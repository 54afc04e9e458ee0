/**
 * @module
 * `UserDirectory`: every user of the machine gets a corner of the site. `/~alice/` serves
 * the files in alice's `~/public_html`; `/~alice.loom/` is answered by alice's own
 * personal server, the one `loom web --personal` runs on `~/.loom-web.sock`. `GET /`
 * lists the users who have either. `loom web --user` serves one as its root.
 *
 * Users come from a `UserDatabase` (lib/distrib/passwd.ts): `/etc/passwd` by default,
 * another passwd-format file (`loom web --user --passwd FILE`), or a list in a test.
 * Anything that is not a user with the folder asked for is a 404: an unknown name, a
 * user without `public_html`, a segment that is not a plain user name (`~`, `~..`,
 * `~a/b` once decoded). Within `public_html` the usual `File` rules hold: `..` is 404,
 * and a symlink that leads out of `public_html` is 404 too.
 *
 * Twisted counterpart: `twisted.web.distrib.UserDirectory` (`userDirName`,
 * `userSocketName`, the listing, `name` and `name.twistd` children). Loom differs:
 * - the segments are `~alice` and `~alice.loom`, the URLs people know from Apache's
 *   mod_userdir (Twisted's are `alice` and `alice.twistd`, with `tildeToUsers` meant to
 *   bridge the two); a segment without the `~` is 404;
 * - the personal server's socket is `~/.loom-web.sock` (Twisted's `~/.twistd-web-pb`) and
 *   speaks HTTP (lib/distrib/subscription.ts); when it is not running, 502 at once;
 * - `public_html` is served without processors, as in Twisted, so a user's `.rsx.ts`
 *   or `.cgi` file is sent as text, never run with the server's rights; dotfiles stay
 *   hidden and every user's File shares one cache;
 * - the listing is escaped and names the personal server "(personal server)".
 * Tests: `test/distrib/user-directory.test.ts`. Lesson 30 teaches it.
 */

import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { escapeHTML } from '../plumbing/html.ts';
import { notFound } from '../pages.ts';
import { Resource, type IResource } from '../resource.ts';
import type { Request } from '../request.ts';
import { ProxyClientFactory, type ProxyClientOptions } from '../proxy/client.ts';
import { FileCache } from '../static/file-cache.ts';
import { File } from '../static/file.ts';
import { PasswdFile, realName, type PasswdEntry, type UserDatabase } from './passwd.ts';
import { PERSONAL_SOCKET_NAME } from './publisher.ts';
import { DEFAULT_DISTRIB_TIMEOUT, ResourceSubscription } from './subscription.ts';

/** The suffix that asks for a user's personal server instead of their files. Twisted's `.twistd`. */
export const PERSONAL_SUFFIX = '.loom';

/**
 * A user name as a URL segment may give it: letters, digits, `_`, `-` and `.`, not
 * starting with `.` or `-`, at most 32 characters (what `useradd` accepts, plus the `.`
 * some sites use). Anything else, `..` and `/` included, is never looked up.
 */
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;

const NO_SUCH_USER = notFound('No Such User', 'There is no user with a public folder or a personal server by that name.');

/** Options for a {@link UserDirectory}. */
export interface UserDirectoryOptions {
  /** Where users are looked up. @default new PasswdFile() (`/etc/passwd`) */
  users?: UserDatabase;
  /** Options for the connections to personal servers. @default timeout 30 s */
  proxy?: ProxyClientOptions;
}

// #region distrib-user-directory
/** `/~name/` from `~name/public_html`, `/~name.loom/` from name's personal server. */
export class UserDirectory extends Resource {
  /** The folder in each home that `/~name/` serves. */
  userDirName = 'public_html';
  /** The socket in each home where the user's personal server listens. */
  userSocketName = PERSONAL_SOCKET_NAME;
  readonly users: UserDatabase;
  /** One pool of connections for every personal server. */
  readonly factory: ProxyClientFactory;
  readonly #cache = new FileCache();

  constructor(options: UserDirectoryOptions = {}) {
    super();
    this.users = options.users ?? new PasswdFile();
    this.factory = new ProxyClientFactory({ timeout: DEFAULT_DISTRIB_TIMEOUT, ...options.proxy }, false);
  }

  override getChild(name: string, _request: Request): IResource {
    if (name === '') return this; // `/` itself: the listing
    const wanted = userSegment(name);
    const user = wanted === null ? undefined : this.users.getpwnam(wanted.name);
    if (wanted === null || user === undefined || !isAbsolute(user.home)) return NO_SUCH_USER;
    if (wanted.personal) {
      // Kept as a static child, as Twisted does: the next request skips this lookup and
      // shares the subscription's connections.
      const subscription = new ResourceSubscription(join(user.home, this.userSocketName), this.factory);
      this.putChild(name, subscription);
      return subscription;
    }
    const folder = join(user.home, this.userDirName);
    if (statSync(folder, { throwIfNoEntry: false })?.isDirectory() !== true) return NO_SUCH_USER;
    return new File(folder, { cache: this.#cache });
  }
  // #endregion distrib-user-directory

  /** The users with a public folder or a personal server, each linked. Only GET (and HEAD). */
  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    const items: string[] = [];
    for (const user of this.users.getpwall()) items.push(...this.#listItems(user));
    const list = items.length === 0 ? '<p>No user has a public folder or a personal server.</p>' : `<ul>\n${items.join('\n')}\n</ul>`;
    return `<!DOCTYPE html>\n<html>\n  <head><title>Users</title></head>\n  <body>\n    <h1>Users</h1>\n${list}\n  </body>\n</html>\n`;
  }

  /** Twisted's rule: a link for `public_html`, another for the socket, each with the real name. */
  #listItems(user: PasswdEntry): string[] {
    if (!USER_NAME.test(user.name) || !isAbsolute(user.home)) return [];
    const name = escapeHTML(realName(user));
    const link = escapeHTML(encodeURIComponent(user.name));
    const items: string[] = [];
    if (statSync(join(user.home, this.userDirName), { throwIfNoEntry: false })?.isDirectory() === true) {
      items.push(`<li><a href="~${link}/">${name} (file)</a></li>`);
    }
    if (statSync(join(user.home, this.userSocketName), { throwIfNoEntry: false })?.isSocket() === true) {
      items.push(`<li><a href="~${link}${PERSONAL_SUFFIX}/">${name} (personal server)</a></li>`);
    }
    return items;
  }

  /** Close the kept-alive connections to personal servers. Call it after `site.close()`. */
  close(): Promise<void> {
    return this.factory.close();
  }
}

/** `~alice` → alice's files; `~alice.loom` → alice's personal server; anything else → null. */
export function userSegment(segment: string): { name: string; personal: boolean } | null {
  if (!segment.startsWith('~')) return null;
  const personal = segment.endsWith(PERSONAL_SUFFIX);
  const name = segment.slice(1, personal ? -PERSONAL_SUFFIX.length : undefined);
  return USER_NAME.test(name) ? { name, personal } : null;
}
