/**
 * @module
 * `loom web --add-header "Name: value"`: a wrapper around the root that adds response
 * headers to every request that walks into the tree.
 *
 * The wrapper is the Site's root. Traversal asks it for the first segment's child; it
 * adds the headers then (appending, so a header given twice is sent twice) and hands
 * the segment on to the real root. Every ordinary request walks at least one segment
 * (`/` is the segment `''`), so every ordinary response carries them; `OPTIONS *`, which
 * walks nothing, does not, as in Twisted. A resource may still replace one with
 * `setHeader`.
 *
 * Twisted counterpart: `twisted.web.tap._AddHeadersResource`. Loom differs: a leaf root
 * (a `--class` that answers every path itself) gets the segment back, as
 * `NameVirtualHost` gives it back, where Twisted asks the leaf for a child and answers
 * 404 for every path.
 * Tests: `test/app/add-headers.test.ts`, and `test/app/web.test.ts` through the option.
 */

import type { IResource } from '../iweb.ts';
import type { Request } from '../request.ts';
import type { RenderResult } from '../resource.ts';
import { usageError } from './options.ts';

/** One header to add: its name as given, and its value. */
export type AddedHeader = readonly [name: string, value: string];

// #region add-headers-resource
/** The root, wrapped so that every response that traverses it gets `headers` added. */
export class AddHeadersResource implements IResource {
  readonly isLeaf = false;
  readonly #root: IResource;
  readonly #headers: readonly AddedHeader[];

  constructor(root: IResource, headers: readonly AddedHeader[]) {
    this.#root = root;
    this.#headers = headers;
  }

  getChildWithDefault(name: string, request: Request): IResource {
    for (const [header, value] of this.#headers) request.responseHeaders.addRawHeader(header, value);
    if (!this.#root.isLeaf) return this.#root.getChildWithDefault(name, request);
    // A leaf answers for the whole path, which it must find in postpath.
    request.postpath.unshift(request.prepath.pop()!);
    return this.#root;
  }

  putChild(name: string, child: IResource): void {
    this.#root.putChild(name, child);
  }

  render(request: Request): RenderResult {
    return this.#root.render(request);
  }
}
// #endregion add-headers-resource

/**
 * Read `--add-header "Name: value"`: split at the first colon and trim both sides, as
 * Twisted does.
 * @throws LoomError `LOOM_ERR_USAGE` when there is no colon, or the name is not a valid
 * header name (it would be refused on every response).
 */
export function parseAddedHeader(text: string): AddedHeader {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  if (colon < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw usageError(`--add-header needs "Name: value", e.g. --add-header "X-Frame-Options: DENY"; got "${text}".`);
  }
  const value = text.slice(colon + 1).trim();
  if (/[\r\n\0]/.test(value)) throw usageError(`--add-header: the value of ${name} cannot hold a line break.`);
  return [name, value];
}
