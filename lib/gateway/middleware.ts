/**
 * @module
 * Middleware: an application that wraps another application.
 *
 * Because an application is only a function of `(environ, startResponse)`, a middleware
 * is a function from application to application. It can change the environ before the
 * inner application sees it, wrap `startResponse` to change the status or headers on the
 * way out, wrap the returned iterable to change the body, or answer by itself without
 * calling the inner application at all. Wrapped in layers, the first middleware listed
 * to `compose` sees the request first and the response last.
 *
 * Twisted counterpart: none in Twisted; the middleware pattern of PEP 3333 ("Middleware:
 * Components that Play Both Sides"). Loom adds `compose` and `mapBody`, which keeps the
 * inner iterable's `close()` working through a wrapper (the step hand-written
 * middleware most often forgets).
 * Tests: `test/gateway/middleware.test.ts`. Lesson 27 teaches it.
 */

import type { Application, Chunk, Header, StartResponse } from './spec.ts';

/** A function from application to application. */
export type Middleware = (app: Application) => Application;

// #region gateway-compose
/**
 * Stack middleware around an application: `compose(a, b)(app)` is `a(b(app))`, so `a`
 * sees each request first and each response last.
 *
 * @example
 * const served = compose(validator, addHeaders([['X-Frame-Options', 'DENY']]))(application);
 */
export function compose(...layers: Middleware[]): Middleware {
  return (app) => layers.reduceRight((inner, layer) => layer(inner), app);
}
// #endregion gateway-compose

// #region gateway-map-body
/**
 * Transform each chunk of a returned body, keeping its `close()`: the wrapper's
 * `close()` calls the inner one, so the server's call reaches the application.
 */
export function mapBody(body: Iterable<Chunk>, map: (chunk: Chunk) => Chunk): Iterable<Chunk> & { close(): void } {
  return {
    *[Symbol.iterator]() {
      for (const chunk of body) yield map(chunk);
    },
    close() {
      const close = (body as { close?: unknown }).close;
      if (typeof close === 'function') close.call(body);
    },
  };
}
// #endregion gateway-map-body

// #region gateway-add-headers
/**
 * A middleware adding headers to every response (what `loom web --add-header` does for
 * a whole site), by wrapping `startResponse` on its way to the inner application.
 */
export function addHeaders(extra: readonly Header[]): Middleware {
  return (app) => (environ, startResponse) => {
    const wrapped: StartResponse = (status, headers, excInfo) => startResponse(status, [...headers, ...extra], excInfo);
    return app(environ, wrapped);
  };
}
// #endregion gateway-add-headers
