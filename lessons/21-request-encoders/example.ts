/**
 * Lesson 21: request encoders. `EncodingResourceWrapper` compresses the responses of
 * the tree it wraps, with Brotli or gzip, for clients that say they accept it.
 *
 * `/` is a long page that compresses well; `/slow` writes three paragraphs a second
 * apart, each reaching the browser as it is written, compressed; `/plain` is the same
 * long page marked `Cache-Control: no-transform`, which the wrapper leaves alone, for
 * comparison (`curl -sI -H 'Accept-Encoding: gzip'`).
 */
import {
  BrotliEncoderFactory, EncodingResourceWrapper, GzipEncoderFactory, NOT_DONE_YET, Resource, Site,
  realClock, type Clock, type Request, type SiteOptions,
} from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** A page long enough to be worth compressing: about 20 KiB of repetitive HTML. */
export function longPage(): string {
  const rows = Array.from({ length: 200 }, (_, i) => `<tr><td>${i}</td><td>Row ${i} of the table</td><td>${(i * i) % 97}</td></tr>`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 21</title></head><body><h1>A long page</h1><table>${rows.join('')}</table></body></html>`;
}

/** Answers with the long page. */
class LongPage extends Resource {
  override isLeaf = true;
  render_GET(_request: Request): string {
    return longPage();
  }
}

// #region slow-page
/** Writes three paragraphs a second apart: NOT_DONE_YET, then write, write, write, finish. */
export class SlowPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    const parts = ['<p>One…</p>', '<p>two…</p>', '<p>three.</p>'];
    const next = (i: number): void => {
      request.write(parts[i]!); // the encoder flushes here, so this paragraph leaves now
      if (i + 1 < parts.length) this.#clock.callLater(1, () => next(i + 1));
      else request.finish();
    };
    next(0);
    return NOT_DONE_YET;
  }
}
// #endregion slow-page

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const compressed = new Resource();
  compressed.putChild('', new LongPage());
  compressed.putChild('slow', new SlowPage(options.clock ?? realClock));
  // Brotli first: a client that takes both gets the smaller one. gzip for the rest.
  const root = new EncodingResourceWrapper(compressed, [new BrotliEncoderFactory(), new GzipEncoderFactory()]);
  // Children put on the wrapper go to the resource it wraps, and are compressed too;
  // /plain sits on that same tree, so it must opt out another way: no-transform.
  root.putChild('plain', new PlainPage());
  return new Site(root, options);
}
// #endregion create-site

/** The long page, marked `Cache-Control: no-transform`, which the encoder respects. */
class PlainPage extends LongPage {
  override render_GET(request: Request): string {
    request.setHeader('cache-control', 'no-transform');
    return super.render_GET(request);
  }
}

export const tryThis: Try[] = [
  { note: 'the long page, Brotli-compressed for a browser (see Content-Encoding in the network tab)', path: '/', browser: true, headers: { 'accept-encoding': 'br, gzip' }, expect: { code: 200, bodyIncludes: 'Row 199 of the table' } },
  { note: 'the same page in gzip, for a client that takes only gzip', path: '/', headers: { 'accept-encoding': 'gzip' }, expect: { code: 200, bodyIncludes: 'A long page' } },
  { note: 'three paragraphs a second apart, each arriving compressed as it is written', path: '/slow', browser: true, headers: { 'accept-encoding': 'gzip' }, expect: { code: 200, bodyIncludes: 'three.' } },
  { note: 'Cache-Control: no-transform: sent as it is, whatever the client accepts', path: '/plain', headers: { 'accept-encoding': 'gzip' }, expect: { code: 200, bodyIncludes: 'Row 0 of the table' } },
];
