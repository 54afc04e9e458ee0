/**
 * @module
 * What a resource is, to the machinery that publishes it: the `IResource` interface,
 * and what its `render` may return (a body, `NOT_DONE_YET`, or a Promise of a body).
 *
 * Twisted counterpart: `twisted.web.resource.IResource` and `twisted.web.server.NOT_DONE_YET`;
 * Twisted's `twisted.web.iweb` holds its other web interfaces. Loom keeps these few
 * definitions in a module of their own, with nothing to import but the Request's type,
 * so that `Resource` (lib/resource.ts) and the error pages (lib/pages.ts), which each
 * use the other, both build on them without a cycle. `lib/resource.ts` exports them too.
 * Tests: `test/resource.test.ts`. Lesson 10 (asynchronous) teaches `NOT_DONE_YET`.
 */

import type { Request } from './request.ts';

// #region iweb-not-done-yet
/**
 * Returned by a render method that will answer later: it promises to call
 * `request.write()` any number of times and then `request.finish()` once.
 * Twisted's `server.NOT_DONE_YET`.
 */
export const NOT_DONE_YET: unique symbol = Symbol('NOT_DONE_YET');

/** A response body: text (sent as UTF-8) or bytes. */
export type Body = string | Uint8Array;

/** What a render method may return. */
export type RenderResult = Body | typeof NOT_DONE_YET | Promise<Body>;
// #endregion iweb-not-done-yet

/** A render method: `render_GET`, `render_POST`, … */
export type RenderMethod = (request: Request) => RenderResult;

/**
 * What the publishing machinery needs from a resource. Implement it directly only for
 * unusual resources (a wrapper, a proxy to another tree); otherwise extend `Resource`.
 * Twisted's `IResource`.
 */
export interface IResource {
  /** When true, traversal stops here and the rest of the path stays in `request.postpath`. */
  readonly isLeaf: boolean;
  /** The child for one path segment: a static child if registered, else a dynamic one. */
  getChildWithDefault(name: string, request: Request): IResource;
  /** Register a static child under one decoded path segment. */
  putChild(name: string, child: IResource): void;
  /** Answer the request (see {@link RenderResult}). */
  render(request: Request): RenderResult;
}
