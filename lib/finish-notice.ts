/**
 * @module
 * What `request.notifyFinish()` returns: a promise-like that settles once per request,
 * done when the response is finished, lost when the client goes away first.
 *
 * Twisted counterpart: the Deferred of `twisted.web.http.Request.notifyFinish()`, whose
 * errback fires with `ConnectionLost`. A Deferred whose error nobody handles is only
 * logged when it is garbage-collected; a Promise whose rejection nobody handles ends a
 * Node process. Loom differs so that a resource which forgets the error case cannot take
 * the server down: `then(onDone)` alone never yields a rejected promise, and the
 * rejection is marked handled. Only the Request settles it (through internal symbols),
 * so a resource cannot resolve its own notice.
 * Tests: `test/finish-notice.test.ts`. Lesson 12 (interrupted) teaches it.
 */

import type { LoomError } from './errors.ts';
import { kReject, kResolve } from './plumbing/symbols.ts';

// #region finish-notice
/**
 * What `request.notifyFinish()` returns: a promise-like settled once per request.
 * `then(onDone)` alone never produces a rejected promise, so forgetting the error case
 * cannot end the process with an unhandled rejection.
 */
export class FinishNotice implements PromiseLike<void> {
  readonly #promise: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: LoomError) => void;

  constructor() {
    this.#promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#promise.catch(() => {}); // Nobody asked for the rejection: it must not count as unhandled.
  }

  then<A = void, B = never>(onDone?: ((value: void) => A | PromiseLike<A>) | null,
    onLost?: ((reason: LoomError) => B | PromiseLike<B>) | null): Promise<A | B> {
    // Without an onLost handler, a lost connection resolves the derived promise with
    // undefined instead of rejecting it.
    return this.#promise.then(onDone, onLost ?? (() => undefined as B));
  }

  catch<B = never>(onLost: (reason: LoomError) => B | PromiseLike<B>): Promise<void | B> {
    return this.#promise.catch(onLost);
  }

  /** Settle it: the response was finished. Only the Request that made it calls this. */
  [kResolve](): void {
    this.#resolve();
  }

  /** Settle it: the client went away first. */
  [kReject](error: LoomError): void {
    this.#reject(error);
  }
}
// #endregion finish-notice
