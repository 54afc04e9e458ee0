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
import { LoomError, assertNever } from './errors.ts';
import { consoleLogger } from './logger.ts';
import { errorHTML, errorPage } from './pages.ts';
import { NOT_DONE_YET, UnsupportedMethod, renderMethodOf, type Body, type IResource, type RenderResult } from './resource.ts';
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
  sendResult(request, resource, result, 'render');
}

/**
 * What a render method gave back, told apart once: a body to send now, a promise to
 * answer later by itself (`NOT_DONE_YET`), a Promise to wait for, or something that is
 * none of these (a bug in the resource).
 */
type Rendered =
  | { readonly kind: 'body'; readonly body: Body }
  | { readonly kind: 'later' }
  | { readonly kind: 'async'; readonly promise: PromiseLike<unknown> }
  | { readonly kind: 'invalid'; readonly value: unknown };

function classify(result: unknown): Rendered {
  if (typeof result === 'string' || result instanceof Uint8Array) return { kind: 'body', body: result };
  if (result === NOT_DONE_YET) return { kind: 'later' };
  if (isPromiseLike(result)) return { kind: 'async', promise: result };
  return { kind: 'invalid', value: result };
}

/**
 * Send a render result. `from` says where it came from: a render method, or the Promise
 * one returned, whose value may be a body or NOT_DONE_YET but not another Promise.
 */
function sendResult(request: Request, resource: IResource, result: unknown, from: 'render' | 'promise'): void {
  const rendered = classify(result);
  switch (rendered.kind) {
    case 'body':
      request[kFinishWithBody](rendered.body);
      return;
    case 'later':
      return; // The resource has promised to call write() and finish() itself.
    case 'async':
      if (from === 'promise') {
        badResult(request, resource, result, true);
        return;
      }
      rendered.promise.then(
        (value) => sendResult(request, resource, value, 'promise'),
        (error: unknown) => processingFailed(request, error, resource),
      );
      return;
    case 'invalid':
      badResult(request, resource, rendered.value, from === 'promise');
      return;
    default:
      assertNever(rendered, 'render result');
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
  sendResult(request, resource, result, 'render');
}
// #endregion render-unsupported

// #region render-processing-failed
/**
 * Answer a request whose traversal or rendering threw: log it (naming the resource),
 * then send a 500 page, or the error's own 4xx status when it is a `LoomError` that has
 * one. When the headers are already out, cut the connection instead.
 */
export function processingFailed(request: Request, error: unknown, resource: IResource | null): void {
  const own = ownAnswerOf(error);
  if (own === null) logFailure(request, error, resource);
  if (request.finished) return;
  if (own !== null) sendFailurePage(request, own.status, errorHTML(own.status, statusPhrase(own.status), own.message));
  else sendFailurePage(request, 500, internalErrorHTML(request, error));
}

/** A failure the client should be told about as it is: a 4xx, or 503 (try again later). */
interface OwnAnswer {
  readonly status: number;
  readonly message: string;
}

/** The status and message a `LoomError` answers with, or null for a failure that is a 500. */
function ownAnswerOf(error: unknown): OwnAnswer | null {
  if (!(error instanceof LoomError) || error.status === undefined) return null;
  const status = error.status;
  return status < 500 || status === 503 ? { status, message: error.message } : null;
}

/** Log a 500 with where it happened: finding the resource, or inside one. */
function logFailure(request: Request, error: unknown, resource: IResource | null): void {
  const where = resource === null ? 'while finding the resource' : `in ${describeResource(resource)}`;
  (request.site?.logger ?? consoleLogger).error(`Error ${where} for ${request.method} ${request.uri}`, error);
}

/** The 500 page: the stack when the Site shows tracebacks, otherwise a page that says nothing of the code. */
function internalErrorHTML(request: Request, error: unknown): string {
  if (request.site?.displayTracebacks === true) return tracebackHTML(error);
  return errorHTML(500, 'Processing Failed', 'The server could not answer this request. The error has been logged.');
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

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The method a trace names: `render_GET` when the resource has it, else its own `render`. */
function renderMethodName(resource: IResource, method: string): string {
  return renderMethodOf(resource, method) !== undefined ? `render_${method}` : 'render';
}
