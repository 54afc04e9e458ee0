/**
 * Reference solution for exercise 19 (seats that come back when a session ends). Read
 * it after your own passes: `npm run solution 19`.
 */
import {
  ComponentKey, Resource, Session, Site,
  type Request, type SessionFactory, type SiteOptions,
} from '../../lib/index.ts';

/** The theatre's free seats. */
export class SeatPool {
  /** The seats nobody holds, in the order they will be handed out. */
  readonly free: string[];

  constructor(seats: readonly string[]) {
    this.free = [...seats];
  }

  /** Hand out the next free seat, or `undefined` when there is none. */
  take(): string | undefined {
    return this.free.shift();
  }

  /** Put a seat back, at the end of the queue. */
  giveBack(seat: string): void {
    this.free.push(seat);
  }
}

/** The seat a session holds. No create function: a session holds no seat until one is stored. */
export const SEAT = new ComponentKey<string>('seat');

/** The page that shows a visitor's seat (or that they hold none). */
export function seatPage(seat: string | undefined): string {
  return `<html><body>${seat === undefined ? 'You hold no seat.' : `You hold seat ${seat}.`}</body></html>`;
}

/** A session that ends after 30 seconds without a visit. */
export class BriefSession extends Session {
  override sessionTimeout = 30;
}

/** Makes each new session. */
export const briefSessions: SessionFactory = (uid, store, clock, saved) => new BriefSession(uid, store, clock, saved);

/** Hands out seats: POST to take one, GET to see yours. */
export class HoldPage extends Resource {
  readonly pool: SeatPool;

  constructor(pool: SeatPool) {
    super();
    this.pool = pool;
  }

  render_GET(request: Request): string {
    return seatPage(request.getSession(SEAT));
  }

  render_POST(request: Request): string {
    const session = request.getSession();
    const held = session.getComponent(SEAT);
    if (held !== undefined) return seatPage(held);
    const seat = this.pool.take();
    if (seat === undefined) {
      request.setResponseCode(409);
      return '<html><body>No seats left.</body></html>';
    }
    session.setComponent(SEAT, seat);
    // Registered once, when the seat is taken: a second callback would give it back twice.
    session.notifyOnExpire(() => this.pool.giveBack(seat));
    return seatPage(seat);
  }
}

/** Ends the visitor's session at once (on POST, so that no link can do it). */
export class LeavePage extends Resource {
  render_POST(request: Request): string {
    request.getSession().expire();
    return '<html><body>Goodbye.</body></html>';
  }
}

/** The theatre: seats from `pool` at /hold, and /leave. */
export function createSite(pool: SeatPool, options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('hold', new HoldPage(pool));
  root.putChild('leave', new LeavePage());
  return new Site(root, { sessionFactory: briefSessions, ...options });
}
