/**
 * Lesson 19: session endings. A Session subclass with a short `sessionTimeout`,
 * installed with the Site's `sessionFactory` option, makes sessions that end after a
 * few seconds without a visit; `session.notifyOnExpire(callback)` runs code when one
 * ends.
 *
 * `/` starts (or keeps alive) your session and watches for its end; `/ended` lists the
 * sessions that have ended. The server's log says when each one ends.
 */
import { Resource, Session, Site, escapeHTML, type Logger, type Request, type SessionFactory, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** Seconds a session may go unused before it ends: short, so that you can watch it happen. */
export const TIMEOUT = 10;

// #region short-session
/** A session that ends after `TIMEOUT` seconds without a request. */
export class ShortSession extends Session {
  override sessionTimeout = TIMEOUT;
}

/** Makes every new session a ShortSession. The Site calls it with what a Session needs. */
export const shortSessions: SessionFactory = (uid, store, clock, saved) => new ShortSession(uid, store, clock, saved);
// #endregion short-session

// #region expiration-logger
/** Watches each visitor's session, and logs and records it when it ends. */
export class ExpirationLogger extends Resource {
  /** The uids of the sessions that have ended, oldest first. */
  readonly ended: string[] = [];
  readonly #watching = new Set<string>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    super();
    this.#logger = logger;
  }

  render_GET(request: Request): string {
    const session = request.getSession();
    // Ask once per session: every callback given to notifyOnExpire runs, so asking on
    // every visit would log the same ending again and again.
    if (!this.#watching.has(session.uid)) {
      this.#watching.add(session.uid);
      session.notifyOnExpire(() => this.#expired(session.uid));
    }
    return page(`Your session is ${session.uid.slice(0, 8)}… and it ends ${TIMEOUT} seconds after your last visit: ` +
      'reload within that time to keep it. <a href="ended">Sessions that have ended</a>.');
  }

  #expired(uid: string): void {
    this.#watching.delete(uid);
    this.ended.push(uid);
    this.#logger.info(`Session ${uid.slice(0, 8)}… has expired.`);
  }
}
// #endregion expiration-logger

/** Lists the sessions that have ended. */
class EndedPage extends Resource {
  readonly #watcher: ExpirationLogger;

  constructor(watcher: ExpirationLogger) {
    super();
    this.#watcher = watcher;
  }

  render_GET(_request: Request): string {
    const items = this.#watcher.ended.map((uid) => `<li>${escapeHTML(uid.slice(0, 8))}…</li>`).join('');
    return page(`Sessions that have ended: ${this.#watcher.ended.length}.<ul>${items}</ul><a href="/">Back</a>.`);
  }
}

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  // Twisted's lesson sets site.sessionFactory = ShortSession; here it is an option.
  const site = new Site(root, { sessionFactory: shortSessions, ...options });
  const watcher = new ExpirationLogger(site.logger);
  root.putChild('', watcher);
  root.putChild('ended', new EndedPage(watcher));
  return site;
}
// #endregion create-site

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 19</title></head><body>${body}</body></html>`;
}

export const tryThis: Try[] = [
  { note: `reload within ${TIMEOUT} s to keep your session; wait longer and the server logs its end`, path: '/', browser: true, expect: { code: 200, bodyIncludes: `it ends ${TIMEOUT} seconds after your last visit` } },
  { note: 'the sessions that have ended so far', path: '/ended', expect: { code: 200, bodyIncludes: 'Sessions that have ended: ' } },
];
