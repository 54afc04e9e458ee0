/**
 * Lesson 13: logging errors. The delayed page of lesson 12 now logs each interrupted
 * response through the Site's logger, and `/oops` shows what the Site logs by itself
 * when a render method throws.
 *
 * Start it with `TRACEBACKS=1` in the environment to see the stack of `/oops` in the
 * page as well as in the log.
 */
import { NOT_DONE_YET, Resource, Site, realClock, type Clock, type DelayedCall, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** How long `/` takes, in seconds. */
export const DELAY = 2;

// #region delayed-page
/** Lesson 12's delayed page, which now logs each response it had to abandon. */
export class DelayedPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    const call = this.#clock.callLater(DELAY, () => this.#delayedRender(request));
    request.notifyFinish().catch((error: unknown) => this.#responseFailed(error, call, request));
    return NOT_DONE_YET;
  }

  #delayedRender(request: Request): void {
    request.write(`<html><body>Thank you for waiting ${DELAY} seconds.</body></html>`);
    request.finish();
  }

  #responseFailed(error: unknown, call: DelayedCall, request: Request): void {
    call.cancel();
    request.site?.logger.error(`Delayed page demo: interrupted response to ${request.method} ${request.uri}`, error);
  }
}
// #endregion delayed-page

// #region oops
/** A page with a bug: its render method throws. */
export class Oops extends Resource {
  override isLeaf = true;

  render_GET(_request: Request): string {
    const settings = new Map<string, string>();
    const greeting = settings.get('greeting');
    if (greeting === undefined) throw new Error('No greeting configured: set "greeting" before serving this page.');
    return `<html><body>${greeting}</body></html>`;
  }
}
// #endregion oops

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const clock = options.clock ?? realClock;
  const root = new Resource();
  root.putChild('', new DelayedPage(clock));
  root.putChild('oops', new Oops());
  // Stacks in error pages help while developing and help attackers in production.
  return new Site(root, { displayTracebacks: process.env.TRACEBACKS === '1', ...options });
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: `wait ${DELAY} seconds, or leave early and read the log`, path: '/', expect: { code: 200, bodyIncludes: 'Thank you for waiting' } },
  { note: 'a render method that throws: the 500 page, and the stack in the log', path: '/oops', expect: { code: 500, bodyIncludes: 'Processing Failed' } },
];
