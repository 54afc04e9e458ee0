/**
 * Fake clocks for lesson tests that talk to an example over a real socket, where the
 * test cannot see inside the server: one that says when the server has scheduled
 * something (so the test waits for an event, never for a timer), and one that runs
 * every scheduled call as soon as the event loop is free (so a request that waits
 * "3 seconds" is answered at once).
 */
import type { DelayedCall } from '../../../lib/clock.ts';
import { FakeClock } from '../../../lib/testing.ts';

/** A fake clock a test can wait on: `await clock.pending(1)` returns once one call is scheduled. */
export class WatchedClock extends FakeClock {
  #waiters: (() => void)[] = [];

  override callLater(seconds: number, fn: () => void): DelayedCall {
    const call = super.callLater(seconds, fn);
    for (const wake of this.#waiters.splice(0)) wake();
    return call;
  }

  /** Resolves once at least `count` calls are pending. */
  async pending(count: number): Promise<void> {
    while (this.getDelayedCalls().length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

/** A fake clock on which time flies: each call runs as soon as the event loop is free. */
export class HurryingClock extends FakeClock {
  override callLater(seconds: number, fn: () => void): DelayedCall {
    const call = super.callLater(seconds, fn);
    setImmediate(() => {
      if (call.active()) this.advance(call.getTime() - this.seconds());
    });
    return call;
  }
}
