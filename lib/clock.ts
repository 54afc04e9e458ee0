/**
 * @module
 * Time, passed in rather than read from the world.
 *
 * A Site, a session or a resource that waits takes a `Clock` instead of calling
 * `setTimeout` and `Date.now()` itself, so that a test can hand it a fake clock and move
 * time forward instantly (see `FakeClock` in `lib/testing.ts`).
 *
 * Twisted counterpart: `IReactorTime` (`reactor.seconds()`, `reactor.callLater()`), which
 * Twisted code receives as the `reactor` argument. Loom keeps Twisted's names and its
 * unit: **seconds**, not milliseconds, so `clock.callLater(5, f)` reads like
 * `reactor.callLater(5, f)` in the Twisted howtos. As with Twisted's reactor, an
 * exception thrown by a delayed call on the real clock is logged and the process
 * carries on: a bug in one resource's timer must not take the whole server down.
 * Tests: `test/clock.test.ts`.
 */

import { consoleLogger } from './logger.ts';

// #region clock-interface
/** A call scheduled by {@link Clock.callLater}. Twisted's `IDelayedCall`. */
export interface DelayedCall {
  /** Stop the call from happening. Cancelling twice, or after it ran, does nothing. */
  cancel(): void;
  /** Move the call to `seconds` from now (counted from the clock's present). */
  reset(seconds: number): void;
  /** True until the call has run or been cancelled. */
  active(): boolean;
  /** When the call is due, in the clock's seconds. */
  getTime(): number;
}

/** The time source Loom's time-dependent parts are given. */
export interface Clock {
  /** The current time in seconds since the epoch (may be fractional). */
  seconds(): number;
  /** Run `fn` after `seconds` seconds. */
  callLater(seconds: number, fn: () => void): DelayedCall;
}
// #endregion clock-interface

/** The real clock: `Date.now()` and Node's timers. */
export const realClock: Clock = {
  seconds: () => Date.now() / 1000,
  callLater: (seconds, fn) => new RealDelayedCall(seconds, fn),
};

class RealDelayedCall implements DelayedCall {
  #timer: NodeJS.Timeout | null;
  #due: number;
  readonly #fn: () => void;

  constructor(seconds: number, fn: () => void) {
    this.#fn = fn;
    this.#due = Date.now() / 1000 + seconds;
    this.#timer = this.#start(seconds);
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  reset(seconds: number): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#due = Date.now() / 1000 + seconds;
    this.#timer = this.#start(seconds);
  }

  active(): boolean {
    return this.#timer !== null;
  }

  getTime(): number {
    return this.#due;
  }

  #start(seconds: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timer = null;
      try {
        this.#fn();
      } catch (error) {
        // Nobody is left to catch it: log it, as Twisted's reactor does, and keep serving.
        consoleLogger.error('Unhandled error in a delayed call (clock.callLater)', error);
      }
    }, Math.max(0, seconds * 1000));
    // A pending session expiry or a lesson's delayed call must not keep a stopped
    // server's process alive.
    timer.unref();
    return timer;
  }
}
