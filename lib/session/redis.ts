/**
 * @module
 * Sessions kept in Redis, so that several processes (or machines) behind a load
 * balancer share them: a session made by one is found by the others.
 *
 * Each session is one Redis string, `loom:session:<uid>`, holding its components as
 * JSON, with a TTL of the session's timeout; a sorted set, `loom:session:lru`, ranks the
 * sessions by last use, so that past `maxSessions` the least recently used are evicted,
 * as the memory store does (each eviction counted, one log line per burst). The Site loads the session named by the
 * cookie before traversal (so `request.getSession()` stays synchronous) and writes it
 * back, with a fresh TTL, when the response is finished, ending the response only once
 * Redis has acknowledged the write: the client's next request, to any process, then finds
 * what this one stored. A session whose components come out as the same JSON as when it
 * was loaded is not written again: one command (`EXPIRE` and a new rank, in a script)
 * renews its TTL and marks its use, and the rank, not the JSON, then says when it was
 * last used. Each request thus costs two commands, loading and writing or touching,
 * and the commands of every request in one tick go out in one write (ioredis's
 * auto-pipelining). Component values must be plain JSON data; anything
 * else is refused with `LOOM_ERR_SESSION_VALUE` when it is stored.
 *
 * Twisted has no counterpart (its sessions live in one process's memory).
 * What to know: a Redis that goes away turns requests that carry a session cookie into
 * 503s after `commandTimeout` (never a hang); the client reconnects by itself and the
 * Site recovers when Redis is back. `notifyOnExpire` callbacks run only where
 * `expire()` is called: a TTL running out in Redis tells no process. Two requests of
 * one session at the same moment each write the session back; the later write wins.
 * Tests: `test/session/redis.test.ts`. Lesson 31 (scaling-out) uses it.
 */

import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import type { Clock } from '../clock.ts';
import { LoomError } from '../errors.ts';
import { kStoreMemo } from '../plumbing/symbols.ts';
import type { Logger } from '../logger.ts';
import {
  DEFAULT_MAX_SESSIONS, EvictionReport, defaultSessionFactory, type SavedSession, type Session, type SessionFactory, type SessionStore,
} from './session.ts';

/** Options for {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** A Redis URL, e.g. `redis://127.0.0.1:6379/0`. Ignored when `client` is given. */
  url?: string;
  /** Use this client instead of making one (the store will not close it). */
  client?: Redis;
  /** Prefix of every key. @default 'loom:session:' */
  prefix?: string;
  /** Milliseconds a Redis command may take before the request gets a 503. @default 1000 */
  commandTimeout?: number;
  /** The most sessions kept (by every process sharing the prefix); the least recently used go first. @default 100000 */
  maxSessions?: number;
}

/**
 * Save one session and evict past the cap, in one step on the server: write the session
 * with its TTL, rank it as used now, then pop and delete the least recently used while
 * there are too many. Returns how many it evicted. (The deleted keys are not declared in
 * KEYS, so this is for a single Redis, not a cluster.)
 */
const SAVE_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over <= 0 then return 0 end
local oldest = redis.call('ZPOPMIN', KEYS[2], over)
for i = 1, #oldest, 2 do redis.call('DEL', oldest[i]) end
return over`;

/**
 * Load one session: its JSON and its rank in the least-recently-used set, which is when a
 * request last used it (a touch moves the rank and the TTL, not the JSON). One command.
 */
const FIND_SCRIPT = `
local json = redis.call('GET', KEYS[1])
if not json then return nil end
return {json, redis.call('ZSCORE', KEYS[2], KEYS[1])}`;

/**
 * Mark a session whose components did not change as used now, in one command: renew its
 * TTL and its rank. A session gone meanwhile (expired, evicted) stays gone.
 */
const TOUCH_SCRIPT = `
if redis.call('EXPIRE', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], KEYS[1])
return 1`;

/** The client with the scripts defined on it (ioredis sends each once, then by its SHA). */
type ScriptedRedis = Redis & {
  loomSaveSession(key: string, lru: string, json: string, ttl: number, usedAt: number, max: number): Promise<number>;
  loomFindSession(key: string, lru: string): Promise<[string, string | null] | null>;
  loomTouchSession(key: string, lru: string, ttl: number, usedAt: number): Promise<number>;
};

// #region session-redis-store
/** A {@link SessionStore} on Redis. */
export class RedisSessionStore implements SessionStore {
  readonly remote = true;
  readonly prefix: string;
  readonly maxSessions: number;
  readonly #redis: ScriptedRedis;
  readonly #lru: string;
  readonly #report = new EvictionReport();
  readonly #ownsClient: boolean;
  #clock: Clock | null = null;
  #factory: SessionFactory = defaultSessionFactory;
  #logger: Logger | null = null;
  #down = false;
  /** Writes sent but not yet answered: close() waits for them rather than lose them. */
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: RedisSessionStoreOptions = {}) {
    this.prefix = options.prefix ?? 'loom:session:';
    this.#lru = `${this.prefix}lru`; // never a session's key: those end in a 64-digit uid
    this.maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!Number.isInteger(this.maxSessions) || this.maxSessions < 1) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `maxSessions must be a whole number of at least 1, got ${String(this.maxSessions)}.`);
    }
    this.#ownsClient = options.client === undefined;
    const redisOptions: RedisOptions = {
      commandTimeout: options.commandTimeout ?? 1000,
      maxRetriesPerRequest: 1,
      // Keep trying to reconnect, never more than 2 s apart, so the Site recovers by itself.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    };
    const client = options.client ?? connect(options.url, {
      ...redisOptions,
      // Requests of many clients share one connection: batch their commands into one write.
      enableAutoPipelining: true,
    });
    if (!('loomSaveSession' in client)) {
      client.defineCommand('loomSaveSession', { numberOfKeys: 2, lua: SAVE_SCRIPT });
      client.defineCommand('loomFindSession', { numberOfKeys: 2, lua: FIND_SCRIPT });
      client.defineCommand('loomTouchSession', { numberOfKeys: 2, lua: TOUCH_SCRIPT });
    }
    this.#redis = client as ScriptedRedis;
    this.#redis.on('error', (error: Error) => this.#reportDown(error));
    this.#redis.on('ready', () => this.#reportUp());
  }

  attach(clock: Clock, factory: SessionFactory, logger: Logger): void {
    this.#clock = clock;
    this.#factory = factory;
    this.#logger = logger;
  }

  get evictions(): number {
    return this.#report.count;
  }

  /** The Redis client, for tests and for waiting until it is connected. */
  get client(): Redis {
    return this.#redis;
  }

  async find(uid: string): Promise<Session | undefined> {
    const found = await this.#redis.loomFindSession(this.prefix + uid, this.#lru);
    if (found === null) return undefined;
    const [json, rank] = found;
    let saved: SavedSession;
    try {
      saved = JSON.parse(json) as SavedSession;
    } catch {
      return undefined; // Not written by Loom: treat it as no session.
    }
    // A touch renews the rank, not the JSON: the later of the two is the last use.
    const usedAt = rank === null ? saved.lastModified : Math.max(saved.lastModified ?? Number.NEGATIVE_INFINITY, Number(rank));
    const session = this.#factory(uid, this, this.#requireClock(), { ...saved, lastModified: usedAt });
    // The components' JSON as read: unchanged at the end of the request, it is only touched.
    session[kStoreMemo] = componentsOf(json);
    // Redis's TTL counts real seconds; the Site's clock is the one that decides, so a
    // test's clock (or a clock ahead of Redis's) expires sessions the same way here.
    if (session.isDue(this.#requireClock())) {
      this.remove(session);
      return undefined;
    }
    return session;
  }

  add(): void {
    // A new session is written when its first request ends (save), not before.
  }

  touched(): void {
    // The write (or touch) at the end of the request renews the TTL.
  }

  remove(session: Session): void {
    const key = this.prefix + session.uid;
    this.#track(this.#redis.zrem(this.#lru, key).catch(() => undefined)); // a stale rank only makes it the next to go
    this.#track(this.#redis.del(key).catch((error: unknown) => this.#logger?.error(`Could not delete session ${session.uid.slice(0, 8)}… from Redis`, error)));
  }

  save(session: Session): Promise<void> | undefined {
    let json: string;
    try {
      json = JSON.stringify(session.save());
    } catch (error) {
      this.#logger?.error(`Session not saved: ${(error as Error).message}`, error);
      return undefined;
    }
    const ttl = Math.max(1, Math.ceil(session.sessionTimeout));
    const key = this.prefix + session.uid;
    const components = componentsOf(json);
    if (components === session[kStoreMemo]) return this.#touch(key, ttl, session.lastModified);
    session[kStoreMemo] = components;
    const saved = this.#redis.loomSaveSession(key, this.#lru, json, ttl, session.lastModified, this.maxSessions);
    const write = saved.then(
      (evicted) => this.#report.evicted(evicted, this.maxSessions, this.#requireClock(), this.#logger),
      (error: unknown) => void this.#logger?.error('Could not save a session to Redis', error),
    );
    this.#track(write);
    return write;
  }

  /** Renew an unchanged session's TTL and rank: one command, no JSON sent. */
  #touch(key: string, ttl: number, usedAt: number): Promise<void> {
    const write = this.#redis.loomTouchSession(key, this.#lru, ttl, usedAt).then(
      () => undefined,
      (error: unknown) => void this.#logger?.error('Could not touch a session in Redis', error),
    );
    this.#track(write);
    return write;
  }

  /** Finish the writes under way (auto-pipelining sends them on the next tick), then disconnect. */
  async close(): Promise<void> {
    await Promise.all(this.#pending);
    if (this.#ownsClient) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #track(write: Promise<unknown>): void {
    this.#pending.add(write);
    void write.finally(() => this.#pending.delete(write));
  }

  #requireClock(): Clock {
    if (this.#clock === null) throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'This session store is not attached to a Site.');
    return this.#clock;
  }

  // Log an outage once, not once per reconnection attempt.
  #reportDown(error: Error): void {
    if (this.#down) return;
    this.#down = true;
    this.#logger?.warn(`Redis session store unreachable (${error.message}); requests with a session cookie get 503 until it is back.`);
  }

  #reportUp(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#logger?.info('Redis session store reachable again.');
  }
}
// #endregion session-redis-store

/**
 * The components part of a session's JSON as `Session.save()` lays it out (`components`
 * last). Two equal texts mean equal data; a layout not Loom's never matches, and the
 * session is simply written whole.
 */
function componentsOf(json: string): string {
  const at = json.indexOf('"components":');
  return at < 0 ? json : json.slice(at);
}

/**
 * Make a Redis client. ioredis is loaded here, on first use, rather than at import:
 * it costs a Site that never uses Redis about 12 MB of memory. It is a CommonJS
 * package, so loading it stays synchronous.
 */
function connect(url: string | undefined, options: RedisOptions): Redis {
  const { Redis: Client } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  return url === undefined ? new Client(options) : new Client(url, options);
}
