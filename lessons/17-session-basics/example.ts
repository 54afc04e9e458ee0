/**
 * Lesson 17: session basics. `request.getSession()` gives the client's session, making
 * one the first time, with a random `uid` and a `TWISTED_SESSION` cookie that names it,
 * so that the client's next requests find the same session again.
 *
 * `/` shows the session's uid and whether it came from the cookie; `/expire` ends it.
 */
import { Resource, Site, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** The cookie that names the session (on plain HTTP, for a Site at the top of the URL space). */
export const SESSION_COOKIE = 'TWISTED_SESSION';

// #region show-session
/** Shows the client's session id, and where it came from. */
export class ShowSession extends Resource {
  render_GET(request: Request): string {
    const session = request.getSession();
    // A client that sent the cookie naming a live session gets that session back. Any
    // other client (no cookie, an unknown or expired uid) gets a new session and a cookie.
    const found = request.getCookie(SESSION_COOKIE) === session.uid;
    return page(`Your session id is ${session.uid}. ` +
      (found ? `Your browser sent it in the ${SESSION_COOKIE} cookie.` : 'It is new: this response sets the cookie that names it.') +
      ' <a href="expire">End it</a>.');
  }
}
// #endregion show-session

// #region expire-session
/** Ends the client's session: the next visit to `/` gets a new one. */
export class ExpireSession extends Resource {
  render_GET(request: Request): string {
    request.getSession().expire();
    return page('Your session has been expired. <a href="/">Get a new one</a>.');
  }
}
// #endregion expire-session

export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('', new ShowSession());
  root.putChild('expire', new ExpireSession());
  return new Site(root, options);
}

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 17</title></head><body>${body}</body></html>`;
}

export const tryThis: Try[] = [
  { note: 'reload it: the same id, because the browser sends the cookie back', path: '/', browser: true, expect: { code: 200, bodyIncludes: 'Your session id is ' } },
  { note: 'curl keeps no cookies: a new session every time', path: '/', expect: { code: 200, bodyIncludes: 'It is new' } },
  { note: 'end the session', path: '/expire', expect: { code: 200, bodyIncludes: 'Your session has been expired.' } },
];
