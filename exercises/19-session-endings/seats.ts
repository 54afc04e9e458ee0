/**
 * Exercise 19 · Session endings: seats that come back when a session ends.
 *
 * A small theatre hands out seats from a `SeatPool`. A visitor may hold one seat, for as
 * long as their session lives, and the seat must go back to the pool when the session
 * ends, however it ends: after 30 seconds without a visit, or at once when the visitor
 * leaves (`/leave`, written for you, calls `session.expire()`).
 *
 * 1. `BriefSession`: a Session whose `sessionTimeout` is 30 seconds.
 * 2. `briefSessions`: a SessionFactory that makes a BriefSession. `createSite` already
 *    hands it to the Site, which calls it for every new session.
 * 3. `HoldPage.render_POST` (at /hold):
 *    - if this visitor's session holds no seat yet, take one with `this.pool.take()`;
 *      if that gives `undefined`, the theatre is full: answer 409 with
 *          <html><body>No seats left.</body></html>
 *    - otherwise keep the seat in the session under the key `SEAT`, and arrange for
 *      `this.pool.giveBack(seat)` to run when the session ends (once!);
 *    - a visitor who already holds a seat keeps it and takes no other.
 *    Either way, answer 200 with `seatPage(seat)`.
 * `render_GET` (written) shows the visitor's seat.
 *
 * Grade with `npm run grade 19`; stuck? `npm run hint 19`.
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

// TODO: step 1, sessionTimeout = 30 (Session's is 900 seconds).
/** A session that ends after 30 seconds without a visit. */
export class BriefSession extends Session {}

// TODO: step 2, make a BriefSession instead.
/** Makes each new session. */
export const briefSessions: SessionFactory = (uid, store, clock, saved) => new Session(uid, store, clock, saved);

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

  // TODO: step 3, render_POST(request: Request): string.
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
