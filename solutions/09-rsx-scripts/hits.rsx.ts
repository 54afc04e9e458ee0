/// <reference path="../../lib/rsx-env.d.ts" />
/**
 * Reference solution for exercise 09 (a hit counter as a resource script). Read it after
 * your own passes: `npm run solution 09`.
 */
import { basename } from 'node:path';
import { Resource, type Request } from '../../lib/index.ts';

// From the second request on, the script stops here and the kept Hits answers, count and
// all. Without this line every request would make a new Hits, and every view would be the first.
cache();

const TEXT = 'text/plain; charset=utf-8';

class Hits extends Resource {
  count = 0;

  constructor() {
    super();
    this.putChild('reset', new Reset(this));
  }

  render_GET(request: Request): string {
    this.count += 1;
    request.setHeader('content-type', TEXT);
    return `This page has been viewed ${this.count} time(s).\n(served by ${basename(__file__)})\n`;
  }
}

/** POST /hits.rsx.ts/reset: back to zero. Only POST, since it changes something. */
class Reset extends Resource {
  readonly hits: Hits;

  constructor(hits: Hits) {
    super();
    this.hits = hits;
  }

  render_POST(request: Request): string {
    this.hits.count = 0;
    request.setHeader('content-type', TEXT);
    return 'Counter reset.\n';
  }
}

export const resource = new Hits();
