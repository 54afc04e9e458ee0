/**
 * @module
 * Sessions: what a Site remembers about one client between requests. session.ts has the
 * `Session`, the store interface and the in-memory store; redis.ts a store shared by
 * several processes; components.ts the typed keys that hang objects on a session.
 *
 * Twisted counterpart: `twisted.web.server.Session` and `Site.sessions`, with
 * `twisted.python.components` for `getSession(IFoo)`. The sessions guide
 * (docs/guide/sessions.md) draws how a session is found or made. Lessons 17-19.
 */

export { ComponentKey } from './components.ts';
export {
  DEFAULT_SESSION_TIMEOUT, MemorySessionStore, Session, defaultSessionFactory,
  type SavedSession, type SessionFactory, type SessionStore,
} from './session.ts';
export { RedisSessionStore, type RedisSessionStoreOptions } from './redis.ts';
