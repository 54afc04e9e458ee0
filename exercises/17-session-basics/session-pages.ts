/**
 * Exercise 17 · Session basics: a session page, and a safe way to end a session.
 *
 * 1. `SessionPage` answers GET at `/`. Write its `render_GET`: get the client's session
 *    and answer
 *        <html><body>Session UID (new)</body></html>
 *    when the session was just made (the client sent no `TWISTED_SESSION` cookie, or one
 *    naming no live session), and
 *        <html><body>Session UID (from your cookie)</body></html>
 *    when the client's `TWISTED_SESSION` cookie named it. UID is the session's `uid`.
 * 2. `EndSession` at `/end` shows, on GET, a form with an "End my session" button
 *    (written for you). Write its `render_POST`: end the client's session and answer
 *        <html><body>Session UID has ended.</body></html>
 *
 * Why a POST? Any site can link to yours, and following a link is a GET that carries
 * your cookies (SameSite=Lax lets a top-level GET through). If a GET ended the session,
 * a link on someone else's page could log your visitors out. A form posted from another
 * site arrives without the Lax cookie. So a GET must never end the session.
 *
 * Grade with `npm run grade 17`; stuck? `npm run hint 17`.
 */
import { Resource, type Request } from '../../lib/index.ts';

/** The cookie that names the session. */
export const SESSION_COOKIE = 'TWISTED_SESSION';

/** Shows the client's session id, and whether it came from the cookie. */
export class SessionPage extends Resource {
  // TODO: add render_GET(request: Request): string, doing step 1 above.
}

/** Ends the client's session, but only when asked with a POST. */
export class EndSession extends Resource {
  render_GET(_request: Request): string {
    return '<html><body><form method="POST"><button>End my session</button></form></body></html>';
  }

  // TODO: add render_POST(request: Request): string, doing step 2 above.
}

/** The site's tree: the session page at `/`, the way to end it at `/end`. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('', new SessionPage());
  root.putChild('end', new EndSession());
  return root;
}
