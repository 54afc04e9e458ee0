/**
 * Exercise 13: log failures with the Site's logger.
 *
 * Two pages fail in two different ways. Each must leave a line in the Site's log, through
 * the logger the Site was given (`request.site.logger`; the grader gives the Site one that
 * records what it is told), calling `logger.error(message, error)` with the error itself
 * as the second argument, so that its stack is kept.
 *
 * 1. `SlowPage` answers after `seconds` seconds and already cancels its work when the
 *    client leaves (lesson 12). It must also log, once per client that leaves:
 *
 *        SlowPage: client left before GET /slow was answered
 *
 *    (with the request's own method and uri), and the connection-lost error.
 *    A client that waits is not logged.
 *
 * 2. `StatusPage` shows the status that `source()` resolves to, as plain text:
 *    `Status: <text>`. When `source()` rejects, it must not fall back on the Site's
 *    generic 500 page. Instead it logs
 *
 *        StatusPage: the status source failed for GET /status
 *
 *    (again with the request's method and uri) with the rejection's error, and answers
 *    503, with `Retry-After: 60`, `Content-Type: text/plain; charset=utf-8` and the body
 *
 *        The status is unavailable right now. Try again in a minute.
 *
 * Check your work with `npm run grade 13`. Stuck? `npm run hint 13`.
 */
import { NOT_DONE_YET, Resource, type Clock, type DelayedCall, type Request } from '../../lib/index.ts';

const TEXT = 'text/plain; charset=utf-8';

export class SlowPage extends Resource {
  override isLeaf = true;
  readonly clock: Clock;
  readonly seconds: number;

  constructor(clock: Clock, seconds = 3) {
    super();
    this.clock = clock;
    this.seconds = seconds;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    const call = this.clock.callLater(this.seconds, () => {
      request.setHeader('content-type', TEXT);
      request.write(`Answered after ${this.seconds} seconds.`);
      request.finish();
    });
    request.notifyFinish().catch((error: unknown) => this.#responseFailed(error, call, request));
    return NOT_DONE_YET;
  }

  #responseFailed(_error: unknown, call: DelayedCall, _request: Request): void {
    call.cancel();
    // TODO 1: log the failure with the Site's logger, as described above.
  }
}

export class StatusPage extends Resource {
  override isLeaf = true;
  readonly source: () => Promise<string>;

  constructor(source: () => Promise<string>) {
    super();
    this.source = source;
  }

  async render_GET(request: Request): Promise<string> {
    request.setHeader('content-type', TEXT);
    // TODO 2: when source() rejects, log it and answer 503 as described above.
    const status = await this.source();
    return `Status: ${status}`;
  }
}
