/**
 * Reference solution for exercise 05 (an HTTP status lookup). Read it after your own
 * passes: `npm run solution 05`.
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
    // Check the exact spelling first: Number() would also take '2e2', ' 200' or '0xC8'.
    // Only then look the code up: STATUS_CODES is a plain object, and 'constructor' is a
    // name in every plain object.
    if (!/^[0-9]{3}$/.test(name) || STATUS_CODES[name] === undefined) {
      // notFound escapes its text, so echoing the segment back cannot inject markup.
      return notFound('No Such Status', `There is no HTTP status called ${name}.`);
    }
    return new StatusPage(Number(name));
  }
}
