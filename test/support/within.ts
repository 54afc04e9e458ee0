/**
 * A bound on waiting for an event. Tests wait on events, never on timers; but an event
 * that never comes would leave a test hanging until Vitest's 20 s timeout, which says
 * only "timed out". `within` fails sooner and says what was awaited and what was seen
 * instead. The timer is a bound on failure, not a guess at when the event happens: a
 * passing test never waits for it.
 */

/** Resolve as `promise` does, or reject after `ms` with `expected` and `seen()` in the message. */
export function within<T>(promise: Promise<T>, ms: number, expected: string, seen: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Expected ${expected} within ${ms} ms; saw instead:\n${seen() || '(nothing)'}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
