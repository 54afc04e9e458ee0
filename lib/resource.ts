/**
 * @module
 * Resources and the resource tree: how a URL path finds the object that answers it.
 *
 * A `Resource` answers requests through `render(request)`, which looks up a method named
 * after the HTTP method (`render_GET`, `render_POST`, …). Resources form a tree: a
 * parent knows its children by path segment, either registered up front with
 * `putChild` (static dispatch) or made on demand by `getChild` (dynamic dispatch).
 * `getChildForRequest` walks that tree one segment at a time, moving each segment from
 * `request.postpath` to `request.prepath`, and stops early at a resource whose `isLeaf`
 * is true: such a resource handles everything below it itself.
 *
 * Twisted counterpart: `twisted.web.resource` (`IResource`, `Resource`,
 * `getChildForRequest`, `UnsupportedMethod`). Loom differs:
 * - path segments are decoded strings, not bytes;
 * - a render method may also return a Promise of a body (the modern Deferred);
 * - `HEAD` appears in the `Allow` list only when the resource can render `GET`, because
 *   a HEAD it cannot answer is not "allowed" (Twisted lists it always);
 * - the default `getChild` answers with Loom's escaped 404 page.
 * Tests: `test/resource.test.ts`. Lessons 02–04 teach it; `IResource` and
 * `NOT_DONE_YET` are in `lib/iweb.ts`.
 */

import { LoomError } from './errors.ts';
import type { IResource, RenderMethod, RenderResult } from './iweb.ts';
import { notFound } from './pages.ts';
import type { Request } from './request.ts';
import type { Dispatch, Tracer } from './trace.ts';

// What a resource is and what render returns are in iweb.ts (error pages implement
// them too, and Resource uses an error page); they are exported from here as well,
// where Twisted has them.
export { NOT_DONE_YET, type Body, type IResource, type RenderMethod, type RenderResult } from './iweb.ts';

/**
 * Raised by `render` when the resource has no method for the request's HTTP method.
 * The Site answers 405 with an `Allow` header for GET, HEAD and POST, and 501 for any
 * other method, as Twisted does.
 */
export class UnsupportedMethod extends LoomError {
  /** The methods this resource does render, for the `Allow` header. */
  readonly allowedMethods: readonly string[];

  constructor(allowedMethods: readonly string[]) {
    if (!Array.isArray(allowedMethods)) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'UnsupportedMethod needs the list of allowed methods, e.g. ["GET", "HEAD"].');
    }
    super('LOOM_ERR_UNSUPPORTED_METHOD', `This resource only allows ${allowedMethods.join(', ')}.`, { status: 405 });
    this.name = 'UnsupportedMethod';
    this.allowedMethods = allowedMethods;
  }
}

/**
 * The base class for everything that answers requests. Subclass it and add
 * `render_GET(request)` (and friends) to answer; set `isLeaf = true` to handle every path
 * below this one; override `getChild` to make children on demand.
 *
 * @example
 * class Clock extends Resource {
 *   override isLeaf = true;
 *   render_GET(request: Request) {
 *     return `<html><body>${new Date().toUTCString()}</body></html>`;
 *   }
 * }
 */
export class Resource implements IResource {
  isLeaf = false;
  /**
   * The methods to list in `Allow` when a method is not supported. When left
   * undefined, the list is worked out from the `render_*` methods the class has.
   */
  allowedMethods: readonly string[] | undefined = undefined;
  /** Static children, by decoded path segment. */
  readonly children = new Map<string, IResource>();

  // #region resource-put-child
  /**
   * Register `child` as the answer for the path segment `name`.
   *
   * `name` is one *decoded* segment: `putChild('foo bar', …)` matches `/foo%20bar`. The
   * empty name is the child for a trailing slash, so `/docs/` asks `docs` for its `''`
   * child.
   */
  putChild(name: string, child: IResource): void {
    if (typeof name !== 'string') {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT',
        `putChild needs a path segment as a string, got ${typeof name}. Pass the decoded segment, e.g. putChild('about', child).`);
    }
    this.children.set(name, child);
  }
  // #endregion resource-put-child

  // #region resource-get-child
  /** A static child if one was registered under `name`, otherwise `getChild(name, request)`. */
  getChildWithDefault(name: string, request: Request): IResource {
    return this.children.get(name) ?? this.getChild(name, request);
  }

  /**
   * Make a child for a segment that has no static child. Override it for dynamic
   * dispatch; the default answers 404.
   */
  getChild(_name: string, _request: Request): IResource {
    return notFound();
  }
  // #endregion resource-get-child

  // #region resource-render
  /**
   * Answer the request by calling `render_<METHOD>`. The method name is matched exactly
   * (a request with method `get` finds nothing), as Twisted does.
   *
   * @throws UnsupportedMethod when there is no such method.
   */
  render(request: Request): RenderResult {
    const method = renderMethodOf(this, request.method);
    if (method === undefined) throw new UnsupportedMethod(this.allowedMethods ?? allowedMethodsOf(this));
    return method.call(this, request);
  }

  /** HEAD is answered like GET; the Site drops the body and keeps the headers. */
  render_HEAD(request: Request): RenderResult {
    const get = renderMethodOf(this, 'GET');
    if (get === undefined) throw new UnsupportedMethod(this.allowedMethods ?? allowedMethodsOf(this));
    return get.call(this, request);
  }
  // #endregion resource-render
}

// #region resource-traversal
/**
 * Find the resource that answers `request`, starting from `resource`: while there is
 * path left and the current resource is not a leaf, move the next segment from
 * `postpath` to `prepath` and ask for that child. This loop is the whole of URL
 * dispatch.
 */
export function getChildForRequest(resource: IResource, request: Request, tracer: Tracer | null = null): IResource {
  const postpath = request.postpath;
  while (postpath.length > 0 && !resource.isLeaf) {
    const name = postpath.shift()!;
    request.prepath.push(name);
    const parent = resource;
    resource = resource.getChildWithDefault(name, request);
    // A disabled tracer costs this one null check.
    if (tracer !== null) tracer.child(request, parent, name, resource, dispatchOf(parent, name, resource));
  }
  if (tracer !== null) tracer.arrived(request, resource);
  return resource;
}
// #endregion resource-traversal

/** Whether the walk took `child` from `parent`'s `putChild` table or from `getChild`. */
function dispatchOf(parent: IResource, name: string, child: IResource): Dispatch {
  return parent instanceof Resource && parent.children.get(name) === child ? 'static' : 'dynamic';
}

// Method names are looked up on every request; building `'render_' + method` each time
// would make a fresh string to hash. Each distinct method's key is built once.
const renderKeys = new Map<string, string>();

function renderKey(method: string): string {
  let key = renderKeys.get(method);
  if (key === undefined) {
    key = `render_${method}`;
    // Clients can send any token as a method; only remember a bounded number of them.
    if (renderKeys.size < 64) renderKeys.set(method, key);
  }
  return key;
}

/** The `render_<method>` function of `resource`, if it has one. */
export function renderMethodOf(resource: object, method: string): RenderMethod | undefined {
  const fn: unknown = (resource as Record<string, unknown>)[renderKey(method)];
  return typeof fn === 'function' ? (fn as RenderMethod) : undefined;
}

/**
 * The methods `resource` can render, worked out from its `render_*` methods along the
 * prototype chain. HEAD counts only when GET is there to answer it.
 */
export function allowedMethodsOf(resource: object): string[] {
  const found = new Set<string>();
  for (let proto: object | null = resource; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key.startsWith('render_') && key.length > 7) found.add(key.slice(7));
    }
  }
  const head = (resource as { render_HEAD?: unknown }).render_HEAD;
  if (!found.has('GET') && head === Resource.prototype.render_HEAD) found.delete('HEAD');
  return [...found].sort();
}
