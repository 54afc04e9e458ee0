/**
 * Exercise 21 · Request encoders: compress what is safe to compress.
 *
 * A small site has public reports under /reports/ (long, repetitive HTML: ideal for
 * compression) and an account page at /account that shows the visitor's secret token
 * beside the search term it was given (`/account?q=…`): the shape BREACH attacks.
 *
 * 1. `encoders()`: return the encoders to offer, most preferred first: Brotli, then
 *    gzip (`BrotliEncoderFactory`, `GzipEncoderFactory` from lib/index.ts).
 * 2. `createSite`: wrap the `reports` tree in an `EncodingResourceWrapper` with those
 *    encoders, so that every report under it is compressed for clients that accept it.
 *    Leave `/account` out of the wrapper: it must never be compressed, and (since it
 *    is not something the encoder could have touched) it sends no `Vary`.
 *
 * Grade with `npm run grade 21`; stuck? `npm run hint 21`.
 */
import {
  Resource, Site, escapeHTML,
  type IResource, type Request, type RequestEncoderFactory, type SiteOptions,
} from '../../lib/index.ts';

/** The report called `name`: about 10 KiB of table rows. */
export function reportPage(name: string): string {
  const rows = Array.from({ length: 150 }, (_, i) => `<tr><td>${i}</td><td>${escapeHTML(name)} line ${i}</td></tr>`);
  return `<html><body><h1>Report ${escapeHTML(name)}</h1><table>${rows.join('')}</table></body></html>`;
}

/** Any report: /reports/NAME. */
export class Reports extends Resource {
  override getChild(name: string): IResource {
    return new Report(name);
  }
}

class Report extends Resource {
  override isLeaf = true;
  readonly name: string;
  constructor(name: string) {
    super();
    this.name = name;
  }
  render_GET(_request: Request): string {
    return reportPage(this.name);
  }
}

/** The visitor's secret token beside their search: never to be compressed. */
export class Account extends Resource {
  override isLeaf = true;
  readonly token: string;
  constructor(token: string) {
    super();
    this.token = token;
  }
  render_GET(request: Request): string {
    const q = request.args.get('q')?.[0] ?? '';
    const padding = '<p>Your account.</p>'.repeat(100);
    return `<html><body><p>token=${escapeHTML(this.token)}</p><p>You searched for ${escapeHTML(q)}</p>${padding}</body></html>`;
  }
}

// TODO: step 1, return Brotli first, then gzip.
/** The encoders to offer, most preferred first. */
export function encoders(): RequestEncoderFactory[] {
  return [];
}

// TODO: step 2, wrap the reports (and only them) in an EncodingResourceWrapper.
/** The site: reports at /reports/NAME, the account page at /account. */
export function createSite(token: string, options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('reports', new Reports());
  root.putChild('account', new Account(token));
  return new Site(root, options);
}
