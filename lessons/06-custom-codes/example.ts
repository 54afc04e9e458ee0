/**
 * Lesson 06 · Custom response codes.
 *
 * The request object is also the response: `request.setResponseCode(402)` changes the
 * status a page answers with, and `request.setHeader` adds a header. `/buy` answers 402
 * Payment Required; `/later` answers 503 Service Unavailable with a `Retry-After` header.
 */
import { Resource, Site, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region payment-required
/** A page that wants paying first. */
export class PaymentRequired extends Resource {
  render_GET(request: Request): string {
    request.setResponseCode(402);
    return '<html><body>This page costs one coin. Please pay at the door.</body></html>';
  }
}
// #endregion payment-required

// #region come-back-later
/** A page that is down for a while, and says for how long. */
export class ComeBackLater extends Resource {
  readonly seconds: number;

  constructor(seconds: number) {
    super();
    this.seconds = seconds;
  }

  render_GET(request: Request): string {
    request.setResponseCode(503);
    // Retry-After tells clients (and crawlers) when to try again, in seconds.
    request.setHeader('retry-after', this.seconds);
    return `<html><body>Down for maintenance. Please come back in ${this.seconds} seconds.</body></html>`;
  }
}
// #endregion come-back-later

// #region create-site
/** The site: two pages that answer with something other than 200. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('', new HomePage());
  root.putChild('buy', new PaymentRequired());
  root.putChild('later', new ComeBackLater(3600));
  return new Site(root, options);
}
// #endregion create-site

/** The home page, with links to try. */
class HomePage extends Resource {
  render_GET(_request: Request): string {
    return '<html><body>Try <a href="buy">/buy</a> and <a href="later">/later</a>.</body></html>';
  }
}

export const tryThis: Try[] = [
  { note: 'the home page, plain 200', path: '/', expect: { code: 200, bodyIncludes: 'Try' }, browser: true },
  { note: 'setResponseCode(402): Payment Required', path: '/buy', expect: { code: 402, bodyIncludes: 'one coin' } },
  { note: '503 with a Retry-After header', path: '/later', expect: { code: 503, bodyIncludes: 'come back in 3600 seconds' } },
  { note: 'HEAD gets the same status and headers, no body', method: 'HEAD', path: '/later', expect: { code: 503 } },
];
