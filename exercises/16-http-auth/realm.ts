/**
 * Exercise 16 · HTTP authentication: a club's realm.
 *
 * The club's site lives at /club. Guests come in without a password; members log in
 * with HTTP Basic. `createRoot` (written for you) builds the portal, with one checker
 * for members' passwords and one that lets anonymous clients in, and puts it behind an
 * `HTTPAuthSessionWrapper`. What the portal lacks is the realm, which decides what each
 * visitor sees. Write `ClubRealm.requestAvatar(avatarId)`:
 *
 * 1. For a guest (the avatar id is `ANONYMOUS`), return a tree in which
 *      /club/         answers  <html><body>Welcome, guest. Members can <a href="members">log in</a>.</body></html>
 *      /club/members  answers 401 with the club's challenge, so that a browser asks for a
 *                     password. `new UnauthorizedResource(FACTORIES)` does exactly that.
 * 2. For a member (the avatar id is their name, NAME), return a tree in which
 *      /club/         answers  <html><body>Welcome back, NAME.</body></html>
 *      /club/members  answers  <html><body>Members only. You are NAME.</body></html>
 *    with NAME escaped by `escapeHTML`.
 *    `new Page(html)` (below) answers GET with `<html><body>` + html + `</body></html>`.
 * 3. Return a `logout` function too: it runs when the visit's request is finished. Make
 *    it push the visitor's name, or 'guest', onto `this.visits`.
 *
 * Any other path below /club/ should be a 404, which a plain `Resource` with children
 * gives you. Grade with `npm run grade 16`; stuck? `npm run hint 16`.
 */
import {
  ANONYMOUS, AllowAnonymousAccess, BasicCredentialFactory, HTTPAuthSessionWrapper, InMemoryPasswordChecker, Portal, Resource,
  UnauthorizedResource, escapeHTML,
  type Avatar, type AvatarId, type IResource, type Realm, type Request,
} from '../../lib/index.ts';

/** How the club asks for a password: HTTP Basic, in the realm "The Club". */
export const FACTORIES = [new BasicCredentialFactory('The Club')];

/** A page that answers GET with `html` (which must already be safe HTML) inside `<html><body>`. */
export class Page extends Resource {
  readonly html: string;

  constructor(html: string) {
    super();
    this.html = html;
  }

  render_GET(_request: Request): string {
    return `<html><body>${this.html}</body></html>`;
  }
}

/** Decides what each visitor to the club sees. */
export class ClubRealm implements Realm<IResource> {
  /** Who visited, in the order their requests finished: a member's name, or 'guest'. */
  readonly visits: string[] = [];

  requestAvatar(avatarId: AvatarId): Avatar<IResource> {
    // TODO: steps 1 to 3 above. `avatarId === ANONYMOUS` tells a guest from a member;
    // ANONYMOUS, UnauthorizedResource and escapeHTML are imported for you.
    throw new Error(`requestAvatar is not written yet, so nobody gets in (asked for ${String(avatarId)}).`);
  }
}

/** The site's tree: the club at /club, open to guests and to `members` (name → password). */
export function createRoot(realm: ClubRealm, members: Record<string, string>): Resource {
  const portal = new Portal(realm, [new InMemoryPasswordChecker(members), new AllowAnonymousAccess()]);
  const root = new Resource();
  root.putChild('club', new HTTPAuthSessionWrapper(portal, FACTORIES));
  return root;
}
