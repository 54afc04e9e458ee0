/**
 * @module
 * `Data`: a resource that answers with the same bytes every time, kept in memory. Good for
 * a `robots.txt`, a favicon or a small fixed page mounted beside a served folder.
 *
 * Twisted counterpart: `twisted.web.static.Data(data, type)`. As there, GET answers with
 * the bytes, `Content-Type` and `Content-Length`; HEAD with the same headers and no body;
 * any other method is unsupported (405 for POST, 501 for the rest, from the Site). Like
 * Twisted's, it is not a leaf: `/robots.txt/more` is a 404 unless you `putChild` there.
 * Loom differs: text is encoded to UTF-8 once, when the resource is made.
 * Tests: `test/static/data.test.ts`. Lesson 01 mounts one beside a `File`.
 */

import { Resource } from '../resource.ts';
import type { Request } from '../request.ts';

/** Fixed bytes with a fixed type. */
export class Data extends Resource {
  /** The bytes sent for every GET. */
  readonly data: Uint8Array;
  /** The `Content-Type` sent with them, e.g. `text/plain; charset=utf-8`. */
  readonly type: string;
  // The length goes out on every response; turning it into text once saves doing it each time.
  readonly #length: string;

  /**
   * @param data the body: text (sent as UTF-8) or bytes.
   * @param type the `Content-Type`.
   * @example
   * root.putChild('robots.txt', new Data('User-agent: *\nDisallow:\n', 'text/plain'));
   */
  constructor(data: string | Uint8Array, type: string) {
    super();
    this.data = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.type = type;
    this.#length = String(this.data.byteLength);
  }

  /** Send the bytes. HEAD comes here too (through `Resource.render_HEAD`) and gets the headers only. */
  render_GET(request: Request): Uint8Array | string {
    request.setHeader('content-type', this.type);
    request.setHeader('content-length', this.#length);
    return request.method === 'HEAD' ? '' : this.data;
  }
}
