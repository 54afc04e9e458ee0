/**
 * Exercise 02 · Generating a page dynamically: a clock page.
 *
 * Write `ClockPage`, a resource that answers GET with the time on the clock it was given,
 * in ISO 8601 form, as exactly this page (shown for a clock reading 1234567890 seconds):
 *
 *     <html><body>The time is 2009-02-13T23:31:30.000Z</body></html>
 *
 * What the graded tests check (`npm run grade 02`; stuck? `npm run hint 02`):
 * 1. GET / answers 200 with exactly that page.
 * 2. The page is made for each request: when the clock moves on, the page shows the new time.
 * 3. It answers every path below it too: GET /any/path/below gives the same page.
 * 4. It renders GET only: a POST gets 405 Method Not Allowed.
 * 5. It does both the way the TODOs say: the walk stops at it because it is a leaf (not
 *    because a `getChild` hands back the page), and the page comes from `render_GET` (not
 *    from a `render` of its own that looks at the method).
 *
 * Read the time from `this.clock.seconds()` (seconds since 1970, as in Twisted), never
 * from `Date.now()`: the tests give you a fake clock and move it themselves.
 */
import { Resource, type Clock, type Request } from '../../lib/index.ts';

export class ClockPage extends Resource {
  // TODO 1: make ClockPage a leaf, so that traversal stops here and this page answers
  // every path (the path `/` too: it has one empty segment, `''`).

  readonly clock: Clock;

  constructor(clock: Clock) {
    super();
    this.clock = clock;
  }

  // TODO 2: add `render_GET(request: Request): string`, returning the page above.
  // `new Date(milliseconds).toISOString()` gives the ISO 8601 form of a time.
}
