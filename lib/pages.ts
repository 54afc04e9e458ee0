/**
 * @module
 * Error pages: small resources that answer every request with a status and an
 * explanation, escaped so that nothing taken from the request can become markup.
 *
 * Twisted counterpart: `twisted.web.pages` (`errorPage`, `notFound`, `forbidden`), the
 * escaped replacements for the deprecated `resource.ErrorPage` / `NoResource` /
 * `ForbiddenResource` (advisory GHSA-vg46-2rrj-3647). Loom has only the escaped kind.
 * Loom differs: the page is rendered at once with a `Content-Length` (Twisted's goes out
 * chunked through its template engine).
 * Tests: `test/pages.test.ts`. Lesson 05 (error-handling) teaches it.
 */

import { escapeHTML } from './plumbing/html.ts';
import type { IResource } from './iweb.ts';
import type { Request } from './request.ts';

// #region pages-error-page
/**
 * A resource that answers every method with `code` and a small HTML page, and is its own
 * child at every depth (so `/missing/deeper/still` gets the same page). Carve
 * exceptions out with `putChild`.
 *
 * It implements `IResource` (lib/iweb.ts) rather than extending `Resource`, because
 * `Resource` uses `notFound()` for its default `getChild`: extending it would make the
 * two modules need each other, and whichever loaded first would find the other unready.
 */
export class ErrorPage implements IResource {
  readonly isLeaf = false;
  readonly code: number;
  readonly brief: string;
  readonly detail: string;
  readonly children = new Map<string, IResource>();
  /** The page, made on first use: the same bytes answer every request (a busy site's 404s). */
  #html: Uint8Array | null = null;

  constructor(code: number, brief: string, detail: string) {
    this.code = code;
    this.brief = brief;
    this.detail = detail;
  }

  putChild(name: string, child: IResource): void {
    this.children.set(name, child);
  }

  getChildWithDefault(name: string, _request: Request): IResource {
    return this.children.get(name) ?? this;
  }

  // #region pages-render
  render(request: Request): Uint8Array {
    request.setResponseCode(this.code);
    request.setHeader('content-type', 'text/html; charset=utf-8');
    this.#html ??= Buffer.from(errorHTML(this.code, this.brief, this.detail));
    return this.#html;
  }
  // #endregion pages-render
}
// #endregion pages-error-page

/** The HTML of an error page: title "`code` - `brief`", a heading and a paragraph, all escaped. */
export function errorHTML(code: number, brief: string, detail: string): string {
  const b = escapeHTML(brief);
  return `<!DOCTYPE html>\n<html>\n  <head><title>${code} - ${b}</title></head>\n` +
    `  <body>\n    <h1>${b}</h1>\n    <p>${escapeHTML(detail)}</p>\n  </body>\n</html>\n`;
}

// #region pages-not-found
/** A page answering `code`, with `brief` as its title and `detail` as its text. */
export function errorPage(code: number, brief: string, detail: string): ErrorPage {
  return new ErrorPage(code, brief, detail);
}

/** The 404 page. */
export function notFound(brief = 'No Such Resource', message = 'Sorry. No luck finding that resource.'): ErrorPage {
  return new ErrorPage(404, brief, message);
}

/** The 403 page. */
export function forbidden(brief = 'Forbidden Resource', message = 'Sorry, resource is forbidden.'): ErrorPage {
  return new ErrorPage(403, brief, message);
}
// #endregion pages-not-found
