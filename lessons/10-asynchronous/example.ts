/**
 * Lesson 10: asynchronous responses. A render method that returns `NOT_DONE_YET` may
 * answer whenever it likes, with `request.write()` and then `request.finish()`.
 *
 * `/` answers after a few seconds; `/countdown` writes one line a second and then
 * finishes. While either waits, the server answers everyone else.
 */
import { NOT_DONE_YET, Resource, Site, realClock, type Clock, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** How long `/` makes the client wait, in seconds. */
export const DELAY = 2;

// #region delayed-page
/** Answers every GET `DELAY` seconds after it arrived. */
export class DelayedPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    this.#clock.callLater(DELAY, () => this.#delayedRender(request));
    return NOT_DONE_YET;
  }

  #delayedRender(request: Request): void {
    request.write(`<html><body>Thank you for waiting ${DELAY} seconds.</body></html>`);
    request.finish();
  }
}
// #endregion delayed-page

// #region countdown
/** Writes "3…", "2…", "1…" a second apart, then "Liftoff!", then finishes. */
export class Countdown extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    this.#tick(request, 3);
    return NOT_DONE_YET;
  }

  #tick(request: Request, left: number): void {
    if (left === 0) {
      request.write('Liftoff!\n');
      request.finish();
      return;
    }
    request.write(`${left}…\n`);
    this.#clock.callLater(1, () => this.#tick(request, left - 1));
  }
}
// #endregion countdown

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  // The resources get the clock the Site gets: the real one, or a test's fake one.
  const clock = options.clock ?? realClock;
  const root = new Resource();
  root.putChild('', new DelayedPage(clock));
  root.putChild('countdown', new Countdown(clock));
  return new Site(root, options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: `answers after ${DELAY} seconds`, path: '/', expect: { code: 200, bodyIncludes: `Thank you for waiting ${DELAY} seconds.` } },
  { note: 'one line a second (curl -N shows each as it comes)', path: '/countdown', expect: { code: 200, bodyIncludes: '3…\n2…\n1…\nLiftoff!\n' } },
];
