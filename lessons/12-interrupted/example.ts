/**
 * Lesson 12: interrupted responses. A client may give up before a slow page is ready;
 * `request.notifyFinish()` rejects (and `request.signal` aborts) when it does, so the
 * resource can stop the work nobody will read.
 *
 * `/` cancels its delayed render through notifyFinish, `/signal` through the
 * AbortSignal, `/careless` not at all; `/stats` counts what happened.
 */
import { NOT_DONE_YET, Resource, Site, realClock, type Clock, type DelayedCall, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** How long the slow pages take, in seconds. */
export const DELAY = 2;

// #region tally
/** What became of the slow pages, so that `/stats` can show cancelling at work. */
export class Tally {
  /** Pages written out (whether or not anyone was still there to read them). */
  rendered = 0;
  /** Pages whose delayed render was cancelled because the client left. */
  cancelled = 0;
}
// #endregion tally

// #region delayed-page
/** Answers after `DELAY` seconds, unless the client leaves first: then it cancels the render. */
export class DelayedPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;
  readonly #tally: Tally;

  constructor(clock: Clock, tally: Tally) {
    super();
    this.#clock = clock;
    this.#tally = tally;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    const call = this.#clock.callLater(DELAY, () => this.#delayedRender(request));
    request.notifyFinish().catch(() => this.#responseFailed(call));
    return NOT_DONE_YET;
  }

  #delayedRender(request: Request): void {
    this.#tally.rendered++;
    request.write(`<html><body>Still here after ${DELAY} seconds? Here is your page.</body></html>`);
    request.finish();
  }

  #responseFailed(call: DelayedCall): void {
    call.cancel();
    this.#tally.cancelled++;
  }
}
// #endregion delayed-page

// #region signal-page
/** The same page, stopped through `request.signal`, which aborts when the client leaves. */
export class SignalPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;
  readonly #tally: Tally;

  constructor(clock: Clock, tally: Tally) {
    super();
    this.#clock = clock;
    this.#tally = tally;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    const call = this.#clock.callLater(DELAY, () => {
      this.#tally.rendered++;
      request.write('<html><body>Nobody aborted: here is your page.</body></html>');
      request.finish();
    });
    request.signal.addEventListener('abort', () => {
      call.cancel();
      this.#tally.cancelled++;
    }, { once: true });
    return NOT_DONE_YET;
  }
}
// #endregion signal-page

// #region careless-page
/** Forgets that clients leave: renders and finishes whether anyone is there or not. */
export class CarelessPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;
  readonly #tally: Tally;

  constructor(clock: Clock, tally: Tally) {
    super();
    this.#clock = clock;
    this.#tally = tally;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    this.#clock.callLater(DELAY, () => {
      this.#tally.rendered++;
      request.write('<html><body>Rendered, come what may.</body></html>');
      request.finish();
    });
    return NOT_DONE_YET;
  }
}
// #endregion careless-page

/** Shows the tally as plain text. */
export class Stats extends Resource {
  override isLeaf = true;
  readonly #tally: Tally;

  constructor(tally: Tally) {
    super();
    this.#tally = tally;
  }

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return `rendered: ${this.#tally.rendered}, cancelled: ${this.#tally.cancelled}\n`;
  }
}

export function createSite(options: SiteOptions = {}): Site {
  const clock = options.clock ?? realClock;
  const tally = new Tally();
  const root = new Resource();
  root.putChild('', new DelayedPage(clock, tally));
  root.putChild('signal', new SignalPage(clock, tally));
  root.putChild('careless', new CarelessPage(clock, tally));
  root.putChild('stats', new Stats(tally));
  return new Site(root, options);
}

export const tryThis: Try[] = [
  { note: `wait ${DELAY} seconds, or press Ctrl-C before then to leave`, path: '/', expect: { code: 200, bodyIncludes: 'Here is your page.' } },
  { note: 'the same, cancelled through request.signal', path: '/signal', expect: { code: 200, bodyIncludes: 'Nobody aborted' } },
  { note: 'never cancels: leave early and watch the server log a warning', path: '/careless', expect: { code: 200, bodyIncludes: 'come what may' } },
  { note: 'how many slow pages were rendered and how many cancelled', path: '/stats', expect: { code: 200, bodyIncludes: 'cancelled: ' } },
];
