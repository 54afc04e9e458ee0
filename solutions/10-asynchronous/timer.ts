/**
 * Reference solution for exercise 10 (a timer page that answers later).
 * See exercises/10-asynchronous/timer.ts for the task.
 */
import { NOT_DONE_YET, Resource, type Clock, type Request } from '../../lib/index.ts';

const TEXT = 'text/plain; charset=utf-8';

export class Timer extends Resource {
  override isLeaf = true;
  readonly clock: Clock;

  constructor(clock: Clock) {
    super();
    this.clock = clock;
  }

  render_GET(request: Request): string | typeof NOT_DONE_YET {
    const seconds = parseSeconds(request.postpath[0]);
    if (seconds === null) {
      request.setResponseCode(400);
      request.setHeader('content-type', TEXT);
      return 'Give a whole number of seconds from 1 to 10.';
    }
    this.clock.callLater(seconds, () => {
      request.setHeader('content-type', TEXT);
      request.write(`Waited ${seconds}s.`);
      request.finish();
    });
    return NOT_DONE_YET;
  }
}

/** The number of seconds `segment` asks for, or null unless it is a whole number from 1 to 10. */
export function parseSeconds(segment: string | undefined): number | null {
  if (segment === undefined || !/^\d{1,2}$/.test(segment)) return null;
  const seconds = Number(segment);
  return seconds >= 1 && seconds <= 10 ? seconds : null;
}
