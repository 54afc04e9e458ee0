/**
 * Reference solution for exercise 16 (a club's realm). Read it after your own passes:
 * `npm run solution 16`.
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
    // A fresh tree per request: it is cheap, and no visitor can reach another's pages.
    const name = avatarId === ANONYMOUS ? null : avatarId;
    return {
      avatar: name === null ? guestPages() : memberPages(name),
      logout: () => this.visits.push(name ?? 'guest'),
    };
  }
}

/** What a guest sees: the welcome, and a members' page that asks for a password. */
function guestPages(): IResource {
  const tree = new Resource();
  tree.putChild('', new Page('Welcome, guest. Members can <a href="members">log in</a>.'));
  // A 401 with the challenge is what makes a browser show its password dialog.
  tree.putChild('members', new UnauthorizedResource(FACTORIES));
  return tree;
}

/** What the member `name` sees. The name came from the client, so it is escaped. */
function memberPages(name: string): IResource {
  const safe = escapeHTML(name);
  const tree = new Resource();
  tree.putChild('', new Page(`Welcome back, ${safe}.`));
  tree.putChild('members', new Page(`Members only. You are ${safe}.`));
  return tree;
}

/** The site's tree: the club at /club, open to guests and to `members` (name → password). */
export function createRoot(realm: ClubRealm, members: Record<string, string>): Resource {
  const portal = new Portal(realm, [new InMemoryPasswordChecker(members), new AllowAnonymousAccess()]);
  const root = new Resource();
  root.putChild('club', new HTTPAuthSessionWrapper(portal, FACTORIES));
  return root;
}
