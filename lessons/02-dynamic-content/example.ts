/**
 * Lesson 02 · Generating a page dynamically.
 *
 * `ClockPage` is a leaf resource whose `render_GET` builds the page afresh for every
 * request: it shows the time. The Site serves it at the root, so it answers `/` and
 * every path below it. The clock is passed in, so that a test can hand it a fake one.
 */
import { Resource, Site, realClock, type Clock, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region clock-page
/** A page that shows the time at which it was asked for. */
export class ClockPage extends Resource {
  // A leaf has no children: traversal stops here, so this page answers every path.
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(_request: Request): string {
    const now = new Date(this.#clock.seconds() * 1000);
    return `<html><body>${now.toUTCString()}</body></html>`;
  }
}
// #endregion clock-page

// #region create-site
/** The whole site is one page: the clock, at the root. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new ClockPage(options.clock ?? realClock);
  return new Site(root, options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'the clock page', path: '/', expect: { code: 200, bodyIncludes: 'GMT</body></html>' }, browser: true },
  { note: 'a leaf answers every path below it too', path: '/any/path/at/all', expect: { code: 200, bodyIncludes: 'GMT' } },
  { note: 'HEAD is answered like GET, without the body', method: 'HEAD', path: '/', expect: { code: 200 } },
  { note: 'no render_POST, so 405 Method Not Allowed', method: 'POST', path: '/', expect: { code: 405, bodyIncludes: 'Method Not Allowed' } },
  { note: 'a method Loom does not know at all gets 501', method: 'PUT', path: '/', expect: { code: 501 } },
];
