/**
 * Exercise 05 · Error handling: an HTTP status lookup.
 *
 * Each HTTP status has a page, reached by its number, and everything else gets a 404:
 *
 *     /404      200  <html><body>404 Not Found</body></html>
 *     /418      200  <html><body>418 I'm a Teapot</body></html>
 *     /999      404  three digits, but there is no such status
 *     /abc      404  not a number at all
 *     /2e2      404  Number('2e2') is 200, but a status is written as three digits
 *
 * `StatusCodes.getChild` below trusts its segment, as lesson 04's calendar did, so a bad
 * one gets a page full of "NaN" and "undefined". Your task: make it return the 404 page
 * for any segment that is not the three digits of a status in `STATUS_CODES`:
 *
 *     notFound('No Such Status', `There is no HTTP status called ${name}.`)
 *
 * and keep returning a `StatusPage` for the ones that are.
 *
 * What the graded tests check (`npm run grade 05`; stuck? `npm run hint 05`): the known
 * statuses answer 200 with their page; bad segments answer 404 with a page that says
 * "No Such Status" and names the segment (escaped, which `notFound` does for you), and
 * so do the paths below them (/999/more) and every method (POST /999): the page
 * `notFound` makes is its own child and answers any method.
 */
import { STATUS_CODES } from 'node:http';
import { Resource, notFound, type IResource, type Request } from '../../lib/index.ts';

/** The page of one status: its number and its reason phrase. */
export class StatusPage extends Resource {
  readonly code: number;

  constructor(code: number) {
    super();
    this.code = code;
  }

  render_GET(_request: Request): string {
    return `<html><body>${this.code} ${STATUS_CODES[this.code]}</body></html>`;
  }
}

/** The root: a StatusPage for every status, and (once you are done) a 404 for the rest. */
export class StatusCodes extends Resource {
  override getChild(name: string, _request: Request): IResource {
    // TODO: check `name` first. If it is not three digits naming a status in
    // STATUS_CODES, return notFound('No Such Status', `There is no HTTP status called ${name}.`).
    return new StatusPage(Number(name));
  }
}
