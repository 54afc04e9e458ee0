/**
 * Reference solution for exercise 02 (a clock page). Read it after your own passes:
 * `npm run solution 02`.
 */
import { Resource, type Clock, type Request } from '../../lib/index.ts';

export class ClockPage extends Resource {
  // A leaf: traversal stops here, so `/` (one empty segment) and every deeper path reach this page.
  override isLeaf = true;

  readonly clock: Clock;

  constructor(clock: Clock) {
    super();
    this.clock = clock;
  }

  render_GET(_request: Request): string {
    // Read the clock on every request: a page built once in the constructor would never change.
    const now = new Date(this.clock.seconds() * 1000);
    return `<html><body>The time is ${now.toISOString()}</body></html>`;
  }
}
