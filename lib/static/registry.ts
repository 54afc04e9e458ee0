/**
 * @module
 * The registry: a place shared by a `File` tree, its resource scripts and processors,
 * to keep things between requests (a cached resource, a counter, a connection pool).
 *
 * Twisted counterpart: `twisted.web.static.Registry` (a `Componentized` with
 * `cachePath`/`getCachedPath`), handed to `.rpy` scripts as `registry`. Loom differs:
 * components are stored under typed keys (see `ComponentKey`) instead of interfaces.
 * Tests: `test/static/registry.test.ts`.
 */

import { ComponentKey } from '../session/components.ts';

export { ComponentKey };

/** Shared state for a served directory tree and the scripts in it. */
export class Registry {
  readonly #paths = new Map<string, unknown>();
  readonly #components = new Map<ComponentKey<unknown>, unknown>();

  /** Remember `value` for a file `path` (used by `cache()` in resource scripts). */
  cachePath(path: string, value: unknown): void {
    this.#paths.set(path, value);
  }

  /** What was remembered for `path`, or `undefined`. */
  getCachedPath(path: string): unknown {
    return this.#paths.get(path);
  }

  /** Forget what was remembered for `path`. */
  uncachePath(path: string): void {
    this.#paths.delete(path);
  }

  /** The component stored under `key` (made by the key's `create` when missing), or `undefined`. */
  getComponent<T>(key: ComponentKey<T>): T | undefined {
    if (!this.#components.has(key) && key.create !== undefined) this.#components.set(key, key.create());
    return this.#components.get(key) as T | undefined;
  }

  /** Store `value` under `key`, replacing any earlier one. */
  setComponent<T>(key: ComponentKey<T>, value: T): void {
    this.#components.set(key, value);
  }

  /** Remove the component stored under `key`. */
  removeComponent<T>(key: ComponentKey<T>): void {
    this.#components.delete(key);
  }
}
