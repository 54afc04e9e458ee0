/**
 * @module
 * A function of a string whose answers are kept, for the few arguments a server sees
 * over and over: header names, content types. Working such an answer out (lower-casing,
 * splitting, searching mime-db) costs more on every response than a Map lookup.
 *
 * Twisted counterpart: none; Python would reach for `functools.lru_cache`. Loom differs
 * from an LRU: once `limit` arguments are kept, a new one is worked out each time and not
 * kept, because the arguments can be a client's or a resource's choice (any header name,
 * a type with parameters) and would otherwise grow the map without end, while the ones
 * seen first, in a server's first requests, are the ones that come back.
 * Tests: `test/plumbing/memo.test.ts`.
 */

/**
 * `compute`, with each answer kept for the first `limit` distinct arguments. `compute`
 * must be pure and never return `undefined` (that reads as "not kept yet").
 *
 * @example
 * const lowerCased = memoized((name) => name.toLowerCase(), 1000);
 */
export function memoized<T>(compute: (key: string) => T, limit: number): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    let answer = known.get(key);
    if (answer === undefined) {
      answer = compute(key);
      if (known.size < limit) known.set(key, answer);
    }
    return answer;
  };
}
