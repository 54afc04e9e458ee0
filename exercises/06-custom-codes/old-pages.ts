/**
 * Exercise 06 · Custom response codes: pages that moved or went away.
 *
 * A site keeps its old URLs answering honestly. Two resources do that, and both already
 * return the right body; what they do not do yet is answer with the right status:
 *
 *     Moved(location)   301 Moved Permanently, with a `Location: <location>` header,
 *                       body <html><body>This page has moved.</body></html>
 *     Gone()            410 Gone,
 *                       body <html><body>This page is gone for good.</body></html>
 *
 * `createRoot()` puts them in a tree: /old-home moves to /home, /promo is gone.
 *
 * What the graded tests check (`npm run grade 06`; stuck? `npm run hint 06`): the status
 * line of each page (code and reason phrase), the `Location` header of `Moved`, the
 * bodies above, and that a HEAD request gets the same status and headers.
 */
import { Resource, type Request } from '../../lib/index.ts';

/** An old URL whose page now lives at `location`. */
export class Moved extends Resource {
  readonly location: string;

  constructor(location: string) {
    super();
    this.location = location;
  }

  render_GET(request: Request): string {
    // TODO 1: answer 301 Moved Permanently, and tell the client where the page went in a
    // `Location` header.
    return '<html><body>This page has moved.</body></html>';
  }
}

/** An old URL whose page was removed on purpose and will not come back. */
export class Gone extends Resource {
  render_GET(request: Request): string {
    // TODO 2: answer 410 Gone.
    return '<html><body>This page is gone for good.</body></html>';
  }
}

/** The site's old URLs. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('old-home', new Moved('/home'));
  root.putChild('promo', new Gone());
  return root;
}
