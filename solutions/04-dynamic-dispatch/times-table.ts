/**
 * Reference solution for exercise 04 (times tables). Read it after your own passes:
 * `npm run solution 04`.
 */
import { Resource, type IResource, type Request } from '../../lib/index.ts';

/** The times table of one number, from 1 x n to 10 x n. */
export class TablePage extends Resource {
  readonly n: number;

  constructor(n: number) {
    super();
    this.n = n;
  }

  render_GET(_request: Request): string {
    const lines: string[] = [];
    for (let k = 1; k <= 10; k++) lines.push(`${k} x ${this.n} = ${k * this.n}`);
    return `<html><body><pre>${lines.join('\n')}</pre></body></html>`;
  }
}

/** The root: a TablePage for every number. */
export class TimesTable extends Resource {
  // The segment is a decoded string: turn it into the number the page is about.
  override getChild(name: string, _request: Request): IResource {
    return new TablePage(Number(name));
  }
}

/** Adds up the numbers in the rest of the path. */
export class Sum extends Resource {
  // A leaf: traversal stops here, and the segments after /sum stay in request.postpath.
  override isLeaf = true;

  render_GET(request: Request): string {
    // Number('') is 0, so the empty segment of a trailing slash adds nothing.
    const total = request.postpath.reduce((sum, segment) => sum + Number(segment), 0);
    return `<html><body>${total}</body></html>`;
  }
}

/** The tree: TimesTable at the root, with Sum as its static child `sum`. */
export function createRoot(): Resource {
  const root = new TimesTable();
  root.putChild('sum', new Sum());
  return root;
}
