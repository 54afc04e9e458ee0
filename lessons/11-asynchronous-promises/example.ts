/**
 * Lesson 11: asynchronous responses through a Promise. A render method may return a
 * Promise of the body; the Site sends the body when the Promise resolves, and answers
 * 500 (and logs the error) when it rejects.
 *
 * `/` answers after a few seconds through a Promise; `/broken` is a Promise that
 * rejects; `/both` waits for two Promises at once; `/by-hand` waits on the same Promise
 * as `/` but answers with NOT_DONE_YET, write and finish, as lesson 10 did.
 */
import { NOT_DONE_YET, Resource, Site, realClock, type Clock, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** How long `/` makes the client wait, in seconds. */
export const DELAY = 2;

// #region defer-later
/**
 * A Promise of what `fn` returns, `seconds` from now on `clock`; it rejects with what
 * `fn` throws. Twisted's `task.deferLater`.
 */
export function deferLater<T>(clock: Clock, seconds: number, fn: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    clock.callLater(seconds, () => {
      try {
        resolve(fn());
      } catch (error) {
        reject(error);
      }
    });
  });
}
// #endregion defer-later

// #region delayed-page
/** Answers every GET `DELAY` seconds after it arrived, by returning a Promise of the page. */
export class DelayedPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(_request: Request): Promise<string> {
    return deferLater(this.#clock, DELAY, () => `<html><body>Promised ${DELAY} seconds ago, delivered now.</body></html>`);
  }
}
// #endregion delayed-page

// #region broken-page
/** Waits a second for a service that then fails: the Promise rejects. */
export class BrokenPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  async render_GET(_request: Request): Promise<string> {
    const forecast = await deferLater(this.#clock, 1, (): string => {
      throw new Error('The weather service did not answer.');
    });
    return `<html><body>${forecast}</body></html>`;
  }
}
// #endregion broken-page

// #region both-at-once
/** Waits for two things at once, 1 and DELAY seconds long: ready after DELAY seconds, not 1 + DELAY. */
export class BothAtOncePage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  async render_GET(_request: Request): Promise<string> {
    // Both waits start here, before either is awaited; Promise.all settles with the later one.
    const [short, long] = await Promise.all([
      deferLater(this.#clock, 1, () => 'one second'),
      deferLater(this.#clock, DELAY, () => `${DELAY} seconds`),
    ]);
    return `<html><body>Waited ${short} and ${long} at once: ${DELAY} seconds in all.</body></html>`;
  }
}
// #endregion both-at-once

// #region by-hand
/** The same wait as `/`, answered the lesson 10 way: NOT_DONE_YET, then write and finish. */
export class ByHandPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    deferLater(this.#clock, DELAY, () => `<html><body>Written by hand after ${DELAY} seconds.</body></html>`)
      .then((page) => {
        request.write(page);
        request.finish();
      });
    return NOT_DONE_YET;
  }
}
// #endregion by-hand

export function createSite(options: SiteOptions = {}): Site {
  const clock = options.clock ?? realClock;
  const root = new Resource();
  root.putChild('', new DelayedPage(clock));
  root.putChild('broken', new BrokenPage(clock));
  root.putChild('both', new BothAtOncePage(clock));
  root.putChild('by-hand', new ByHandPage(clock));
  return new Site(root, options);
}

export const tryThis: Try[] = [
  { note: `a Promise of the page, resolved after ${DELAY} seconds`, path: '/', expect: { code: 200, bodyIncludes: 'delivered now' } },
  { note: 'a Promise that rejects: a 500 page, and the error in the server log', path: '/broken', expect: { code: 500, bodyIncludes: 'Processing Failed' } },
  { note: `two waits at once, 1 and ${DELAY} seconds: the page after ${DELAY} seconds`, path: '/both', expect: { code: 200, bodyIncludes: 'at once' } },
  { note: 'the same wait, answered with NOT_DONE_YET, write and finish', path: '/by-hand', expect: { code: 200, bodyIncludes: 'Written by hand' } },
];
