/**
 * @module
 * Timeouts: how long a Site waits for a client, and for itself.
 *
 * A connection costs a socket and some memory for as long as it is open, so a client
 * that is slow on purpose (slowloris sends its headers a byte at a time, slow-body
 * clients drip the body) can hold a server's connections without sending anything
 * useful. Each wait therefore has a limit: for the request's headers, for its body (a
 * minimum rate after a first allowance), for the next request on an idle keep-alive
 * connection, and for the resource to start its answer.
 *
 * Who keeps which clock: the headers and the idle keep-alive limits are Node's own
 * (`headersTimeout`, `keepAliveTimeout`, lib/http-server.ts sets them). The body and the
 * response limits are Loom's, on the Site's injected clock, because Node has nothing
 * that does the job: its `requestTimeout` is one deadline for a whole request, which
 * either cuts off an honest 100 MB upload on a slow link or, at its default of 300 s,
 * lets a dripping client hold its connection for five minutes. Loom turns it off.
 *
 * Twisted counterpart: `HTTPFactory(timeout=60)`, one idle timeout that every byte
 * received resets, so a client sending a byte every 59 s is never timed out. Loom keeps
 * `timeout` for the idle keep-alive wait and adds the others, with defaults that end a
 * slow client without troubling a real one (Apache's `mod_reqtimeout` rule for bodies:
 * 20 s, then at least 500 bytes a second). The response limit is off unless asked for:
 * waiting is the resource's business, and it is not something a client can drag out.
 * Tests: `test/timeouts.test.ts`; over real sockets, `test/http-server.test.ts`.
 */

import type { Clock, DelayedCall } from './clock.ts';
import { LoomError } from './errors.ts';
import type { Logger } from './logger.ts';
import { kCutOff } from './plumbing/symbols.ts';
import { processingFailed } from './render.ts';
import type { Request } from './request.ts';

/** The timeout options a Site takes besides `timeout`, each in seconds (see {@link Timeouts}). */
export interface TimeoutOptions {
  /** Seconds a client has, from a request's first byte (or the connection's opening), to send all its headers; then 408. @default 30 */
  headersTimeout?: number;
  /** Seconds a request body may take before it must keep up `bodyMinRate`; then 408. @default 20 */
  bodyTimeout?: number;
  /** Bytes per second a body must average after `bodyTimeout`; 0 makes `bodyTimeout` a deadline for the whole body. @default 500 */
  bodyMinRate?: number;
  /**
   * Seconds a resource has to start its response; then 503. Off by default, as in
   * Twisted: a long poll or a lesson's timer waits on purpose, and the proxy and the
   * gateway have limits of their own for what they wait on. @default 0 (no limit)
   */
  responseTimeout?: number;
}

/** Every limit of a Site, validated; seconds, except `bodyMinRate` (bytes per second). */
export interface Timeouts {
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  readonly bodyMinRate: number;
  /** The Site's `timeout`: how long an idle keep-alive connection waits for its next request. */
  readonly idleTimeout: number;
  readonly responseTimeout: number;
}

/** The defaults, chosen so that no real client comes near them. */
export const DEFAULT_TIMEOUTS: Omit<Timeouts, 'idleTimeout'> = {
  headersTimeout: 30,
  bodyTimeout: 20,
  bodyMinRate: 500,
  responseTimeout: 0,
};

/**
 * The Site's limits from its options, each checked once, at construction.
 * @throws LoomError `LOOM_ERR_INVALID_ARGUMENT` for a limit that is not a number in range.
 */
export function timeoutsFrom(options: TimeoutOptions, idleTimeout: number): Timeouts {
  return {
    headersTimeout: checked(options.headersTimeout, DEFAULT_TIMEOUTS.headersTimeout, 'headersTimeout', false),
    bodyTimeout: checked(options.bodyTimeout, DEFAULT_TIMEOUTS.bodyTimeout, 'bodyTimeout', false),
    bodyMinRate: checked(options.bodyMinRate, DEFAULT_TIMEOUTS.bodyMinRate, 'bodyMinRate', true),
    idleTimeout,
    responseTimeout: checked(options.responseTimeout, DEFAULT_TIMEOUTS.responseTimeout, 'responseTimeout', true),
  };
}

// #region timeouts-body-watch
/**
 * Watches one request body arrive, and aborts its `signal` (with a 408 error) when it
 * falls behind: the body may take `bodyTimeout` seconds, plus one second for every
 * `bodyMinRate` bytes received. A client dripping a byte every 5 s is cut off after
 * about 20 s; an upload at a modest 100 kB/s earns 200 s more each second.
 *
 * Progress is read from the socket's byte count when the deadline comes, not counted
 * chunk by chunk, so a steady body costs one timer and a few wake-ups, not a callback
 * per chunk.
 */
export class BodyWatch {
  readonly #socket: { readonly bytesRead: number };
  readonly #clock: Clock;
  readonly #timeouts: Timeouts;
  readonly #start: number;
  readonly #startBytes: number;
  readonly #controller = new AbortController();
  #call: DelayedCall | null;

  constructor(socket: { readonly bytesRead: number }, clock: Clock, timeouts: Timeouts) {
    this.#socket = socket;
    this.#clock = clock;
    this.#timeouts = timeouts;
    this.#start = clock.seconds();
    this.#startBytes = socket.bytesRead;
    this.#call = clock.callLater(timeouts.bodyTimeout, () => this.#check());
  }

  /** Aborted, with a `LOOM_ERR_REQUEST_TIMEOUT` (408) reason, when the body is too slow. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The body has been read (or given up on): stop watching. */
  stop(): void {
    this.#call?.cancel();
    this.#call = null;
  }

  #check(): void {
    this.#call = null;
    const { bodyTimeout, bodyMinRate } = this.#timeouts;
    const received = this.#socket.bytesRead - this.#startBytes;
    const deadline = this.#start + bodyTimeout + (bodyMinRate > 0 ? received / bodyMinRate : 0);
    const left = deadline - this.#clock.seconds();
    if (left > 0) {
      this.#call = this.#clock.callLater(left, () => this.#check());
      return;
    }
    const rate = bodyMinRate > 0 ? `, then at least ${bodyMinRate} bytes a second` : '';
    this.#controller.abort(new LoomError('LOOM_ERR_REQUEST_TIMEOUT',
      `The request body arrived too slowly (${received} bytes so far). This server allows ${bodyTimeout} s${rate}; send the body at once.`, { status: 408 }));
  }
}
// #endregion timeouts-body-watch

// #region timeouts-response-deadlines
/**
 * The time limit for starting a response: every request the Site is answering, oldest
 * first, and one timer for the oldest. A request that has not sent its headers when its
 * time is up gets a 503 page and its connection closed; the resource is told, as if the
 * client had gone (`notifyFinish()` rejects, `request.signal` aborts, with
 * `LOOM_ERR_RESPONSE_TIMEOUT`), and what it writes afterwards is dropped. Requests all
 * share one limit, so they fall due in the order they came: a request costs a Map entry,
 * not a timer of its own.
 */
export class ResponseDeadlines {
  readonly #seconds: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #started = new Map<Request, number>();
  #sweep: DelayedCall | null = null;

  constructor(seconds: number, clock: Clock, logger: Logger) {
    this.#seconds = seconds;
    this.#clock = clock;
    this.#logger = logger;
  }

  /** How many requests are being watched. */
  get size(): number {
    return this.#started.size;
  }

  /** Start the clock on a request about to be traversed and rendered; it stops when the request's connection closes. */
  add(request: Request): void {
    // No limit (`responseTimeout` 0, the default): nothing to watch, and no close listener
    // either; one per request showed in HTTP/2 profiles.
    if (this.#seconds === 0) return;
    this.#started.set(request, this.#clock.seconds());
    // On close rather than finish: a request whose client left may never finish.
    request.channel.onClose(() => this.#started.delete(request));
    this.#sweep ??= this.#clock.callLater(this.#seconds, () => this.#run());
  }

  /** Stop the timer (the Site is closing). */
  close(): void {
    this.#sweep?.cancel();
    this.#sweep = null;
    this.#started.clear();
  }

  #run(): void {
    this.#sweep = null;
    const now = this.#clock.seconds();
    for (const [request, at] of this.#started) {
      const left = at + this.#seconds - now;
      if (left > 0) {
        this.#sweep = this.#clock.callLater(left, () => this.#run());
        return;
      }
      this.#started.delete(request); // deleting the entry being visited is safe for a Map
      if (!request.startedWriting && !request.finished && !request.channel.lost) this.#giveUp(request);
    }
  }

  #giveUp(request: Request): void {
    const error = new LoomError('LOOM_ERR_RESPONSE_TIMEOUT',
      `The server did not start its answer within ${this.#seconds} seconds. Try again later.`, { status: 503 });
    this.#logger.warn(`${request.method} ${request.uri} did not start its response within ${this.#seconds} s (the Site's responseTimeout); answered 503 and closed the connection.`);
    request.channel.closeAfterResponse();
    request[kCutOff](error);
    processingFailed(request, error, null);
  }
}
// #endregion timeouts-response-deadlines

function checked(value: number | undefined, fallback: number, name: string, zeroAllowed: boolean): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    const range = zeroAllowed ? 'zero or more' : 'more than zero';
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `Site option ${name} must be a number ${range}, got ${String(value)}.`);
  }
  return value;
}
