/**
 * @module
 * Sessions: remembering a client from one request to the next.
 *
 * `request.getSession()` returns the client's session, making one (and a cookie naming
 * it) the first time. A session has a random `uid`, components you store on it
 * (`getComponent`/`setComponent`, see lib/session/components.ts), and a timeout: left unused for
 * `sessionTimeout` seconds it expires, and the callbacks given to `notifyOnExpire` run.
 * Where sessions live is the store's business: in this process's memory (the default),
 * or in Redis so that several processes share them (lib/session/redis.ts).
 *
 * Twisted counterpart: `twisted.web.server.Session`, `Request.getSession` and
 * `Site.makeSession`. Loom differs, on purpose:
 * - a session is touched each time a request uses it, so the timeout counts from the
 *   last use (Twisted's counts from creation unless you call `touch()` yourself);
 * - the cookie is `HttpOnly` and `SameSite=Lax` (Twisted's has neither), so scripts on
 *   the page cannot read it and other sites cannot ride on it;
 * - a cookie that is not a well-formed uid is never looked up: the client gets a new
 *   session, as for an unknown uid;
 * - each store has a cap (`maxSessions`) and evicts the least recently used session
 *   first, counting evictions and logging once per burst, so a flood of new clients
 *   cannot grow memory without limit (Twisted's `site.sessions` grows for 15 minutes
 *   per client: a lesson 18 server went from 85 to 303 MB under wrk and kept rising);
 * - a new session is kept by the store only when the response carrying its cookie is
 *   sent, so a request whose client went away first leaves nothing behind;
 * - expiry runs on the Site's injected clock, so tests move time instead of waiting;
 *   the memory store needs one timer per timeout value, not one per session.
 * Tests: `test/session/session.test.ts`. Lessons 17–19 teach it.
 */

import { randomBytes } from 'node:crypto';
import type { Clock, DelayedCall } from '../clock.ts';
import type { ComponentKey } from './components.ts';
import { LoomError } from '../errors.ts';
import { kStoreMemo } from '../plumbing/symbols.ts';
import type { Logger } from '../logger.ts';

/** How long an unused session lives, in seconds (Twisted's default). */
export const DEFAULT_SESSION_TIMEOUT = 900;

/**
 * The most sessions a store keeps before evicting the least recently used. In memory a
 * session costs about 250 bytes of heap with no components and about 480 with one small
 * object (measured over 100 000 sessions, heap after a full GC, Node 20; see
 * docs/guide/reliability.md), so the default cap holds a flood of new clients to some
 * 25–50 MB of heap. In Redis each
 * costs its key, its JSON and a rank in the LRU set.
 */
export const DEFAULT_MAX_SESSIONS = 100_000;

/** Seconds without an eviction after which the next one is logged again: one line per burst. */
const EVICTION_QUIET_SECONDS = 60;

/** A session uid: 32 random bytes as 64 lower-case hex digits. */
const UID_PATTERN = /^[0-9a-f]{64}$/;

/** Make a new session uid from 256 random bits. */
export function newSessionUid(): string {
  return randomBytes(32).toString('hex');
}

/** True when `text` could be a uid Loom made; anything else is never looked up. */
export function isSessionUid(text: string): boolean {
  return text.length === 64 && UID_PATTERN.test(text);
}

/**
 * The name of the session cookie: `TWISTED_SESSION` (or `TWISTED_SECURE_SESSION` on
 * TLS), joined with `_` to each segment of the path the Site is mounted at, as in
 * Twisted, so two Sites mounted under one another keep separate sessions.
 */
export function sessionCookieName(secure: boolean, sitepath: readonly string[]): string {
  const base = secure ? 'TWISTED_SECURE_SESSION' : 'TWISTED_SESSION';
  return sitepath.length === 0 ? base : [base, ...sitepath].join('_');
}

// #region session-class
/** One client's session. Make one through `request.getSession()`, not directly. */
export class Session {
  readonly uid: string;
  /** Seconds of disuse after which the session expires. Subclass to change it. */
  sessionTimeout = DEFAULT_SESSION_TIMEOUT;
  /** When the session was made, in the clock's seconds. */
  readonly createdAt: number;
  /** When a request last used the session, in the clock's seconds. */
  lastModified: number;
  readonly #store: SessionStore;
  readonly #clock: Clock;
  // Made on first use: most sessions of a busy site never store a component, and an
  // empty Map per session is a quarter of a session's memory.
  #components: Map<string, unknown> | null;
  #onExpire: (() => void)[] | null = null;
  #expired = false;

  constructor(uid: string, store: SessionStore, clock: Clock, saved?: SavedSession) {
    this.uid = uid;
    this.#store = store;
    this.#clock = clock;
    this.createdAt = saved?.createdAt ?? clock.seconds();
    this.lastModified = saved?.lastModified ?? clock.seconds();
    this.#components = saved === undefined ? null : new Map(Object.entries(saved.components));
  }

  /** Mark the session as used now, pushing its expiry back. Requests do this for you. */
  touch(): void {
    this.lastModified = this.#clock.seconds();
    this.#store.touched(this);
  }

  /**
   * End the session now: it is forgotten by the store, and each `notifyOnExpire`
   * callback runs once, in the order given. Expiring twice does nothing.
   */
  expire(): void {
    if (this.#expired) return;
    this.#expired = true;
    this.#store.remove(this);
    const callbacks = this.#onExpire ?? [];
    this.#onExpire = null;
    for (const callback of callbacks) callback();
  }

  /** True once the session has expired. */
  get expired(): boolean {
    return this.#expired;
  }

  /** Run `callback` when the session expires (after a timeout or `expire()`). */
  notifyOnExpire(callback: () => void): void {
    (this.#onExpire ??= []).push(callback);
  }
  // #endregion session-class

  // #region session-components
  /**
   * The component stored under `key`. When there is none and the key has a `create`
   * function, it is made, stored and returned (Twisted's adapter lookup).
   */
  getComponent<T>(key: ComponentKey<T>): T | undefined {
    if (this.#components?.has(key.name) !== true && key.create !== undefined) this.setComponent(key, key.create());
    return this.#components?.get(key.name) as T | undefined;
  }

  /**
   * Store `value` under `key`, replacing what was there.
   * @throws LoomError `LOOM_ERR_SESSION_VALUE` when the store can only keep plain JSON
   * data (the Redis store) and `value` is not.
   */
  setComponent<T>(key: ComponentKey<T>, value: T): void {
    if (this.#store.remote) assertPlainData(value, key.name);
    (this.#components ??= new Map()).set(key.name, value);
  }

  /** Remove the component stored under `key`. */
  removeComponent<T>(key: ComponentKey<T>): void {
    this.#components?.delete(key.name);
  }
  // #endregion session-components

  /**
   * What the store last knew of this session, for the store's own use: the Redis store
   * keeps the components' JSON it read or wrote, to skip writing them back unchanged.
   * A field here, not a WeakMap in the store: a store outside the process makes a new
   * Session per request, and a WeakMap entry per request slowed every young-generation
   * collection (docs/guide/performance.md).
   */
  [kStoreMemo]: string | undefined = undefined;

  /** The session as plain data, for a store that keeps it outside this process. */
  save(): SavedSession {
    const components: Record<string, unknown> = Object.create(null);
    for (const [name, value] of this.#components ?? []) {
      assertPlainData(value, name);
      components[name] = value;
    }
    return { createdAt: this.createdAt, lastModified: this.lastModified, components };
  }

  /** True when the session has gone unused for its timeout by `clock`'s time. */
  isDue(clock: Clock): boolean {
    return clock.seconds() - this.lastModified >= this.sessionTimeout;
  }
}

/** A session as a remote store keeps it. */
export interface SavedSession {
  readonly createdAt: number;
  /** When a request last used it; older saves lack it and count as used when loaded. */
  readonly lastModified?: number;
  readonly components: Readonly<Record<string, unknown>>;
}

/** Makes the Session object for a uid: pass a subclass to change `sessionTimeout`. */
export type SessionFactory = (uid: string, store: SessionStore, clock: Clock, saved?: SavedSession) => Session;

/** The default factory: a plain {@link Session}. */
export const defaultSessionFactory: SessionFactory = (uid, store, clock, saved) => new Session(uid, store, clock, saved);

/**
 * Where sessions live. The memory store answers `find` at once; a remote store answers
 * with a Promise, and the Site then loads the session before traversal so that
 * `request.getSession()` can stay synchronous.
 */
export interface SessionStore {
  /** True when sessions live outside this process (their components must be plain data). */
  readonly remote: boolean;
  /** Start keeping time with the Site's clock, making sessions with its factory, logging to its logger. */
  attach(clock: Clock, factory: SessionFactory, logger: Logger): void;
  /** The session with this uid, or undefined; a Promise for remote stores. */
  find(uid: string): Session | undefined | Promise<Session | undefined>;
  /** Keep a session that was just made. */
  add(session: Session): void;
  /** The session was used; remember that for expiry and eviction. */
  touched(session: Session): void;
  /** Forget a session (it expired). */
  remove(session: Session): void;
  /**
   * Write the session back after a request used it (remote stores; memory does nothing).
   * A remote store returns a Promise that settles once the write is acknowledged (never
   * rejecting: a failed write is logged), and the request ends only then, so that the
   * client's next request finds the session in whichever process answers it.
   */
  save(session: Session): void | Promise<void>;
  /** Release what the store holds (timers, connections). */
  close(): Promise<void>;
  /** Sessions evicted so far to stay under the store's cap. */
  readonly evictions: number;
}

// #region session-eviction-report
/**
 * Counts the evictions of one store and says so in the log once per burst: at the first
 * eviction after a quiet minute, with what the last burst cost. A flood evicting
 * thousands of sessions a second writes one line, not thousands.
 */
export class EvictionReport {
  #count = 0;
  #sinceLog = 0;
  #last = Number.NEGATIVE_INFINITY;

  /** Evictions so far. */
  get count(): number {
    return this.#count;
  }

  /** `n` sessions were evicted now (by `clock`); `max` is the store's cap. */
  evicted(n: number, max: number, clock: Clock, logger: Logger | null): void {
    if (n <= 0) return;
    const now = clock.seconds();
    this.#count += n;
    this.#sinceLog += n;
    if (now - this.#last >= EVICTION_QUIET_SECONDS) {
      const before = this.#sinceLog - n;
      logger?.warn(`Session store full (${max} sessions): evicting the least recently used to make room for new ones` +
        `${before > 0 ? ` (${before} more since the last such message)` : ''}. A flood of new clients, or maxSessions too low? ` +
        `Logged once per burst; the store's evictions property counts them all (${this.#count} so far).`);
      this.#sinceLog = 0;
    }
    this.#last = now;
  }
}
// #endregion session-eviction-report

// #region session-memory-store
/**
 * Sessions kept in this process's memory, in least-recently-used order. Sessions with
 * the same timeout expire in the order they were last used, so one timer per timeout
 * value is enough: it fires when the oldest of them is due, expires every session that
 * has been unused for its timeout, and is set again for the next one. A request that
 * uses a session only moves it to the young end; no timer is touched.
 */
export class MemorySessionStore implements SessionStore {
  readonly remote = false;
  readonly maxSessions: number;
  // Every session, least recently used first: the one evicted when the store is full.
  readonly #sessions = new Map<string, Session>();
  // The same sessions grouped by timeout, each group least recently used first.
  readonly #byTimeout = new Map<number, Map<string, Session>>();
  readonly #sweeps = new Map<number, DelayedCall>();
  readonly #report = new EvictionReport();
  #clock: Clock | null = null;
  #logger: Logger | null = null;

  constructor(options: { maxSessions?: number } = {}) {
    const max = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!Number.isInteger(max) || max < 1) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `maxSessions must be a whole number of at least 1, got ${String(max)}.`);
    }
    this.maxSessions = max;
  }

  attach(clock: Clock, _factory: SessionFactory, logger: Logger): void {
    this.#clock = clock;
    this.#logger = logger;
  }

  get evictions(): number {
    return this.#report.count;
  }

  /** How many sessions are alive. */
  get size(): number {
    return this.#sessions.size;
  }

  find(uid: string): Session | undefined {
    return this.#sessions.get(uid);
  }

  add(session: Session): void {
    if (this.#clock === null) throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'This session store is not attached to a Site.');
    if (this.#sessions.size >= this.maxSessions) {
      this.#sessions.values().next().value?.expire();
      this.#report.evicted(1, this.maxSessions, this.#clock, this.#logger);
    }
    this.#sessions.set(session.uid, session);
    let group = this.#byTimeout.get(session.sessionTimeout);
    if (group === undefined) this.#byTimeout.set(session.sessionTimeout, (group = new Map()));
    group.set(session.uid, session);
    if (!this.#sweeps.has(session.sessionTimeout)) this.#scheduleSweep(session.sessionTimeout, session.sessionTimeout);
  }

  touched(session: Session): void {
    // Re-inserting moves the session to the young end of both orders.
    if (!this.#sessions.delete(session.uid)) return;
    this.#sessions.set(session.uid, session);
    const group = this.#byTimeout.get(session.sessionTimeout);
    if (group?.delete(session.uid) === true) group.set(session.uid, session);
  }

  remove(session: Session): void {
    this.#sessions.delete(session.uid);
    const group = this.#byTimeout.get(session.sessionTimeout);
    group?.delete(session.uid);
    if (group?.size === 0) {
      this.#byTimeout.delete(session.sessionTimeout);
      this.#sweeps.get(session.sessionTimeout)?.cancel();
      this.#sweeps.delete(session.sessionTimeout);
    }
  }

  save(): void {}

  async close(): Promise<void> {
    for (const sweep of this.#sweeps.values()) sweep.cancel();
    this.#sweeps.clear();
  }

  /** Expire the sessions of one timeout group that are due, then wait for the next one. */
  #sweep(timeout: number): void {
    this.#sweeps.delete(timeout);
    const clock = this.#clock!;
    const group = this.#byTimeout.get(timeout);
    for (const session of group?.values() ?? []) {
      if (!session.isDue(clock)) {
        this.#scheduleSweep(timeout, timeout - (clock.seconds() - session.lastModified));
        return;
      }
      session.expire(); // removes it from the group, which iteration tolerates
    }
  }

  #scheduleSweep(timeout: number, seconds: number): void {
    // An expiry callback may make a session (and so a sweep) while a sweep runs: keep one.
    this.#sweeps.get(timeout)?.cancel();
    this.#sweeps.set(timeout, this.#clock!.callLater(seconds, () => this.#sweep(timeout)));
  }
}
// #endregion session-memory-store

/**
 * Check that `value` is plain JSON data (null, booleans, finite numbers, strings,
 * arrays and plain objects), which is all a remote store can keep.
 */
export function assertPlainData(value: unknown, name: string, path = ''): void {
  const where = `Session component "${name}"${path === '' ? '' : ` at ${path}`}`;
  const fail = (what: string) => {
    throw new LoomError('LOOM_ERR_SESSION_VALUE',
      `${where} holds ${what}; a session store outside this process can only keep plain JSON data (objects, arrays, strings, numbers, booleans, null). Store plain data, or use the memory store.`);
  };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(String(value));
    return;
  }
  if (value === undefined) return fail('undefined');
  if (typeof value !== 'object') return fail(`a ${typeof value}`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertPlainData(item, name, `${path}[${i}]`));
    return;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) fail(`a ${(value as object).constructor?.name ?? 'non-plain'} object`);
  for (const [k, v] of Object.entries(value)) assertPlainData(v, name, path === '' ? k : `${path}.${k}`);
}
