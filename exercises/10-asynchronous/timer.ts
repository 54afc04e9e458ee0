/**
 * Exercise 10: a timer page that answers later.
 *
 * `Timer` is a leaf resource. Mounted at /timer, a GET for /timer/3 must:
 *   - wait 3 seconds on the clock it was given (its `clock`, never setTimeout: the
 *     grader hands it a fake clock and moves time forward by hand);
 *   - then answer 200 with `Content-Type: text/plain; charset=utf-8` and the body
 *     `Waited 3s.`
 * The number is the first segment left in `request.postpath`; `parseSeconds` (done for
 * you) accepts whole numbers from 1 to 10. Anything else (/timer/abc, /timer/0,
 * /timer/11) is answered at once, with no waiting: status 400, the same content type,
 * and the body `Give a whole number of seconds from 1 to 10.`
 *
 * Several requests may wait at the same time; each is answered on its own schedule.
 *
 * Check your work with `npm run grade 10`. Stuck? `npm run hint 10`.
 */
import { NOT_DONE_YET, Resource, type Clock, type Request } from '../../lib/index.ts';

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
      // TODO 1: answer now: status 400, the text/plain content type, and the body above.
      return 'TODO';
    }
    // TODO 2: schedule the answer with this.clock.callLater(seconds, () => …). In the
    //         callback: set the content type, write the body, finish the request.
    // TODO 3: return NOT_DONE_YET, so the Site leaves the request open for you.
    return `TODO: wait ${seconds}s before answering`;
  }
}

/** The number of seconds `segment` asks for, or null unless it is a whole number from 1 to 10. */
export function parseSeconds(segment: string | undefined): number | null {
  if (segment === undefined || !/^\d{1,2}$/.test(segment)) return null;
  const seconds = Number(segment);
  return seconds >= 1 && seconds <= 10 ? seconds : null;
}
