/**
 * @module
 * Typed component keys: how a session or a registry stores objects of your own.
 *
 * Twisted stores objects on a session through interfaces and adapters: define
 * `ICounter`, register an adapter with `registerAdapter(Counter, Session, ICounter)`, then
 * `ICounter(session)` finds (or makes) the session's counter. TypeScript has no
 * run-time interfaces, so Loom uses a key object that carries the type:
 *
 * @example
 * const Counter = new ComponentKey('counter', () => ({ value: 0 }));
 * const counter = session.getComponent(Counter); // made on first use, then kept
 * counter.value += 1;
 *
 * The key's `name` identifies the component across processes (a session on Redis is
 * stored by name), and its optional `create` function plays the adapter's part: it
 * makes the component the first time it is asked for.
 * Tests: `test/session/components.test.ts`. Lesson 18 (session-store) teaches it.
 */

// #region components-key
/** A typed key for a component of a session or registry. */
export class ComponentKey<T> {
  /** Names the component; keys with the same name share a slot in a session. */
  readonly name: string;
  /** Makes the component when it is asked for and not there yet (Twisted's adapter). */
  readonly create: (() => T) | undefined;
  /** Never set: only carries the type `T` for the compiler. */
  declare readonly type: T;

  constructor(name: string, create?: () => T) {
    this.name = name;
    this.create = create;
  }
}
// #endregion components-key
