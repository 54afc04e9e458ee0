/**
 * Reference solution for exercise 17 (a session page, and a safe way to end a session).
 * Read it after your own passes: `npm run solution 17`.
 */
import { Resource, type Request } from '../../lib/index.ts';

/** The cookie that names the session. */
export const SESSION_COOKIE = 'TWISTED_SESSION';

/** Shows the client's session id, and whether it came from the cookie. */
export class SessionPage extends Resource {
  render_GET(request: Request): string {
    const session = request.getSession();
    // getSession() returns the session the cookie names if it is alive; otherwise it
    // makes a new one, whose uid cannot match the cookie the client sent (if any).
    const fromCookie = request.getCookie(SESSION_COOKIE) === session.uid;
    return `<html><body>Session ${session.uid} (${fromCookie ? 'from your cookie' : 'new'})</body></html>`;
  }
}

/** Ends the client's session, but only when asked with a POST. */
export class EndSession extends Resource {
  render_GET(_request: Request): string {
    return '<html><body><form method="POST"><button>End my session</button></form></body></html>';
  }

  render_POST(request: Request): string {
    const session = request.getSession();
    session.expire();
    return `<html><body>Session ${session.uid} has ended.</body></html>`;
  }
}

/** The site's tree: the session page at `/`, the way to end it at `/end`. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('', new SessionPage());
  root.putChild('end', new EndSession());
  return root;
}
