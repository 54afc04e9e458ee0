/**
 * @module
 * A multi-valued, case-insensitive set of HTTP headers.
 *
 * Twisted counterpart: `twisted.web.http_headers.Headers` (`getRawHeaders`,
 * `setRawHeaders`, `addRawHeader`, `removeHeader`, `hasHeader`, `getAllRawHeaders`).
 * Loom differs: names and values are strings (Twisted keeps bytes), and names are
 * canonicalised once when the headers are sent rather than on every call.
 * Tests: `test/plumbing/headers.test.ts`.
 */

import { canonicalHeaderName, sanitizeHeaderValue } from './http.ts';

/** Request or response headers. Names are matched without regard to case. */
export class Headers {
  // Keyed by the lower-cased name; a Map so that a header named `__proto__` is just a name.
  readonly #map = new Map<string, string[]>();

  /** Build from `[name, value]` pairs or a Node-style flat `[name, value, name, value…]` array. */
  constructor(init?: Iterable<readonly [string, string]>) {
    if (init !== undefined) for (const [name, value] of init) this.addRawHeader(name, value);
  }

  /** Build from Node's `rawHeaders` (a flat array, repeated names kept in order). */
  static fromRaw(raw: readonly string[]): Headers {
    const headers = new Headers();
    for (let i = 0; i + 1 < raw.length; i += 2) headers.addRawHeader(raw[i]!, raw[i + 1]!);
    return headers;
  }

  /** True when at least one value is present for `name`. */
  hasHeader(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }

  /** Every value of `name`, in the order received or added, or `undefined`. */
  getRawHeaders(name: string): readonly string[] | undefined {
    return this.#map.get(name.toLowerCase());
  }

  /** The last value of `name`, or `undefined` (Twisted's `getHeader` semantics). */
  getLast(name: string): string | undefined {
    const values = this.#map.get(name.toLowerCase());
    return values === undefined ? undefined : values[values.length - 1];
  }

  /** Replace every value of `name`. CR and LF in values become spaces. */
  setRawHeaders(name: string, values: readonly string[]): void {
    if (values.length === 0) this.#map.delete(name.toLowerCase());
    else this.#map.set(name.toLowerCase(), values.map(sanitizeHeaderValue));
  }

  /**
   * Set one value the library itself made (a length, a default type), known to hold no
   * CR or LF: it skips the check `setRawHeaders` makes on values from elsewhere.
   */
  setTrusted(name: string, value: string): void {
    this.#map.set(name.toLowerCase(), [value]);
  }

  /** Add one more value for `name`, keeping those already there. */
  addRawHeader(name: string, value: string): void {
    const key = name.toLowerCase();
    const values = this.#map.get(key);
    if (values === undefined) this.#map.set(key, [sanitizeHeaderValue(value)]);
    else values.push(sanitizeHeaderValue(value));
  }

  /** Remove every value of `name`. */
  removeHeader(name: string): void {
    this.#map.delete(name.toLowerCase());
  }

  /** `[canonicalName, values]` for every header present. */
  *getAllRawHeaders(): IterableIterator<[string, readonly string[]]> {
    for (const [key, values] of this.#map) yield [canonicalHeaderName(key), values];
  }

  /** The number of distinct header names. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * Append every header to a Node-style flat array (`[name, value, name, value…]`), the
   * cheapest form to hand to `ServerResponse.writeHead`.
   */
  flattenInto(out: string[]): string[] {
    for (const [key, values] of this.#map) {
      const name = canonicalHeaderName(key);
      for (const value of values) out.push(name, value);
    }
    return out;
  }
}
