/**
 * @module
 * The client half of a proxy: a request passed on to an upstream server, and the
 * upstream's answer copied back to the client as it arrives.
 *
 * A `ProxyClientFactory` holds what every forwarded request shares: a pool of upstream
 * connections kept open between requests (undici's, see below), the timeout, and whether
 * to add `X-Forwarded-*` headers. Its `forward(request, target)` starts one exchange: the
 * request's method, headers and body go upstream, and the upstream's status, reason,
 * headers and body come back through `request.write()` as they arrive. `ReverseProxyResource`
 * and `ForwardProxyResource` (`lib/proxy/resource.ts`) are built on it.
 *
 * Twisted counterpart: `twisted.web.proxy.ProxyClientFactory` and `ProxyClient`.
 * Loom differs:
 * - one factory serves a whole resource tree and speaks HTTP/1.1 over kept-alive
 *   connections, because a new TCP connection per request (Twisted's HTTP/1.0 with
 *   `Connection: close`) costs a handshake per request and is the slowest part of proxying;
 * - hop-by-hop headers (`Connection` and the names it lists, `Keep-Alive`,
 *   `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`) are dropped in
 *   both directions, as RFC 9110 §7.6.1 requires (Twisted only rewrites `Connection`
 *   and drops `Proxy-Connection`);
 * - every value of a repeated request header goes upstream, where Twisted's
 *   `getAllHeaders()` keeps only the last;
 * - `X-Forwarded-For`, `-Host` and `-Proto` can be added (Twisted adds none), because
 *   without them the upstream sees every request coming from the proxy;
 * - an upstream that cannot be reached gets 502 Bad Gateway, where Twisted says 501
 *   "Gateway error": 501 means the server does not support the method, 502 is the code
 *   RFC 9110 §15.6.3 gives a gateway whose upstream failed;
 * - an upstream that does not answer within `timeout` seconds gets 504 Gateway Timeout,
 *   and one that stalls mid-body is cut off (Twisted waits forever);
 * - a client that goes away aborts the upstream request (Twisted lets it run to the end);
 * - an upstream answer without `Content-Type` is passed on without one, because a
 *   proxy should not invent a type (Twisted adds `text/html`);
 * - a GET (or another idempotent request) whose connection was closed before any answer
 *   is sent once more, on a fresh one, because an upstream may close an idle kept-alive
 *   connection just as the proxy picks it up (undici does not say whether the connection
 *   was a reused one, so a fresh one closed at once is tried again too, once).
 * - the upstream HTTP client is undici (Node's own `fetch` is built on it), through its
 *   lowest-level call, `dispatch`, which hands over the status, the headers and each piece
 *   of the body as callbacks: about 1.4 times cheaper per request than `node:http`'s
 *   client, whose request and response objects are streams the proxy never needs
 *   (docs/guide/performance.md, "HTTP/2 on the core API, the proxy on undici…").
 * Left out: the request body is not streamed upstream as it arrives: Loom's Site reads
 * the whole body before traversal (`request.content`), so it is sent from there, as
 * Twisted does. Also left out: HTTPS upstreams, `Via`, trailers, protocol upgrades
 * (WebSocket), and rewriting the upstream's own URLs in `Location` (nginx's
 * `proxy_redirect`); as in Twisted, a server behind the proxy builds public URLs itself,
 * with `VHostMonsterResource` (lib/vhost.ts).
 * Tests: `test/proxy/client.test.ts`. Lesson 22 (proxies) teaches it.
 */

import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { realClock, type Clock, type DelayedCall } from '../clock.ts';
import { LoomError } from '../errors.ts';
import type { Content } from '../plumbing/content.ts';
import { errorPage } from '../pages.ts';
import { render } from '../render.ts';
import type { Request } from '../request.ts';
import { copyResponseHead, upstreamHeaders } from './headers.ts';

/** Seconds to wait for an upstream answer before giving up with 504. */
export const DEFAULT_PROXY_TIMEOUT = 60;

/** Options for a {@link ProxyClientFactory} (and so for the proxy resources). */
export interface ProxyClientOptions {
  /**
   * The undici Dispatcher every upstream request goes through (an `Agent`, which keeps a
   * pool per upstream, or a `Pool` for one upstream; for a UNIX-socket target, a `Pool`
   * made with that `socketPath`). One you pass is yours to close.
   * @default a `Pool` per upstream, made by the factory on first use and closed by `close()`
   */
  dispatcher?: Dispatcher;
  /**
   * Seconds to wait for the upstream to start answering (then 504), and between two
   * pieces of its body (then the client's connection is cut). @default 60
   */
  timeout?: number;
  /**
   * Add `X-Forwarded-For` (the client's address appended), `X-Forwarded-Host` and
   * `X-Forwarded-Proto` to each request sent upstream. @default true for a reverse
   * proxy, false for a forward proxy
   */
  xForwarded?: boolean;
  /** Where time comes from, for the timeout. @default the Site's clock */
  clock?: Clock;
}

/** Where one request goes: the upstream's address, the Host header to send, the target. */
export interface UpstreamTarget {
  /** The upstream's host name or IP address (an IPv6 address without brackets). */
  readonly host: string;
  /** The upstream's TCP port. */
  readonly port: number;
  /**
   * A UNIX socket to connect to instead of `host`:`port`, which then only name the
   * upstream in messages. A personal server (lib/distrib/) is reached this way.
   */
  readonly socketPath?: string;
  /** The `Host` header value: `host`, plus `:port` unless the port is 80. */
  readonly hostHeader: string;
  /** The request target: path and query, e.g. `/echo?x=1`. */
  readonly path: string;
}

/** Methods that may safely be sent twice (RFC 9110 §9.2.2), so may be retried. */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** A spooled body goes upstream in pieces of this size. */
const BODY_CHUNK = 64 * 1024;

/**
 * What a proxy's requests share: the connection pools, the timeout and the
 * `X-Forwarded-*` choice. Twisted makes a `ProxyClientFactory` per request; Loom makes
 * one per proxy, so that its pools can keep upstream connections alive.
 *
 * @example
 * const factory = new ProxyClientFactory({ timeout: 10 });
 * const root = new ReverseProxyResource('127.0.0.1', 8080, '', factory);
 * // … on shutdown, after site.close():
 * await factory.close();
 */
export class ProxyClientFactory {
  /** Seconds; see {@link ProxyClientOptions.timeout}. */
  readonly timeout: number;
  /** Whether requests sent upstream get `X-Forwarded-For`, `-Host` and `-Proto`. */
  readonly xForwarded: boolean;
  /** `null`: use the clock of the request's Site. */
  readonly clock: Clock | null;
  /** The dispatcher given in the options, or null: the factory's own pools. */
  readonly #given: Dispatcher | null;
  /** The factory's own pools, one per upstream (`host:port`, or a socket path). */
  readonly #pools = new Map<string, Pool>();
  /** The upstream of the last request and its pool. */
  #last: { host: string; port: number; socketPath: string | undefined; pool: Pool } | null = null;

  /**
   * @param defaultXForwarded what `xForwarded` means when the options leave it out.
   * @throws LoomError `LOOM_ERR_INVALID_ARGUMENT` for a timeout that is not a positive number.
   */
  constructor(options: ProxyClientOptions = {}, defaultXForwarded = true) {
    const timeout = options.timeout ?? DEFAULT_PROXY_TIMEOUT;
    if (!(timeout > 0) || !Number.isFinite(timeout)) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `The proxy timeout is in seconds and must be a positive number, got ${String(options.timeout)}.`);
    }
    this.#given = options.dispatcher ?? null;
    this.timeout = timeout;
    this.xForwarded = options.xForwarded ?? defaultXForwarded;
    this.clock = options.clock ?? null;
  }

  /**
   * Send `request` to `target` and answer it with whatever comes back. The caller's
   * render method returns `NOT_DONE_YET`: the answer is written later.
   *
   * @param headers the flat `[name, value, …]` list to send upstream, when the caller
   *   builds its own (lib/distrib/ adds what a personal server must know). @default the
   *   request's headers as {@link upstreamHeaders} rewrites them for `target`
   */
  forward(request: Request, target: UpstreamTarget, headers?: string[]): void {
    new ProxyClient(this, request, target, headers ?? upstreamHeaders(request, target.hostHeader, this.xForwarded)).send();
  }

  /** The dispatcher for `target`: the one given, or this factory's pool for that upstream. */
  dispatcherFor(target: UpstreamTarget): Dispatcher {
    if (this.#given !== null) return this.#given;
    // Most proxies have one upstream: the last one used is checked first, which spares
    // building a key string and a map lookup on every request.
    const last = this.#last;
    if (last !== null && last.host === target.host && last.port === target.port && last.socketPath === target.socketPath) return last.pool;
    const key = target.socketPath ?? `${target.host}:${target.port}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      const { Pool: UpstreamPool } = loadUndici();
      pool = target.socketPath === undefined ? new UpstreamPool(originOf(target), POOL_OPTIONS) : new UpstreamPool('http://localhost', { ...POOL_OPTIONS, socketPath: target.socketPath });
      this.#pools.set(key, pool);
    }
    this.#last = { host: target.host, port: target.port, socketPath: target.socketPath, pool };
    return pool;
  }

  /** Close the upstream connections of the factory's own pools (not a dispatcher it was given). Call it after `site.close()`. */
  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    this.#last = null;
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}

/**
 * The factory's pools: as many connections per upstream as requests need at once, each
 * kept open between requests. The timeouts are the proxy's own (its clock can be a
 * test's), so undici's are off.
 */
const POOL_OPTIONS = { connections: null, headersTimeout: 0, bodyTimeout: 0 } as const;

/**
 * undici, loaded on the first upstream request rather than at import: it adds some 15 MB
 * to a process's memory, which a Site without a proxy should not carry.
 */
function loadUndici(): typeof import('undici') {
  return createRequire(import.meta.url)('undici') as typeof import('undici');
}

/** `http://host:port`, with an IPv6 address in brackets. */
function originOf(target: UpstreamTarget): string {
  return `http://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

/** Where an exchange is: waiting for the upstream's head, copying its body, or over. */
type Phase = 'waiting' | 'streaming' | 'done';

// #region proxy-client
/**
 * One request passed upstream and its answer passed back: Twisted's `ProxyClient`. It
 * is the handler undici calls as the answer arrives: `onResponseStart` with the status
 * and headers, `onResponseData` for each piece of the body, then `onResponseEnd`, or
 * `onResponseError` when the exchange fails.
 */
class ProxyClient implements Dispatcher.DispatchHandler {
  readonly #factory: ProxyClientFactory;
  readonly #request: Request;
  readonly #target: UpstreamTarget;
  readonly #headers: string[];
  readonly #clock: Clock;
  #controller: Dispatcher.DispatchController | null = null;
  #timer: DelayedCall | null = null;
  /** When the upstream last sent something (the clock's seconds), once it has answered. */
  #lastHeard = 0;
  #phase: Phase = 'waiting';
  #timedOut = false;
  #retried = false;

  constructor(factory: ProxyClientFactory, request: Request, target: UpstreamTarget, headers: string[]) {
    this.#factory = factory;
    this.#request = request;
    this.#target = target;
    this.#headers = headers;
    this.#clock = factory.clock ?? request.site?.clock ?? realClock;
  }

  /** Send the request upstream, start the clock, watch for the client leaving. */
  send(): void {
    const request = this.#request;
    const target = this.#target;
    this.#factory.dispatcherFor(target).dispatch(
      { origin: target.socketPath === undefined ? originOf(target) : 'http://localhost', method: request.method, path: target.path, headers: this.#headers, body: bodyOf(request) },
      this,
    );
    if (this.#timer === null) {
      this.#timer = this.#clock.callLater(this.#factory.timeout, () => this.#onTimeout());
      // The client leaving aborts the upstream request: nobody is left to read the answer.
      // (`request.signal` says the same, but costs an AbortController per request.)
      request.channel.onClose((lost) => {
        if (lost) this.#fail(() => {});
      });
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#phase === 'done') controller.abort(new LoomError('LOOM_ERR_UPSTREAM', 'The exchange was over before it started.'));
  }

  /** The upstream's status and headers arrived: copy them; the body follows piece by piece. */
  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, _headers: unknown, statusMessage?: string): void {
    if (this.#phase !== 'waiting') return;
    this.#phase = 'streaming';
    this.#lastHeard = this.#clock.seconds();
    copyResponseHead(this.#request, statusCode, statusMessage ?? '', controller.rawHeaders as Buffer[]);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#phase !== 'streaming') return;
    this.#lastHeard = this.#clock.seconds();
    // Backpressure: a slow client pauses the upstream instead of filling memory.
    if (!this.#request.write(chunk)) {
      controller.pause();
      void this.#request.waitForDrain().then(() => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.#phase !== 'streaming') return;
    this.#phase = 'done';
    this.#timer?.cancel();
    this.#request.finish();
  }
  // #endregion proxy-client

  // #region proxy-client-errors
  /**
   * The exchange failed. Before an answer: retry once, or answer 502 (504 after a
   * timeout). In the middle of the body: the status has gone out, so all that is left is
   * to cut the client's connection, which tells it the answer is incomplete.
   */
  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#phase === 'streaming') {
      this.#fail(() => this.#request.loseConnection());
      return;
    }
    if (this.#phase !== 'waiting') return;
    if (this.#shouldRetry(error)) {
      this.#retried = true;
      this.send();
      return;
    }
    const where = this.#target.socketPath === undefined ? `${this.#target.host}:${this.#target.port}` : `unix:${this.#target.socketPath}`;
    const request = this.#request;
    this.#fail(() => {
      if (this.#timedOut) {
        this.#log(`no answer from upstream ${where} within ${this.#factory.timeout} s`, error);
        render(request, GATEWAY_TIMEOUT);
      } else {
        this.#log(`could not reach upstream ${where}`, error);
        render(request, BAD_GATEWAY);
      }
    });
  }

  /**
   * A kept-alive connection the upstream closed just as it was reused fails before any
   * answer, as a closed socket; an idempotent request can safely go again, on a new
   * connection (nginx does the same), once. A refused connection is not retried.
   */
  #shouldRetry(error: Error): boolean {
    const code = (error as NodeJS.ErrnoException).code;
    return !this.#retried && !this.#timedOut && IDEMPOTENT.has(this.#request.method) &&
      (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE');
  }

  /**
   * The timer was set once, for `timeout` after the start. Moving it at every piece of
   * the body would cost two timer operations per piece, so instead it checks, when it
   * fires, how long the upstream has really been silent, and sets itself for the rest.
   */
  #onTimeout(): void {
    const silent = this.#clock.seconds() - this.#lastHeard;
    if (this.#phase === 'streaming' && silent < this.#factory.timeout) {
      this.#timer = this.#clock.callLater(this.#factory.timeout - silent, () => this.#onTimeout());
      return;
    }
    this.#timedOut = true;
    if (this.#phase !== 'waiting') {
      this.#fail(() => this.#request.loseConnection());
      return;
    }
    const late = new LoomError('LOOM_ERR_UPSTREAM', 'The upstream server did not answer in time.');
    // Aborting makes undici report the error (and the 504 follows); a request still
    // waiting for a connection has nothing to abort yet, and is answered here.
    if (this.#controller !== null) this.#controller.abort(late);
    else this.onResponseError(null, late);
  }

  /** End the exchange once: stop the clock, drop the upstream request, then `answer`. */
  #fail(answer: () => void): void {
    if (this.#phase === 'done') return;
    this.#phase = 'done';
    this.#timer?.cancel();
    const controller = this.#controller;
    if (controller !== null && !controller.aborted) controller.abort(new LoomError('LOOM_ERR_UPSTREAM', 'The proxied exchange was given up.'));
    if (!this.#request.channel.lost && !this.#request.finished) answer();
  }
  // #endregion proxy-client-errors

  #log(what: string, error: Error): void {
    const request = this.#request;
    request.site?.logger.warn(`Proxy: ${what} for ${request.method} ${request.uri}: ${error.message}`);
  }
}

/** The body to send: none, the bytes in memory, or a piece at a time from its temporary file. */
function bodyOf(request: Request): Uint8Array | Readable | null {
  // A request that declared no body has none: do not make an empty Content to find out.
  const headers = request.requestHeaders;
  if (!headers.hasHeader('content-length') && !headers.hasHeader('transfer-encoding')) return null;
  const content = request.content;
  if (content.length === 0) return null;
  if (!content.spooled) return content.bytes();
  content.seek(0);
  return Readable.from(piecesOf(content), { objectMode: false });
}

function* piecesOf(content: Content): Iterable<Buffer> {
  for (;;) {
    const piece = content.read(BODY_CHUNK);
    if (piece.length === 0) return;
    yield piece;
  }
}

// The proxy's own answers when the upstream fails: rendered once, sent as any page is.
const BAD_GATEWAY = errorPage(502, 'Bad Gateway', 'The server behind this one could not be reached. Try again later.');
const GATEWAY_TIMEOUT = errorPage(504, 'Gateway Timeout', 'The server behind this one did not answer in time. Try again later.');
