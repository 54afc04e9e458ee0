/**
 * Exercise 04 · Dynamic URL dispatch: times tables.
 *
 * Every whole number gets a page of its own, made on demand, and one leaf adds up the
 * numbers in the rest of its path. The tree is already put together in `createRoot()`:
 *
 *     /7            the times table of 7: a TablePage, made by TimesTable.getChild
 *     /12           the times table of 12, and so on for any whole number
 *     /sum/1/2/3    6: Sum, a static child, adds up what is left of the path
 *
 * Your tasks:
 * 1. Override `getChild(name, request)` in `TimesTable` so that it returns
 *    `new TablePage(n)` for the number `n` written in the segment `name`.
 *    GET /7 must answer 200 with exactly
 *    `<html><body><pre>1 x 7 = 7\n2 x 7 = 14\n … \n10 x 7 = 70</pre></body></html>`
 *    (TablePage, below, already renders that).
 * 2. Make `Sum` a leaf whose `render_GET` adds up the numbers in `request.postpath`:
 *    GET /sum/1/2/3 answers `<html><body>6</body></html>`, and GET /sum answers
 *    `<html><body>0</body></html>`. Treat an empty segment (from a trailing slash) as 0.
 *
 * Every segment the tests send is a well-formed number: what to do with `/abc` is
 * lesson 05's business. Grade with `npm run grade 04`; stuck? `npm run hint 04`.
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
  // TODO 1: override getChild(name: string, request: Request): IResource, and return a
  // TablePage for the number in `name`.
}

/** Adds up the numbers in the rest of the path. */
export class Sum extends Resource {
  // TODO 2: make Sum a leaf, so traversal stops here and leaves the numbers in
  // request.postpath; then add render_GET(request) returning their sum.
}

/** The tree: TimesTable at the root, with Sum as its static child `sum`. */
export function createRoot(): Resource {
  const root = new TimesTable();
  root.putChild('sum', new Sum());
  return root;
}
