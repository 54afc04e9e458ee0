/**
 * Lesson 14: access logging. The Site writes one line per finished request, in the
 * combined log format, to a file or a stream; a log formatter decides what the line says.
 *
 * The lines go to the terminal, or to the file named by `ACCESS_LOG`. With
 * `BEHIND_PROXY=1`, the client address is taken from `X-Forwarded-For`.
 */
import { Resource, Site, combinedLogFormatter, proxiedLogFormatter, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** A small page, so that there is something to log. */
export class Page extends Resource {
  override isLeaf = true;
  readonly #text: string;

  constructor(text: string) {
    super();
    this.#text = text;
  }

  render_GET(_request: Request): string {
    return `<html><body>${this.#text}</body></html>`;
  }
}

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('', new Page('Every request to this server leaves a line in the access log.'));
  root.putChild('about', new Page('Nothing to see here, except in the log.'));
  return new Site(root, {
    // A file path (appended to) or any writable stream.
    accessLog: process.env.ACCESS_LOG ?? process.stdout,
    logFormatter: process.env.BEHIND_PROXY === '1' ? proxiedLogFormatter : combinedLogFormatter,
    ...options,
  });
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'a page: status 200 and its size in the log', path: '/', expect: { code: 200, bodyIncludes: 'leaves a line' } },
  { note: 'the Referer and User-Agent headers are logged too', path: '/about', headers: { referer: '{base}', 'user-agent': 'lesson-14' }, expect: { code: 200, bodyIncludes: 'except in the log' } },
  { note: 'a 404 is logged with its status', path: '/missing', expect: { code: 404 } },
  { note: 'HEAD sends no body: the size is logged as -', method: 'HEAD', path: '/', expect: { code: 200 } },
  { note: 'claims to come through a proxy: logged only with BEHIND_PROXY=1', path: '/', headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }, expect: { code: 200 } },
];
