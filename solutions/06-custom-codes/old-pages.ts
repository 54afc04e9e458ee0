/**
 * Reference solution for exercise 06 (pages that moved or went away). Read it after your
 * own passes: `npm run solution 06`.
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
    // 301 (not 302): the move is for good, so clients and search engines may remember it.
    request.setResponseCode(301);
    request.setHeader('location', this.location);
    return '<html><body>This page has moved.</body></html>';
  }
}

/** An old URL whose page was removed on purpose and will not come back. */
export class Gone extends Resource {
  render_GET(request: Request): string {
    // 410 rather than 404: it existed, and its removal is deliberate.
    request.setResponseCode(410);
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
