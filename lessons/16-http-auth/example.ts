/**
 * Lesson 16: HTTP authentication. A realm makes each user's own resource tree (their
 * avatar); a portal checks passwords from a password file and asks the realm for the
 * avatar; an `HTTPAuthSessionWrapper` reads the `Authorization` header, logs in through
 * the portal, and answers 401 with a challenge when that fails.
 *
 * `/` is public. `/basic/` asks for a password with HTTP Basic, `/digest/` with HTTP
 * Digest; both open the same per-user pages. The users are in `passwd`, beside this file.
 */
import { fileURLToPath } from 'node:url';
import {
  ANONYMOUS, BasicCredentialFactory, Data, DigestCredentialFactory, FilePasswordDB, HTTPAuthSessionWrapper, Portal, Resource, Site,
  UnauthorizedLogin, escapeHTML, redirectTo, realClock,
  type Avatar, type AvatarId, type IResource, type Realm, type Request, type SiteOptions,
} from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/**
 * The password file: `name:password` lines, the passwords hashed with `hashPassword` where
 * they can be. `PASSWD_FILE` names another one, so a learner can add users to a copy
 * instead of to the tracked file.
 */
export const PASSWORD_FILE = process.env.PASSWD_FILE || fileURLToPath(new URL('./passwd', import.meta.url));

/** The name the browser shows when it asks for a password. */
export const REALM = 'Loom lesson 16';

// #region realm
/**
 * Makes each user's avatar: their own small tree of pages. The portal calls
 * `requestAvatar` once a checker has proved who the client is, on every request.
 */
export class HomeRealm implements Realm<IResource> {
  /** How many requests each user has finished: counted by the logout functions. */
  readonly finished = new Map<string, number>();

  requestAvatar(avatarId: AvatarId): Avatar<IResource> {
    // The portal below has no checker for anonymous clients, so this cannot happen; a
    // realm that refuses says so with UnauthorizedLogin, which the client sees as a 401.
    if (avatarId === ANONYMOUS) throw new UnauthorizedLogin('This realm has nothing for anonymous clients.');
    const name = avatarId;
    const earlier = this.finished.get(name) ?? 0;
    return {
      avatar: new UserHome(name, earlier),
      // Runs once the request that logged in is finished (or has failed).
      logout: () => this.finished.set(name, (this.finished.get(name) ?? 0) + 1),
    };
  }
}
// #endregion realm

// #region user-home
/** One user's pages: a welcome page at `/` and their notes at `/notes.txt`. */
export class UserHome extends Resource {
  constructor(name: string, earlier: number) {
    super();
    this.putChild('', new Welcome(name, earlier));
    this.putChild('notes.txt', new Data(`Notes for ${name}: only ${name} can read this.\n`, 'text/plain; charset=utf-8'));
  }

  /** Reached without the final slash (`/basic`): send the client to `/basic/`, where the links work. */
  render_GET(request: Request): string {
    return redirectTo(`${request.prePathURL()}/`, request);
  }
}

class Welcome extends Resource {
  readonly #name: string;
  readonly #earlier: number;

  constructor(name: string, earlier: number) {
    super();
    this.#name = name;
    this.#earlier = earlier;
  }

  render_GET(_request: Request): string {
    return page(`Hello, ${escapeHTML(this.#name)}. Requests of yours finished before this one: ${this.#earlier}. ` +
      'See <a href="notes.txt">your notes</a>.');
  }
}
// #endregion user-home

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const portal = new Portal(new HomeRealm(), [new FilePasswordDB(PASSWORD_FILE)]);
  // A Digest factory signs its nonces with a key of its own, so make it once, here, and
  // not per request: a nonce from one factory means nothing to another.
  const digest = new DigestCredentialFactory('SHA-256', REALM, { clock: options.clock ?? realClock });
  const root = new Resource();
  root.putChild('', new PublicPage());
  root.putChild('basic', new HTTPAuthSessionWrapper(portal, [new BasicCredentialFactory(REALM)]));
  root.putChild('digest', new HTTPAuthSessionWrapper(portal, [digest]));
  return new Site(root, options);
}
// #endregion create-site

/** The page everyone may see. */
class PublicPage extends Resource {
  render_GET(_request: Request): string {
    return page('Anyone may read this page. Log in with <a href="basic/">Basic</a> or <a href="digest/">Digest</a>.');
  }
}

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 16</title></head><body>${body}</body></html>`;
}

/** `Authorization: Basic …` for a name and password: what `curl -u name:password` sends. */
export function basicAuthorization(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`, 'utf8').toString('base64')}`;
}

export const tryThis: Try[] = [
  { note: 'the public page', path: '/', expect: { code: 200, bodyIncludes: 'Anyone may read this page.' } },
  { note: 'no credentials: 401 and a Basic challenge', path: '/basic/', expect: { code: 401, bodyIncludes: 'Unauthorized' } },
  { note: 'alice with Basic (what curl -u alice:wonderland sends)', path: '/basic/', headers: { authorization: basicAuthorization('alice', 'wonderland') }, expect: { code: 200, bodyIncludes: 'Hello, alice.' } },
  { note: 'bob reads his notes', path: '/basic/notes.txt', headers: { authorization: basicAuthorization('bob', 'builder') }, expect: { code: 200, bodyIncludes: 'only bob can read this' } },
  { note: 'a wrong password: 401 again', path: '/basic/', headers: { authorization: basicAuthorization('alice', 'guess') }, expect: { code: 401 } },
  { note: 'no credentials: 401 and a Digest challenge (log in with curl --digest -u bob:builder)', path: '/digest/', expect: { code: 401, bodyIncludes: 'Unauthorized' } },
  { note: 'in a browser, that 401 makes it ask for a name and password', path: '/basic/', browser: true, expect: { code: 401 } },
];
