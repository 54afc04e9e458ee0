/**
 * @module
 * Small resources and helpers that many sites need: redirects, and a resource that is
 * only known later.
 *
 * Twisted counterpart: `twisted.web.util` (`redirectTo`, `Redirect`, `ParentRedirect`,
 * `DeferredResource`). Loom differs: `DeferredResource` takes a Promise and works for
 * every request that reaches it (Twisted's works once: its Deferred's result is used up
 * by the first request). Tests: `test/util.test.ts`.
 */

import { escapeHTML } from './plumbing/html.ts';
import { processingFailed, render } from './render.ts';
import { NOT_DONE_YET, Resource, getChildForRequest, type IResource } from './resource.ts';
import type { Request } from './request.ts';

// #region util-redirect-to
/**
 * Redirect the request to `url` (302 and `Location`) and return a small HTML page for
 * clients that do not follow redirects. The URL is escaped in the page, never in the
 * header (which the client reads as a URL, not as HTML).
 *
 * @example
 * render_GET(request: Request) {
 *   return redirectTo('/login', request);
 * }
 */
export function redirectTo(url: string, request: Request): string {
  request.setHeader('content-type', 'text/html; charset=utf-8');
  request.redirect(url);
  const safe = escapeHTML(url);
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv="refresh" content="0;URL=${safe}">\n  </head>\n` +
    `  <body bgcolor="#FFFFFF" text="#000000">\n    <a href="${safe}">click here</a>\n  </body>\n</html>\n`;
}
// #endregion util-redirect-to

/** A leaf that redirects every request that reaches it, at any depth, to one fixed URL. */
export class Redirect extends Resource {
  override isLeaf = true;
  readonly url: string;

  constructor(url: string) {
    super();
    this.url = url;
  }

  override render(request: Request): string {
    return redirectTo(this.url, request);
  }

  override getChild(): IResource {
    return this;
  }
}

/**
 * A leaf that redirects to the "directory" of the URL it was reached by (the prepath):
 * mounted at `/app/old`, it sends the client to `http://host/app/`.
 */
export class ParentRedirect extends Resource {
  override isLeaf = true;

  override render(request: Request): string {
    return redirectTo(request.URLPath().here().toString(), request);
  }

  override getChild(): IResource {
    return this;
  }
}

// #region util-deferred-resource
/**
 * A stand-in for a resource that is not known yet (loaded from disk, fetched, built in
 * the background). Requests that reach it wait for the Promise, then carry on walking
 * the rest of the path from the resource it gave, and render what they arrive at.
 */
export class DeferredResource extends Resource {
  override isLeaf = true;
  readonly #resource: Promise<IResource>;

  constructor(resource: Promise<IResource>) {
    super();
    this.#resource = resource;
    this.#resource.catch(() => {}); // Failures are answered per request, below.
  }

  override render(request: Request): typeof NOT_DONE_YET {
    this.#resource.then(
      (resource) => render(request, getChildForRequest(resource, request, request.site?.tracer ?? null)),
      (error: unknown) => processingFailed(request, error, this),
    );
    return NOT_DONE_YET;
  }

  override getChild(): IResource {
    return this;
  }
}
// #endregion util-deferred-resource
