/**
 * @module
 * Rendering: turning what a resource's `render` returned into a response, and turning
 * failures into error pages.
 *
 * A render method returns one of three things: the whole body (sent at once with a
 * `Content-Length`), `NOT_DONE_YET` (the resource will `write` and `finish` later), or a
 * Promise of a body (sent when it resolves). Anything else is a bug in the resource and
 * gets a 500 page that says so. An exception gets a 500 "Processing Failed" page and a
 * log entry; with `site.displayTracebacks`, the page shows the stack.
 *
 * Twisted counterpart: `twisted.web.server.Request.render` and
 * `Request.processingFailed`. Loom differs:
 * - a Promise is a render result (Twisted resources return NOT_DONE_YET and fire a
 *   Deferred themselves);
 * - a `LoomError` that carries a 4xx status (a body that is not JSON, say) or a 503 (the
 *   session store is down) answers with that status and its message instead of a 500;
 * - a failure after the headers went out cuts the connection, so the client sees a
 *   truncated response rather than a 500 page glued onto a 200;
 * - a fake HEAD (a resource whose `render` only knows GET) that returns NOT_DONE_YET is
 *   allowed to finish by itself; its writes are dropped.
 * Tests: `test/render.test.ts`. Lessons 02, 10, 11 and 13 teach it.
 */

import { escapeHTML } from './plumbing/html.ts';
import { SUPPORTED_METHODS, statusPhrase } from './plumbing/http.ts';
import { LoomError } from './errors.ts';
import { consoleLogger } from './logger.ts';
import { errorHTML, errorPage } from './pages.ts';
import { NOT_DONE_YET, UnsupportedMethod, renderMethodOf, type IResource, type RenderResult } from './resource.ts';
import { kFinishWithBody } from './plumbing/symbols.ts';
import type { Request } from './request.ts';
import { describeResource } from './trace.ts';

// #region render-dispatch
/** Render `resource` for `request` and send whatever it returns. Never throws. */
export function render(request: Request, resource: IResource): void {
  const tracer = request.site?.tracer ?? null;
  if (tracer !== null) tracer.rendering(request, resource, renderMethodName(resource, request.method));
  let result: RenderResult;
  try {
    result = resource.render(request);
  } catch (error) {
    if (error instanceof UnsupportedMethod) unsupportedMethod(request, resource, error);
    else processingFailed(request, error, resource);
    return;
  }
  sendResult(request, resource, result);
}

/** Send a render result: a body now, nothing yet, or a body when the Promise settles. */
function sendResult(request: Request, resource: IResource, result: unknown): void {
  if (typeof result === 'string' || result instanceof Uint8Array) {
    request[kFinishWithBody](result);
  } else if (result === NOT_DONE_YET) {
    // The resource has promised to call write() and finish() itself.
  } else if (isPromise(result)) {
    result.then(
      (body) => (body === NOT_DONE_YET ? undefined : isBody(body) ? request[kFinishWithBody](body) : badResult(request, resource, body, true)),
      (error: unknown) => processingFailed(request, error, resource),
    );
  } else {
    badResult(request, resource, result, false);
  }
}
// #endregion render-dispatch

// #region render-unsupported
/**
 * The resource has no method for this request: HEAD falls back to GET; GET, HEAD and
 * POST get 405 with `Allow`; any other method gets 501 (Twisted's rule).
 */
function unsupportedMethod(request: Request, resource: IResource, error: UnsupportedMethod): void {
  const allowed = error.allowedMethods;
  if (request.method === 'HEAD' && allowed.includes('GET')) {
    fakeHead(request, resource);
    return;
  }
  if (SUPPORTED_METHODS.includes(request.method)) {
    request.setHeader('allow', allowed.join(', '));
    const only = allowed.length === 0 ? 'This resource answers no method at all (it has no render_GET, render_POST, …).'
      : `I only allow the method${allowed.length === 1 ? '' : 's'} ${allowed.join(', ')} here.`;
    const detail = `Your browser approached me (at ${request.uri}) with the method "${request.method}". ${only}`;
    render(request, errorPage(405, 'Method Not Allowed', detail));
  } else {
    render(request, errorPage(501, 'Huh?', `I don't know how to treat a ${request.method} request.`));
  }
}

/** Render a GET and send only its headers: the body is dropped because the method is HEAD again. */
function fakeHead(request: Request, resource: IResource): void {
  let result: RenderResult;
  request.method = 'GET';
  try {
    result = resource.render(request);
  } catch (error) {
    request.method = 'HEAD';
    processingFailed(request, error, resource);
    return;
  } finally {
    request.method = 'HEAD';
  }
  sendResult(request, resource, result);
}
// #endregion render-unsupported

// #region render-processing-failed
/**
 * Answer a request whose traversal or rendering threw: log it (naming the resource),
 * then send a 500 page, or the error's own 4xx status when it is a `LoomError` that has
 * one. When the headers are already out, cut the connection instead.
 */
export function processingFailed(request: Request, error: unknown, resource: IResource | null): void {
  const site = request.site;
  const status = error instanceof LoomError && error.status !== undefined && (error.status < 500 || error.status === 503) ? error.status : 500;
  if (status === 500) {
    const where = resource === null ? 'while finding the resource' : `in ${describeResource(resource)}`;
    (site?.logger ?? consoleLogger).error(`Error ${where} for ${request.method} ${request.uri}`, error);
  }
  if (request.finished) return;
  sendFailurePage(request, status, status !== 500 ? errorHTML(status, statusPhrase(status), (error as LoomError).message)
    : site?.displayTracebacks === true ? tracebackHTML(error) : errorHTML(500, 'Processing Failed', 'The server could not answer this request. The error has been logged.'));
}

/**
 * Replace whatever the resource had set with a `status` page; or, when the headers are
 * already out and a status can no longer be sent, cut the connection.
 */
function sendFailurePage(request: Request, status: number, html: string): void {
  if (request.startedWriting) {
    request.loseConnection();
    return;
  }
  request.code = status;
  request.codeMessage = null;
  request.responseHeaders.setRawHeaders('content-type', ['text/html; charset=utf-8']);
  request.responseHeaders.removeHeader('content-length');
  request[kFinishWithBody](html);
}

/** The page `displayTracebacks` shows: the error and its stack, escaped. */
export function tracebackHTML(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `<!DOCTYPE html>\n<html>\n  <head><title>Loom Traceback (most recent call first)</title></head>\n` +
    `  <body>\n    <h1>Loom Traceback (most recent call first)</h1>\n    <pre>${escapeHTML(text)}</pre>\n  </body>\n</html>\n`;
}
// #endregion render-processing-failed

/** A render method returned something that is not a body: a 500 page naming the resource and the value. */
function badResult(request: Request, resource: IResource, value: unknown, viaPromise: boolean): void {
  const what = viaPromise ? 'a Promise that resolved to' : '';
  const detail = `${describeResource(resource)} answered ${request.method} ${request.uri} with ${what} ${describeValue(value)}. ` +
    'A render method must return a string, a Uint8Array, NOT_DONE_YET, or a Promise of a string or Uint8Array.';
  (request.site?.logger ?? consoleLogger).error(`Bad render result: ${detail}`);
  sendFailurePage(request, 500, errorHTML(500, 'Request did not return a body', detail));
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (did the render method forget to return?)';
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `the ${typeof value} ${String(value).slice(0, 80)}`;
}

function isBody(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The method a trace names: `render_GET` when the resource has it, else its own `render`. */
function renderMethodName(resource: IResource, method: string): string {
  return renderMethodOf(resource, method) !== undefined ? `render_${method}` : 'render';
}
