/**
 * Reference solution for exercise 13 (log failures with the Site's logger).
 * See exercises/13-logging-errors/careful-pages.ts for the task.
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

  #responseFailed(error: unknown, call: DelayedCall, request: Request): void {
    call.cancel();
    request.site?.logger.error(`SlowPage: client left before ${request.method} ${request.uri} was answered`, error);
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
    let status: string;
    try {
      status = await this.source();
    } catch (error) {
      request.site?.logger.error(`StatusPage: the status source failed for ${request.method} ${request.uri}`, error);
      request.setResponseCode(503);
      request.setHeader('retry-after', '60');
      return 'The status is unavailable right now. Try again in a minute.';
    }
    return `Status: ${status}`;
  }
}
