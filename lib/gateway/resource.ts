/**
 * @module
 * `GatewayResource`: a gateway application mounted in a resource tree, run on a pool
 * of worker threads.
 *
 * The resource is a leaf: everything below its mount point belongs to the application.
 * For each request it builds the environ (`SCRIPT_NAME` from the segments traversal
 * consumed, `PATH_INFO` from the rest), hands the call to the thread pool and returns
 * `NOT_DONE_YET`; the response streams back from the worker as the application produces
 * it. Because the application runs on another thread, one that blocks (reading a slow
 * upload, waiting on a database) holds up only its own request, never the Site.
 *
 * Twisted counterpart: `twisted.web.wsgi.WSGIResource(reactor, threadpool, application)`.
 * Loom keeps the triple: the clock (Twisted's reactor) is how the resource measures
 * time, the pool is where applications run, and the application is named by an
 * `AppRef` (module and export) because a function cannot be handed to another thread.
 * Loom differs:
 * - an application that never calls startResponse gets a 500 instead of hanging;
 * - an error before any output is Loom's 500 page (logged, with the stack when the Site
 *   shows tracebacks), where Twisted sends an empty 500;
 * - a worker that crashes is replaced, and its request answered 500;
 * - an optional `timeout`: an application that has not started its response in that
 *   many seconds is answered 504 and its worker replaced (Twisted waits forever).
 * Tests: `test/gateway/resource.test.ts`. Lesson 15 teaches it.
 */

import type { Clock, DelayedCall } from '../clock.ts';
import type { Content } from '../plumbing/content.ts';
import { LoomError } from '../errors.ts';
import { consoleLogger } from '../logger.ts';
import { errorPage } from '../pages.ts';
import { processingFailed, render as renderResource } from '../render.ts';
import { NOT_DONE_YET, type IResource } from '../resource.ts';
import type { Request } from '../request.ts';
import { environFromRequest } from './environ.ts';
import type { CallHandle, CallSink } from './call.ts';
import type { ThreadPool } from './pool.ts';
import { BODY_SLICE } from './protocol.ts';
import type { AppRef, Header } from './spec.ts';

/** Options for a {@link GatewayResource}. */
export interface GatewayResourceOptions {
  /**
   * Seconds an application may take before it starts its response; past that the
   * request is answered 504 and the worker running it is replaced. @default none
   */
  timeout?: number | null;
}

// #region gateway-resource
/** A gateway application served from a thread pool. Twisted's `WSGIResource`. */
export class GatewayResource implements IResource {
  readonly isLeaf = true;
  readonly clock: Clock;
  readonly pool: ThreadPool;
  readonly app: AppRef;
  readonly timeout: number | null;

  constructor(clock: Clock, pool: ThreadPool, app: AppRef, options: GatewayResourceOptions = {}) {
    this.clock = clock;
    this.pool = pool;
    this.app = app;
    this.timeout = options.timeout ?? null;
  }

  render(request: Request): typeof NOT_DONE_YET {
    // The application chooses its own headers; no text/html is added for it.
    request.defaultContentType = null;
    const sink = new RequestSink(request, this);
    const call = this.pool.dispatch({ app: this.app, environ: environFromRequest(request), body: bodyOf(request), sink });
    sink.started(call);
    return NOT_DONE_YET;
  }
  // #endregion gateway-resource

  /** Everything below a GatewayResource is the application's, so it has no children. */
  getChildWithDefault(name: string): IResource {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT',
      `A GatewayResource is a leaf: the application answers every path below it, so it has no child "${name}".`);
  }

  putChild(name: string): void {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT',
      `Cannot putChild("${name}") on a GatewayResource: the application answers every path below it. Mount other resources beside it instead.`);
  }
}

/** The body as the pool wants it: the bytes when in memory, slices read from the file when spooled. */
function bodyOf(request: Request): Uint8Array | Iterable<Uint8Array> | null {
  const content = request.content;
  if (content.length === 0) return null;
  return content.spooled ? readSlices(content) : content.bytes();
}

function* readSlices(content: Content): Generator<Uint8Array> {
  content.seek(0);
  for (let slice = content.read(BODY_SLICE); slice.length > 0; slice = content.read(BODY_SLICE)) yield slice;
}

// #region gateway-resource-sink
/** Where a call's response goes: the request, on the Site's thread. */
class RequestSink implements CallSink {
  readonly #request: Request;
  readonly #resource: GatewayResource;
  #timer: DelayedCall | null = null;

  constructor(request: Request, resource: GatewayResource) {
    this.#request = request;
    this.#resource = resource;
  }

  /** The call is in the pool's hands: cancel it if the client leaves, abandon it if it takes too long. */
  started(call: CallHandle): void {
    if (this.#request.finished) return; // It failed at once (the pool is stopped).
    this.#request.notifyFinish().then(undefined, () => call.cancel());
    const timeout = this.#resource.timeout;
    if (timeout !== null) {
      this.#timer = this.#resource.clock.callLater(timeout, () => call.abandon(new LoomError('LOOM_ERR_GATEWAY_TIMEOUT',
        `The gateway application did not start its response within ${timeout} seconds; its worker thread was replaced.`, { status: 504 })));
    }
  }

  head(code: number, reason: string, headers: Header[]): void {
    this.#stopTimer();
    const request = this.#request;
    request.setResponseCode(code, reason);
    // Appended, not set: an application may send a header twice (Set-Cookie).
    for (const [name, value] of headers) request.responseHeaders.addRawHeader(name, value);
  }

  write(chunk: Uint8Array): boolean {
    return this.#request.write(chunk);
  }

  onDrain(listener: () => void): void {
    void this.#request.waitForDrain().then(listener);
  }

  end(): void {
    this.#stopTimer();
    this.#request.finish();
  }

  fail(error: Error, headSent: boolean): void {
    this.#stopTimer();
    const request = this.#request;
    const status = error instanceof LoomError ? error.status : undefined;
    if (!headSent && !request.startedWriting && (status === 503 || status === 504)) {
      (request.site?.logger ?? consoleLogger).error(`Gateway application failed for ${request.method} ${request.uri}`, error);
      renderResource(request, errorPage(status, status === 503 ? 'Service Unavailable' : 'Gateway Timeout', error.message));
      return;
    }
    if (headSent && request.startedWriting) {
      // Let the bytes already written reach the socket (Node sends them on the next
      // tick) before processingFailed cuts the connection.
      setImmediate(() => processingFailed(request, error, this.#resource));
      return;
    }
    processingFailed(request, error, this.#resource);
  }

  log(text: string): void {
    (this.#request.site?.logger ?? consoleLogger).error(`Gateway application (${this.#request.method} ${this.#request.uri}) wrote to errors: ${text.trimEnd()}`);
  }

  #stopTimer(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }
}
// #endregion gateway-resource-sink
